import Foundation
import PolicyWatchTestSupport
import Testing

/// `policywatch check` on declarations whose pages need a browser, served on 127.0.0.1.
@Suite(.serialized)
struct CheckWithBrowserTests {
  /// Three documents: one built by scripts (`executeClientScripts`), one behind a script challenge answered with
  /// 403 to plain clients, one plain page.
  func declarations(_ server: TestServer, in folder: URL) throws -> URL {
    let declarations = folder.appendingPathComponent("declarations")
    try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
    let service = """
      {"name": "Example Notes", "terms": {
        "Privacy Policy": {"fetch": "\(server.url("/delayed"))", "select": "#policy", "executeClientScripts": true},
        "Terms of Service": {"fetch": "\(server.url("/wall"))", "select": "body"},
        "Cookie Policy": {"fetch": "\(server.url("/static"))", "select": "body"}
      }}
      """
    try Data(service.utf8).write(to: declarations.appendingPathComponent("Example Notes.json"))
    return declarations
  }

  func events(_ output: String) -> [String: [String: Any]] {
    var events: [String: [String: Any]] = [:]
    for line in output.split(separator: "\n") {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let document = object["document"] as? String
      else { continue }
      events[document] = object
    }
    return events
  }

  func timeline(_ store: URL, _ document: String) throws -> [[String: Any]] {
    let encoded = document.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? document
    let candidates = [document, encoded, document.replacingOccurrences(of: " ", with: "%20")]
    for name in candidates {
      let file = store.appendingPathComponent("documents/Example%20Notes/\(name)/timeline.jsonl")
      let alternative = store.appendingPathComponent("documents/Example Notes/\(name)/timeline.jsonl")
      for path in [file, alternative] {
        if let text = try? String(contentsOf: path, encoding: .utf8) {
          return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
          }
        }
      }
    }
    return []
  }

  @Test(.enabled(if: chromiumInstalled, "needs chromium (apt-get install chromium)"))
  func scriptBuiltAndChallengedPagesAreReadThroughTheBrowser() throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let folder = try TemporaryFolder()
    let declarations = try declarations(server, in: folder.url)
    let store = folder.url.appendingPathComponent("store")
    let run = try runPolicyWatch([
      "check", "--declarations", declarations.path, "--store", store.path, "--format", "json",
    ])
    #expect(run.status == 1, "\(run.stderr)")
    let events = events(run.stdout)
    #expect(events["Privacy Policy"]?["kind"] as? String == "first", "\(run.stdout)")
    #expect(events["Terms of Service"]?["kind"] as? String == "first", "\(run.stdout)")
    #expect(events["Cookie Policy"]?["kind"] as? String == "first", "\(run.stdout)")
    // The executeClientScripts warning is not said: the browser runs the scripts.
    #expect(!run.stderr.contains("executeClientScripts"))
    // The timeline says what rendered the snapshot; the plain page's does not.
    let rendered = try timeline(store, "Privacy Policy").last?["rendered"] as? String
    #expect(rendered?.contains("Chrome/") == true)
    #expect(try timeline(store, "Cookie Policy").last?["rendered"] == nil)
    let show = try runPolicyWatch(["show", "Example Notes/Privacy Policy", "--store", store.path])
    #expect(show.stdout.contains("We collect the notes you write"), "\(show.stdout)\(show.stderr)")
  }

  @Test func withoutChromiumOnlyThePagesThatNeedItAreInaccessible() throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let folder = try TemporaryFolder()
    let declarations = try declarations(server, in: folder.url)
    let store = folder.url.appendingPathComponent("store")
    let run = try runPolicyWatch(
      ["check", "--declarations", declarations.path, "--store", store.path, "--format", "json"],
      environment: ["POLICYWATCH_CHROMIUM": "/nonexistent/chromium"])
    #expect(run.status == 2, "\(run.stderr)")
    let events = events(run.stdout)
    #expect(events["Privacy Policy"]?["kind"] as? String == "inaccessible", "\(run.stdout)")
    #expect(events["Privacy Policy"]?["reason"] as? String == "needs a browser: install chromium", "\(run.stdout)")
    // A blocked page keeps the plain fetch's own reason.
    #expect(events["Terms of Service"]?["kind"] as? String == "inaccessible")
    #expect((events["Terms of Service"]?["reason"] as? String)?.contains("403") == true, "\(run.stdout)")
    #expect(events["Cookie Policy"]?["kind"] as? String == "first")
    // Without a browser, the declaration's executeClientScripts is reported as not run.
    #expect(run.stderr.contains("executeClientScripts"))
  }

  @Test func browserNeverReadsPagesAsServed() throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let folder = try TemporaryFolder()
    let declarations = try declarations(server, in: folder.url)
    let store = folder.url.appendingPathComponent("store")
    let run = try runPolicyWatch([
      "check", "--declarations", declarations.path, "--store", store.path, "--format", "json", "--browser", "never",
    ])
    let events = events(run.stdout)
    // As served, the script-built page has no text in its selector: inaccessible, with the extractor's reason.
    #expect(events["Privacy Policy"]?["kind"] as? String == "inaccessible", "\(run.stdout)")
    #expect(events["Privacy Policy"]?["reason"] as? String != "needs a browser: install chromium")
    #expect(events["Cookie Policy"]?["kind"] as? String == "first")
    #expect(try timeline(store, "Cookie Policy").last?["rendered"] == nil)
  }

  @Test(.enabled(if: chromiumInstalled, "needs chromium (apt-get install chromium)"))
  func filtersRunInOrderAndAThrowingOneNamesItself() throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let folder = try TemporaryFolder()
    let declarations = folder.url.appendingPathComponent("declarations")
    try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
    let service = """
      {"name": "Example Notes", "terms": {
        "Privacy Policy": {"fetch": "\(server.url("/banner"))", "select": "body", "filter": ["removeBanner"]},
        "Terms of Service": {"fetch": "\(server.url("/static"))", "select": "body", "filter": ["removeBanner", "broken"]}
      }}
      """
    try Data(service.utf8).write(to: declarations.appendingPathComponent("Example Notes.json"))
    let filters = """
      import { helper } from './somewhere.js';

      export function removeBanner(document, documentDeclaration) {
        if (!documentDeclaration.fetch.startsWith('http://127.0.0.1')) throw new Error('wrong declaration');
        document.querySelectorAll('.banner').forEach(element => element.remove());
      }

      export async function broken(document) {
        throw new Error('the banner moved');
      }
      """
    try Data(filters.utf8).write(to: declarations.appendingPathComponent("Example Notes.filters.js"))
    let store = folder.url.appendingPathComponent("store")
    let run = try runPolicyWatch([
      "check", "--declarations", declarations.path, "--store", store.path, "--format", "json",
    ])
    let events = events(run.stdout)
    #expect(events["Privacy Policy"]?["kind"] as? String == "first", "\(run.stdout)\(run.stderr)")
    let show = try runPolicyWatch(["show", "Example Notes/Privacy Policy", "--store", store.path])
    #expect(show.stdout.contains("We collect the notes you write"), "\(show.stdout)")
    #expect(!show.stdout.contains("Subscribe to our newsletter"), "\(show.stdout)")
    // The page's own scripts did not run on the snapshot the filters read.
    #expect(!show.stdout.contains("scripts ran"))
    #expect(events["Terms of Service"]?["kind"] as? String == "inaccessible")
    #expect(
      (events["Terms of Service"]?["reason"] as? String)?.contains(
        "The filter function \"broken\" failed: Error: the banner moved") == true, "\(run.stdout)")
    #expect(!run.stderr.contains("not run by PolicyWatch"))
  }
}
