import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchExtract
@testable import PolicyWatchStore

/// Pages whose paragraphs are inline elements that CSS shows as blocks, written for these tests.
@Suite("Blocks of span-built pages")
struct SpanPageTests {
  static let sentences = [
    "We collect the name and email address you give us.",
    "We keep them while your account is open.",
    "We never sell them to anyone.",
    "You can ask us to delete them at any time.",
  ]

  func texts(_ html: String, select: String = "main") throws -> [String] {
    try PageExtractor.extract(bytes: Array(html.utf8), select: [.css(select)]).clauses.map(\.text)
  }

  @Test func inlineSiblingsThatEndSentencesAreBlocks() throws {
    let spans = Self.sentences.map { #"<span class="x9 k2">\#($0)</span>"# }.joined(separator: "\n")
    let html =
      #"<html><body><main><div class="c1"><span class="t7">Your data</span>\#(spans)</div></main></body></html>"#
    #expect(try texts(html) == ["Your data"] + Self.sentences)
  }

  @Test func aWrapperSpanAroundThemIsLookedThrough() throws {
    let spans = Self.sentences.map { "<span><span>\($0)</span></span>" }.joined()
    #expect(try texts("<html><body><main><div><span>\(spans)</span></div></main></body></html>") == Self.sentences)
  }

  @Test func aParagraphWithInlineMarkupStaysOneClause() throws {
    let html = """
      <html><body><main><p>We use <b>cookies</b>. They keep you <i>signed in</i>. See <a href="/c">our notice</a>.
      <span>Thank you.</span></p></main></body></html>
      """
    #expect(try texts(html).count == 1)
  }

  @Test func inlineStylesThatShowABlockMakeBlocks() throws {
    let spans = Self.sentences.prefix(2).map { #"<span style="display: block">\#($0)</span>"# }.joined()
    let html =
      "<html><body><main><div>\(spans)<span style=\"display:flex\">Contact us</span></div></main></body></html>"
    #expect(try texts(html) == Array(Self.sentences.prefix(2)) + ["Contact us"])
    // The same as the page parsed without pruning any attribute.
    let unpruned = try PageExtractor.extract(bytes: Array(html.utf8), select: [.css("main")], stripScripts: false)
    #expect(unpruned.clauses.map(\.text) == Array(Self.sentences.prefix(2)) + ["Contact us"])
  }

  @Test func twoLineBreaksEndAParagraph() throws {
    let html =
      "<html><body><main><div>First paragraph, line one<br>line two<br><br>\n<br>Second paragraph</div></main></body></html>"
    #expect(try texts(html) == ["First paragraph, line one\nline two", "Second paragraph"])
  }

  @Test func aVeryLongClauseIsCutIntoSentencesUnderItsSection() throws {
    var body: [String] = []
    for index in 0..<120 { body.append("Rule \(index) applies to every account (see the list).") }
    let text = body.joined(separator: " ")
    let html = "<html><body><main><h2>Rules</h2><div>\(text)</div></main></body></html>"
    let clauses = try PageExtractor.extract(bytes: Array(html.utf8), select: [.css("main")]).clauses
    #expect(text.utf8.count > ClauseBuilder.longClauseBytes)
    #expect(clauses.count == 121)
    #expect(clauses[1].text == "Rule 0 applies to every account (see the list).")
    #expect(clauses.dropFirst().allSatisfy { $0.section == ["Rules"] && $0.kind == .paragraph })
  }

  @Test func sentencesSplitAtEndsFollowedByACapitalADigitOrAQuote() {
    #expect(
      ClauseBuilder.sentences("One ends. Two ends! \"Three\" ends? 4 starts. and continues e.g. here.\nFive")
        == ["One ends.", "Two ends!", "\"Three\" ends?", "4 starts. and continues e.g. here.", "Five"])
  }

  @Test func anEditInASpanBuiltPageIsOneSentence() throws {
    func page(_ sentences: [String]) -> String {
      let spans = sentences.map { "<span class=\"q\">\($0)</span>" }.joined()
      return "<html lang=\"en\"><body><main><div>\(spans)</div></main></body></html>"
    }
    var changed = Self.sentences
    changed[2] = "We may sell them to data brokers."
    let (summary, _) = try PageKindsTests.replay([
      ("2025-01-01T00-00-00Z", page(Self.sentences)), ("2025-01-02T00-00-00Z", page(changed)),
    ])
    #expect(summary.events.map(\.kind) == [.first, .change])
    #expect(summary.events[1].clauses == ClauseCounts(added: 0, removed: 0, modified: 1))
    let sale = try #require(summary.events[1].dataUse?.first { $0.category == "SALE_OF_DATA" })
    #expect(sale.text == "We may sell them to data brokers.")
  }
}
