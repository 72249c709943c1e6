import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchExtract
@testable import PolicyWatchStore

/// Details a careful reader notices: no invisible U+FEFF in the text, a time-zone marker on every time, and the
/// same clause counts in the log, the diff and the alert.
@Suite("Consistent wording")
struct ConsistentWordingTests {
  @Test("a U+FEFF inside the text is removed from the display text, as from the key")
  func byteOrderMarkInsideText() throws {
    let html =
      "<html><body><main><p>We\u{FEFF} collect your\u{FEFF}name.</p><p>\u{FEFF}Contact us.</p></main></body></html>"
    let page = try PageExtractor.extract(bytes: Array(html.utf8), httpCharset: "utf-8")
    #expect(page.clauses.map(\.text) == ["We collect yourname.", "Contact us."])
    #expect(!page.clauses.contains { $0.text.unicodeScalars.contains("\u{FEFF}") })
    // The comparison key was already without it: the version id does not change.
    let plain = try PageExtractor.extract(
      bytes: Array("<html><body><main><p>We collect yourname.</p><p>Contact us.</p></main></body></html>".utf8),
      httpCharset: "utf-8")
    #expect(VersionIdentity.id(of: page.clauses) == VersionIdentity.id(of: plain.clauses))
    // Other invisible characters that shape text stay (a zero-width joiner in an emoji sequence).
    let joined = try PageExtractor.extract(
      bytes: Array("<html><body><main><p>Family \u{1F468}\u{200D}\u{1F469} plan.</p></main></body></html>".utf8),
      httpCharset: "utf-8")
    #expect(joined.clauses.first?.text.unicodeScalars.contains("\u{200D}") == true)
  }

  @Test("log and the diff header write times with Z; log, diff and feed give the same clause counts")
  func timesAndCounts() throws {
    let folder = TemporaryDirectory("wording-history")
    let store = TemporaryDirectory("wording-store")
    let v1: [(String, [String])] = [
      ("1. Data we collect", ["We collect your name.", "We collect the pages you view."]),
      ("2. Sharing", ["We share data with our hosting provider.", "We keep logs for a month."]),
    ]
    let v2: [(String, [String])] = [
      ("1. Information we collect", ["We collect your name.", "We collect the pages you view."]),
      ("2. Sharing", ["We share data with our hosting provider.", "We keep logs for a year."]),
    ]
    try HistoryBuilder(folder.path).write([
      ("2024-01-10T09-00-00Z", ViewFixtures.page(nonce: 1, date: "January 5, 2024", v1)),
      ("2024-03-02T09-00-00Z", ViewFixtures.page(nonce: 2, date: "March 1, 2024", v2)),
    ])
    let replay = try CLI.run(["replay", folder.path, "--store", store.path])
    #expect(replay.status == 1, "\(replay.error)")
    let log = try CLI.run(["log", "--store", store.path, "--kind", "change"])
    #expect(log.output.hasPrefix("2024-03-02 09:00Z  Example Co/Privacy Policy  change  +0 -0 ~3  "), "\(log.output)")
    let diff = try CLI.run(["diff", "Example Co/Privacy Policy", "--store", store.path])
    #expect(diff.output.contains("first seen 2024-03-02 09:00Z"))
    #expect(
      diff.output.contains("clauses +0 -0 ~3 unchanged 5 (~ includes 1 heading renamed)\n"), "\(diff.output)")
    let feed = try CLI.run(["feed", "--store", store.path])
    #expect(feed.output.contains("Clauses: +0 -0 ~3."))
    #expect(feed.output.contains("+0 -0 ~3 unchanged 5 (~ includes 1 heading renamed)"))
  }
}
