import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchStore
@testable import PolicyWatchSupport
@testable import PolicyWatchText
@testable import PolicyWatchView

/// The renderers on texts that try to break them: markup, quotes and Markdown syntax in the document's own words.
@Suite("View rendering")
struct ViewRenderingTests {
  static func record(_ id: String, _ texts: [String], declared: String) -> VersionRecord {
    VersionRecord(
      id: id, service: "Evil & Co", document: "Terms <b>", firstSeen: Date(timeIntervalSince1970: 1_700_000_000),
      snapshot: "",
      clauses: [Clause(kind: .heading, text: "Terms", level: 1)]
        + texts.map {
          Clause(kind: .paragraph, text: $0, section: ["Terms"])
        },
      declaredDates: [
        DeclaredDate(kind: .effective, date: declared, ambiguous: false, phrase: "Effective \(declared)")
      ],
      language: "en", title: nil, extractor: 1, rules: "")
  }

  let report = DiffReport.make(
    service: "Evil & Co", document: "Terms <b>",
    old: record("aaaa", ["Keep *this* clause.", "Old <i>text</i> here."], declared: "2024-01-01"),
    new: record(
      "bbbb",
      [
        "Keep *this* clause.", "Old <script>alert(\"x\")</script> text here.",
        "We may use your posts to train our AI models & \u{1}more.",
      ], declared: "2024-01-01"),
    event: nil)

  @Test func htmlEscapesEverything() {
    let html = DiffMarkupRenderer.htmlPage(report, options: DiffViewOptions())
    #expect(!html.contains("<script"))
    #expect(!html.contains("<i>"))
    #expect(html.contains("alert(&quot;x&quot;)"))
    #expect(html.contains("&lt;<del>i</del><ins>script</ins>&gt;"))
    #expect(html.contains("<h1>Evil &amp; Co/Terms &lt;b&gt;</h1>"))
    // Pair-less flags recomputed: same declared date, text changed.
    #expect(report.flags == [.silent])
    #expect(html.contains("<p class=\"flags\"><span>silent</span>"))
  }

  @Test func markdownEscapesSyntax() {
    let markdown = DiffMarkupRenderer.markdown(report, options: DiffViewOptions())
    #expect(!markdown.contains("<script") && !markdown.contains("<i>"))
    #expect(markdown.contains("Old \\<~~i~~**script**\\>"))
    #expect(markdown.contains("- Keep \\*this\\* clause."))
    #expect(markdown.hasPrefix("## Evil \\& Co/Terms \\<b\\>\n"))
  }

  @Test func atomDropsCharactersXMLForbids() {
    #expect(Markup.escape("a\u{1}b & <c>") == "ab &amp; &lt;c&gt;")
  }

  @Test func dataUseMarksFollowTheirWords() throws {
    let added = try #require(report.changes.first { $0.kind == .added })
    let spans = InlineSpans.spans(added, side: .unified)
    let tag = try #require(spans.firstIndex { $0.role == .tag })
    #expect(spans[tag].text == "AI_TRAINING")
    #expect(spans[tag].new)
    // The tag follows the matched words, which are flagged.
    #expect(spans[tag - 1].dataUse)
    #expect(spans[..<tag].map(\.text).joined().hasSuffix(added.dataUse[0].match))
    let plain = Painter(color: false).spans(spans, base: .added)
    #expect(plain.contains(added.dataUse[0].match + " ⟨AI_TRAINING⟩"))
  }

  @Test func sideBySideFitsTheWidth() {
    for width in [60, 80, 133] {
      let text = DiffTextRenderer.render(report, options: DiffViewOptions(sideBySide: true, color: true, width: width))
      // The clauses (below the header) are wrapped to the width.
      let body = text.components(separatedBy: "\n").drop { !$0.contains("@@") }
      #expect(!body.isEmpty)
      for line in body {
        #expect(Terminal.visibleWidth(Substring(line)) <= width, "\(line)")
      }
    }
  }

  @Test func referencesResolveToTheVersionShownAtTheEndOfADay() {
    #expect(VersionResolver.instant("2024-09-19") == StoreJSON.parse("2024-09-19T23:59:59Z"))
    #expect(VersionResolver.instant("2024-09-19T06:10:13Z") == StoreJSON.parse("2024-09-19T06:10:13Z"))
    #expect(VersionResolver.instant("19/09/2024") == nil)
  }
}
