import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchCSS
@testable import PolicyWatchExtract

/// The tree walk that replaces XPath for simple selectors must select exactly what the XPath selects.
@Suite("CSS fast matcher")
struct CSSFastMatcherTests {
  static let tags = ["div", "p", "section", "main", "span", "a", "ul", "li"]
  static let tokens = ["a", "b", "sr-only", "c-1"]
  static let separators = [" ", "  ", "\t", "\n", "\r\n", "\u{0C}"]

  /// A random page: nested elements with ids, class lists (every whitespace, form feed included), data
  /// attributes, boolean attributes, entities in values, text and comments.
  static func page(_ random: inout SplitMix64) -> String {
    var html = "<!doctype html><html><body>"
    var open: [String] = []
    for _ in 0..<(20 + Int(random.next() % 60)) {
      if !open.isEmpty, random.next() % 3 == 0 {
        html += "</\(open.removeLast())>"
        continue
      }
      let tag = tags[Int(random.next() % UInt64(tags.count))]
      var attributes = ""
      if random.next() % 4 == 0 { attributes += " id=\"\(["a", "b", "x&amp;y"][Int(random.next() % 3)])\"" }
      if random.next() % 2 == 0 {
        let count = 1 + Int(random.next() % 3)
        let words = (0..<count).map { _ in tokens[Int(random.next() % UInt64(tokens.count))] }
        let separator = separators[Int(random.next() % UInt64(separators.count))]
        let padding = random.next() % 3 == 0 ? " " : ""
        attributes += " class=\"\(padding)\(words.joined(separator: separator))\(padding)\""
      }
      if random.next() % 4 == 0 { attributes += " data-x=\"\(["1", "2", "", "a b"][Int(random.next() % 4)])\"" }
      if random.next() % 6 == 0 { attributes += " hidden" }
      html += "<\(tag)\(attributes)>"
      if random.next() % 2 == 0 { html += random.word() }
      if random.next() % 8 == 0 { html += "<!-- \(random.word()) -->" }
      open.append(tag)
    }
    return html + "</body></html>"
  }

  /// A random selector of the matcher's subset.
  static func selector(_ random: inout SplitMix64) -> String {
    func compound() -> String {
      var text = ""
      switch random.next() % 4 {
      case 0: text = tags[Int(random.next() % UInt64(tags.count))]
      case 1: text = "*"
      default: break
      }
      for _ in 0..<Int(random.next() % 3) {
        switch random.next() % 5 {
        case 0: text += "#" + ["a", "b"][Int(random.next() % 2)]
        case 1, 2: text += "." + tokens[Int(random.next() % UInt64(tokens.count))]
        case 3: text += "[data-x=\"\(["1", "2", "", "a b"][Int(random.next() % 4)])\"]"
        default: text += ["[hidden]", "[data-x]", "[id]"][Int(random.next() % 3)]
        }
      }
      return text.isEmpty ? tags[Int(random.next() % UInt64(tags.count))] : text
    }
    func complex() -> String {
      var text = compound()
      for _ in 0..<Int(random.next() % 3) { text += (random.next() % 2 == 0 ? " " : " > ") + compound() }
      return text
    }
    return random.next() % 5 == 0 ? complex() + ", " + complex() : complex()
  }

  @Test("on 300 random pages, 40 random selectors each, the walk selects what the XPath selects, in order")
  func agreesWithXPath() throws {
    var random = SplitMix64(seed: 0x5E1E_C70F)
    var compared = 0
    var nonEmpty = 0
    for _ in 0..<300 {
      let document = try HTMLDocument(bytes: Array(Self.page(&random).utf8))
      for _ in 0..<40 {
        let selector = Self.selector(&random)
        let xpath = try CSSSelector.xpath(for: selector)
        let plan = try #require(CSSFastMatcher.plan(xpath: xpath, selector: selector), "\(selector)")
        let walked = plan.matches(in: document.pointer)
        let evaluated = try document.select(xpath: xpath).map(\.pointer)
        #expect(walked == evaluated, "\(selector)\n\(document.html())")
        compared += 1
        if !walked.isEmpty { nonEmpty += 1 }
      }
    }
    #expect(compared == 12_000)
    #expect(nonEmpty > 3_000, "the generated cases must select something often: \(nonEmpty)")
  }

  @Test("class lists split at XML whitespace only, as XPath's normalize-space does")
  func classTokens() throws {
    let html = "<html><body><p class='a\u{0C}b'>1</p><p class=' a\tb '>2</p><p class='ab'>3</p></body></html>"
    let document = try HTMLDocument(bytes: Array(html.utf8))
    let plan = try #require(CSSFastMatcher.plan(xpath: try CSSSelector.xpath(for: ".a"), selector: ".a"))
    #expect(plan.matches(in: document.pointer).map { HTMLNode(pointer: $0, document: document).text } == ["2"])
  }

  @Test("selectors outside the subset, and XPath rules, are left to XPath")
  func outsideTheSubset() throws {
    for selector in ["p + p", "li ~ li", "li:first-child", "[lang|=en]", "[data-x=a i]", "a b c d e", ":not(p)"] {
      let xpath = try CSSSelector.xpath(for: selector)
      #expect(CSSFastMatcher.plan(xpath: xpath, selector: selector) == nil, "\(selector)")
    }
    // An XPath rule whose expression also reads as CSS: the expression is not that CSS's translation.
    #expect(CSSFastMatcher.plan(xpath: "main", selector: "main") == nil)
    #expect(CSSFastMatcher.plan(xpath: "//main", selector: "//main") == nil)
  }
}
