import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchAlerts
@testable import PolicyWatchStore

/// Every report links to the document it is about (and, for a `combine` document, to each page): events and the
/// hook's JSON, `diff` in every format, feed entries, the email.
@Suite("Document addresses")
final class DocumentAddressTests {
  let store: TemporaryDirectory
  let url = "https://example.com/privacy"

  init() throws {
    store = try ViewFixtures.store()
  }

  func diff(_ format: String) throws -> String {
    try CLI.run(["diff", "Example Co/Privacy Policy", "--store", store.path, "--format", format]).output
  }

  @Test("log --format json, diff (text, markdown, html, json) and the feed name the document's URL")
  func viewersLinkTheDocument() throws {
    let log = try CLI.run(["log", "--store", store.path, "--format", "json"])
    for line in log.output.split(separator: "\n") {
      let event = try StoreJSON.decoder.decode(StoreEvent.self, from: Data(line.utf8))
      #expect(event.url == url)
    }
    #expect(try diff("text").split(separator: "\n")[1] == "url  \(url)")
    #expect(try diff("markdown").contains("Document: <\(url)>"))
    #expect(try diff("html").contains("Document: <a href=\"\(url)\">\(url)</a>"))
    let json = try JSONSerialization.jsonObject(with: Data(try diff("json").utf8)) as? [String: Any]
    #expect(json?["url"] as? String == url)
    let feed = try CLI.run(["feed", "--store", store.path]).output
    #expect(feed.contains("<link rel=\"alternate\" type=\"text/html\" href=\"\(url)\"/>"), "\(feed)")
  }

  @Test("the email and the hook's JSON name the document's URL")
  func alertsLinkTheDocument() throws {
    let opened = try SnapshotStore(path: store.path, create: false)
    // Events as a run returns them (no address yet), addressed as the dispatcher does.
    var change = try #require(opened.allEvents().last)
    change.url = nil
    let addressed = try #require(opened.addressed([change]).first)
    #expect(addressed.url == url)
    let message = AlertComposer(store: opened).message(for: addressed)
    #expect(message.text.contains("Document          \(url)"), "\(message.text)")
    #expect(message.html.contains("<a href=\"\(url)\">\(url)</a>"))
    let hookJSON = try JSONSerialization.jsonObject(with: Data(message.json)) as? [String: Any]
    #expect(hookJSON?["url"] as? String == url)
  }

  @Test("a combine document links each of its pages")
  func combineLinksEveryPage() throws {
    let folder = TemporaryDirectory("address-combine")
    let combined = TemporaryDirectory("address-combine-store")
    var builder = HistoryBuilder(folder.path)
    builder.declarationJSON = """
      {"service": "Two Pages", "document": "Terms",
       "declaration": {"combine": [{"fetch": "https://example.com/terms", "select": ["main"]},
                                   {"fetch": "https://example.com/annex", "select": ["main"]}]}}
      """
    try builder.write([
      ("2024-01-10T08-00-00Z#terms", HistoryBuilder.page(baseClauses)),
      ("2024-01-10T08-00-00Z#annex", HistoryBuilder.page(["The annex lists our processors."])),
      ("2024-02-10T08-00-00Z#terms", HistoryBuilder.page(baseClauses + ["We may sell your data."], nonce: 1)),
      ("2024-02-10T08-00-00Z#annex", HistoryBuilder.page(["The annex lists our processors."], nonce: 1)),
    ])
    let replay = try CLI.run(["replay", folder.path, "--store", combined.path, "--format", "json"])
    #expect(replay.status == 1, "\(replay.error)")
    let events = replay.output.split(separator: "\n").compactMap {
      try? StoreJSON.decoder.decode(StoreEvent.self, from: Data($0.utf8))
    }
    #expect(events.map(\.kind) == [.first, .change])
    let pages = ["terms": "https://example.com/terms", "annex": "https://example.com/annex"]
    #expect(events.allSatisfy { $0.pageURLs == pages }, "\(replay.output)")
    let text = try CLI.run(["diff", "Two Pages/Terms", "--store", combined.path]).output
    #expect(text.contains("page annex  https://example.com/annex\npage terms  https://example.com/terms\n"))
    let log = try CLI.run(["log", "--store", combined.path, "--format", "json"]).output
    #expect(
      log.contains("\"pageURLs\":{\"annex\":\"https://example.com/annex\",\"terms\":\"https://example.com/terms\"}"))
    let feed = try CLI.run(["feed", "--store", combined.path]).output
    #expect(
      feed.contains("<link rel=\"related\" type=\"text/html\" href=\"https://example.com/annex\" title=\"annex\"/>"))
  }
}
