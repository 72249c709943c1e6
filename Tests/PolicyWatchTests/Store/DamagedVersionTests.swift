import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchStore
@testable import PolicyWatchSupport

/// A damaged version file is reported as damaged (not missing), `fsck --repair` rebuilds it from its raw snapshot
/// with the rules of its time, and the next fetch of the same text is a flap, not a change.
@Suite("Damaged versions")
final class DamagedVersionTests {
  let history = TemporaryDirectory("damaged-history")
  let store = TemporaryDirectory("damaged-store")
  let textA = baseClauses
  let textB = baseClauses + ["We may share your email address with our advertising partners."]

  init() throws {
    try HistoryBuilder(history.path).write([
      ("2024-01-10T08-00-00Z", HistoryBuilder.page(textA)),
      ("2024-02-10T08-00-00Z", HistoryBuilder.page(textB, nonce: 1)),
    ])
    let replay = try CLI.run(["replay", history.path, "--store", store.path])
    try #require(replay.status == 1, "\(replay.error)")
  }

  var document: String { store.path + "/documents/Example Co/Privacy Policy" }

  /// The id of the first version (text A), and its file cut in half.
  func truncateFirstVersion() throws -> String {
    let opened = try SnapshotStore(path: store.path, create: false)
    let ref = SnapshotStore.DocumentRef(service: "Example Co", document: "Privacy Policy")
    let id = try #require(opened.events(ref).first?.version)
    let file = "\(document)/versions/\(id).json"
    let bytes = try #require(FileIO.read(file))
    try FileIO.writeAtomically(Array(bytes.prefix(bytes.count / 2)), to: file)
    return id
  }

  @Test("fsck says damaged, not missing; --repair rebuilds the version from its raw snapshot")
  func fsckRebuilds() throws {
    let id = try truncateFirstVersion()
    let fsck = try CLI.run(["fsck", "--store", store.path])
    #expect(fsck.status == 1)
    #expect(fsck.output.contains("version \(id) is damaged: it is not a valid version record"), "\(fsck.output)")
    #expect(!fsck.output.contains("missing"))
    #expect(fsck.output.contains("to recover: `policywatch fsck --repair` rebuilds it from its raw snapshot"))
    // Without the rules of its time the repair says what it needs.
    let blind = try CLI.run(["fsck", "--store", store.path, "--repair"])
    #expect(blind.status == 1)
    #expect(
      blind.output.contains("it cannot be rebuilt: no declaration of Example Co/Privacy Policy"), "\(blind.output)")
    let repair = try CLI.run(["fsck", "--store", store.path, "--repair", "--declarations", history.path])
    #expect(repair.status == 0, "\(repair.output)\(repair.error)")
    #expect(repair.output.contains("rebuilt version \(id) of Example Co/Privacy Policy from raw snapshot"))
    #expect(try CLI.run(["fsck", "--store", store.path]).status == 0)
    let show = try CLI.run(["show", "Example Co/Privacy Policy", "--store", store.path, "--at", id, "--no-pager"])
    #expect(show.status == 0)
    #expect(show.output.contains(textA[0]))
    #expect(show.output.contains("first seen 2024-01-10 08:00"), "\(show.output)")
  }

  @Test("a rebuild that does not give back the version's text is refused")
  func rebuildChecksTheID() throws {
    let id = try truncateFirstVersion()
    // Rules that select another part of the page give another text: the version is not replaced by it.
    let other = TemporaryDirectory("other-rules")
    var builder = HistoryBuilder(other.path)
    builder.declarationJSON = """
      {"service": "Example Co", "document": "Privacy Policy",
       "declaration": {"fetch": "https://example.com/privacy", "select": ["main"], "remove": ["h1"]}}
      """
    try builder.write([])
    let repair = try CLI.run(["fsck", "--store", store.path, "--repair", "--declarations", other.path])
    #expect(repair.status == 1)
    #expect(repair.output.contains("does not give it back"), "\(repair.output)")
    #expect(
      (try SnapshotStore(path: store.path, create: false)).versionFileState(
        id, of: .init(service: "Example Co", document: "Privacy Policy")) != .valid)
  }

  @Test("the next fetch of the damaged version's text is a flap (and heals the file), not a silent change")
  func nextFetchIsAFlap() throws {
    let id = try truncateFirstVersion()
    try HistoryBuilder(history.path).write([("2024-03-10T08-00-00Z", HistoryBuilder.page(textA, nonce: 2))])
    let replay = try CLI.run(["replay", history.path, "--store", store.path, "--format", "json"])
    let events = replay.output.split(separator: "\n").compactMap {
      try? StoreJSON.decoder.decode(StoreEvent.self, from: Data($0.utf8))
    }
    #expect(events.map(\.kind) == [.flap], "\(replay.output)\(replay.error)")
    #expect(events.first?.version == id)
    #expect(replay.status == 0)
    #expect(try CLI.run(["fsck", "--store", store.path]).status == 0)
  }
}
