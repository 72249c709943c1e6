import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDeclarations

/// Loads the declaration of every document of the shared evaluation corpus (../shared/corpus, not part of the
/// repository). Reported as skipped when the corpus or `tar`/`xz` is absent.
@Suite("Declarations: real OTA declarations from the corpus")
struct DeclarationCorpusTests {
  static var corpusPath: String {
    if let path = ProcessInfo.processInfo.environment["POLICYWATCH_CORPUS"] { return path }
    // Tests/PolicyWatchTests/Declarations/<this file> → the repository → ../shared/corpus
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    return repository.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
  }

  /// Unpacks only `*/declaration.json` of `archive` into `directory` (the snapshots stay packed).
  static func unpackDeclaration(_ archive: String, into directory: String, tar: String) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tar)
    process.arguments = ["-xJf", archive, "-C", directory, "--wildcards", "*/declaration.json"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: corpusPath + "/ota-genai-eu") && Prerequisites.tools("tar", "xz"),
      "needs ../shared/corpus/ota-genai-eu, tar and xz"))
  func everyCorpusDeclarationLoads() throws {
    let corpus = Self.corpusPath
    let ota = (corpus as NSString).appendingPathComponent("ota-genai-eu")
    let tar = try #require(Prerequisites.which("tar"))
    let directory = TemporaryDirectory("declarations")
    defer { directory.remove() }
    let archives = try FileManager.default.contentsOfDirectory(atPath: ota)
      .filter { $0.hasSuffix(".tar.xz") && !$0.hasSuffix(".versions.tar.xz") }.sorted()
    #expect(!archives.isEmpty, "no <Service>__<Document>.tar.xz in \(ota)")
    for archive in archives {
      let status = try Self.unpackDeclaration(
        (ota as NSString).appendingPathComponent(archive), into: directory.path, tar: tar)
      #expect(status == 0, "tar failed on \(archive)")
    }

    var files: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    while let relative = enumerator?.nextObject() as? String {
      if relative.hasSuffix("/declaration.json") {
        files.append((directory.path as NSString).appendingPathComponent(relative))
      }
    }
    let linkedIn = (corpus as NSString).appendingPathComponent("linkedin-privacy/declaration.json")
    if FileManager.default.fileExists(atPath: linkedIn) { files.append(linkedIn) }
    #expect(files.count >= archives.count)

    for file in files.sorted() {
      let replay: ReplayDeclaration
      do {
        replay = try DeclarationLoader.loadReplayDeclaration(at: file)
      } catch {
        Issue.record("\(error)")
        continue
      }
      // Every record of the rules names at least one page with an http(s) URL.
      for declaration in replay.allDeclarations {
        #expect(!declaration.pages.isEmpty)
        #expect(declaration.pages.allSatisfy { $0.fetch.hasPrefix("https://") || $0.fetch.hasPrefix("http://") })
        #expect(declaration.documentType == replay.document)
      }
      // The rules in force at the last commit date are those the git record gives for that date.
      if let last = replay.gitHistory.last(where: { $0.declaration != nil }) {
        #expect(replay.declaration(at: last.from) == last.declaration)
      }
      print(
        "\(replay.service)/\(replay.document): \(replay.allDeclarations.count) rule sets, "
          + "\(replay.warnings.count) warnings")
    }
  }
}
