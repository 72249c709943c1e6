import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchView

/// A feed reader shows an entry's HTML without the page's stylesheet: it must read right as it is.
@Suite("Feed markup without CSS")
struct FeedMarkupTests {
  /// The HTML of every entry's content, unescaped once (the feed escapes the HTML as XML character data).
  static func contents(_ feed: String) -> [String] {
    feed.components(separatedBy: "<content type=\"html\">").dropFirst().map { part in
      let escaped = part.components(separatedBy: "</content>")[0]
      return escaped.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }
  }

  /// What a reader without styles sees of `html`: the text, whitespace collapsed.
  static func text(_ html: String) -> String {
    html.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
      .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
      .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
      .trimmingCharacters(in: .whitespaces)
  }

  @Test func entriesReadRightWithoutAStylesheet() throws {
    let store = try ViewFixtures.store()
    let feed = try CLI.run(["feed", "--store", store.path]).output
    let html = try #require(Self.contents(feed).first)
    // Every change mark carries its own style; nothing depends on a class to be understood.
    #expect(!html.contains("<ins>") && !html.contains("<del>"))
    #expect(html.contains("<del style=") && html.contains("<ins style="))
    let clauses = html.components(separatedBy: "<div class=\"clause ").dropFirst().map {
      "<div class=\"clause " + $0.components(separatedBy: "</div>")[0]
    }
    let modified = try #require(clauses.first { $0.contains("Last updated") })
    #expect(Self.text(modified) == "Modified: Last updated: January 5 March 1, 2024", "\(modified)")
    // Without the inserted words it is the old text, without the deleted ones the new text.
    let old = modified.replacingOccurrences(of: "<ins[^>]*>.*?</ins>", with: "", options: .regularExpression)
    let new = modified.replacingOccurrences(of: "<del[^>]*>.*?</del>", with: "", options: .regularExpression)
    #expect(Self.text(old) == "Modified: Last updated: January 5, 2024")
    #expect(Self.text(new) == "Modified: Last updated: March 1, 2024")
    // Category tags read as labels, apart from the document's words.
    let added = try #require(clauses.first { $0.contains("artificial intelligence") })
    #expect(
      Self.text(added) == "Added: We may use your messages to train our artificial intelligence ⟨AI_TRAINING⟩ models.",
      "\(added)")
    #expect(Self.text(html).contains("⟨NOT_SALE_OF_DATA⟩ removed protection in 2. How we use data"))
  }

  @Test func flagsAreWords() throws {
    let report = DiffWrapTests.report()
    let html = DiffMarkupRenderer.htmlFragment(report, options: DiffViewOptions(), forFeed: true)
    #expect(Self.text(html).contains("Flags: silent, backdated (the text changed"), "\(Self.text(html))")
  }
}
