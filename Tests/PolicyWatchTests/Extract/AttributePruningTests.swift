import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchCSS
@testable import PolicyWatchExtract
@testable import PolicyWatchText

/// Cutting attribute values nobody reads before the parse must never change what is extracted.
@Suite("Attribute pruning")
struct AttributePruningTests {
  static func rules(_ selectors: [String]) throws -> [ExtractionRule] { try selectors.map(ExtractionRule.css) }

  static func stripped(_ html: String, rules selectors: [String] = []) throws -> String {
    let pruning = AttributePruning(rules: try rules(selectors))
    return String(decoding: ScriptStripper.strip(Array(html.utf8), pruning: pruning), as: UTF8.self)
  }

  /// The page extracted with pruning, and as served, with the same rules.
  static func bothWays(_ bytes: [UInt8], select: [String], remove: [String]) throws -> (
    pruned: Result<ExtractedPage, ExtractionError>, whole: Result<ExtractedPage, ExtractionError>
  ) {
    let rules = (select: try Self.rules(select), remove: try Self.rules(remove))
    func extract(_ strip: Bool) -> Result<ExtractedPage, ExtractionError> {
      Result { () throws(ExtractionError) -> ExtractedPage in
        try PageExtractor.extract(bytes: bytes, select: rules.select, remove: rules.remove, stripScripts: strip)
      }
    }
    return (extract(true), extract(false))
  }

  @Test("the plan keeps the class words the rules test, and whole any attribute they name")
  func plans() throws {
    let words = AttributePruning(rules: try Self.rules([".a", "div.b > p", "[class~=c]", ":not(.d) p", "#x"]))
    #expect(words.classWords == ["a", "b", "c", "d"])
    #expect(words.style && words.ruleNames == ["class", "id"])
    #expect(words.keptNames == AttributePruning.readByExtraction.union(["id"]).subtracting(["style"]))
    // Any other reading of class keeps its values whole; the other attributes are still cut.
    for selector in ["[class]", "[class^=x]", "[class=a]", "[class~=a i]", "[class*=x]", "[CLASS]"] {
      let plan = AttributePruning(rules: try Self.rules([".a", selector]))
      #expect(plan.classWords == nil, "\(selector)")
      #expect(plan.style && !plan.keptNames.contains("data-id"), "\(selector)")
    }
    let named = AttributePruning(rules: try Self.rules(["[data-id=\"7\"]", "[style]", "svg [d]"]))
    #expect(named.keptNames.isSuperset(of: ["data-id", "d", "href", "role", "aria-level", "hidden", "lang"]))
    #expect(!named.style && named.classWords == [])
    // XPath rules: read like any other; a wildcard on attributes turns pruning off.
    #expect(AttributePruning(rules: [.nodes(xpath: "//div[@*]", selector: "//div[@*]")]).isNone)
    #expect(AttributePruning(rules: [.nodes(xpath: "//@*", selector: "//@*")]).isNone)
    #expect(AttributePruning(rules: [.nodes(xpath: "//div/attribute::id", selector: "x")]).isNone)
    let xpath = "//div[contains(@class, 'terms')][@title]"
    let xpathPlan = AttributePruning(rules: [.nodes(xpath: xpath, selector: xpath)])
    #expect(xpathPlan.classWords == nil && xpathPlan.keptNames.contains("title"))
    // Other ways XPath reaches attributes: `id()`, the axis with blanks, `@` then blanks, a class test that is
    // not the translator's word test.
    for expression in ["id('terms')", "id ('a')//p", "//div/attribute ::class", "//div/ attribute\t::id"] {
      #expect(AttributePruning(rules: [ExtractionRule.xpath(expression)]).isNone, "\(expression)")
    }
    for expression in [
      "//div[@ class='terms main']", "//p[@class]",
      "//p[contains(@class, 'rms') or contains(concat(' ', normalize-space(@class), ' '), ' zz ')]",
    ] {
      let plan = AttributePruning(rules: [ExtractionRule.xpath(expression)])
      #expect(!plan.isNone && plan.classWords == nil, "\(expression)")
    }
    #expect(AttributePruning(rules: [ExtractionRule.xpath("//p[@ data-x = '1']")]).keptNames.contains("data-x"))
    // Range boundaries are rules too.
    let range = ExtractionRule.range(
      start: try CSSSelector.xpath(for: ".start"), startInclusive: true, end: try CSSSelector.xpath(for: "[data-end]"),
      endInclusive: false, selector: "range")
    let ranged = AttributePruning(rules: [range])
    #expect(ranged.classWords == ["start"])
    #expect(ranged.keptNames.contains("data-end"))
  }

  @Test("attributes are cut as the plan says, and only in well-formed start tags")
  func cuts() throws {
    let html = """
      <html lang="en"><meta charset="utf-8" name="x"><div class="a  big-list b\tc" style="color: red" \
      data-track="123" id="i" hidden><p style="DISPLAY : None" title=t>x</p><a href="/p" rel="nofollow">l</a>\
      <svg viewBox="0 0 1 1"><path d="M0 0L1 1Z"/></svg><span class='a &amp; b'>y</span>\
      <span class="a b"id="z">w</span><i class=a>u</i><i class=b>v</i><b data-keep="k" CLASS="B a" \
      aria-level="3" role=heading>v</b><p class="q r">s</p></div></html>
      """
    let out = try Self.stripped(html, rules: [".a", "[data-keep]"])
    // Cut attributes leave their blanks (an unquoted value before them must still end where it did).
    #expect(
      out == """
        <html lang="en"><meta charset="utf-8" name="x"><div class="a"    hidden><p style="DISPLAY : None" >x</p>\
        <a href="/p" >l</a><svg ><path /></svg><span class='a &amp; b'>y</span>\
        <span class="a">w</span><i class=a>u</i><i >v</i><b data-keep="k" CLASS="a" \
        aria-level="3" role=heading>v</b><p >s</p></div></html>
        """)
    // Without pruning, only scripts and style sheets go.
    #expect(String(decoding: ScriptStripper.strip(Array(html.utf8)), as: UTF8.self) == html)
  }

  @Test("a page of long class lists is parsed from far fewer bytes, with the same clauses")
  func shrinks() throws {
    let classes = (0..<40).map { "utility-class-\($0)" }.joined(separator: " ")
    let body = (0..<200).map { "<div class=\"\(classes) terms\"><p class=\"\(classes)\">Clause \($0).</p></div>" }
    let html = "<html><body>" + body.joined() + "</body></html>"
    let out = try Self.stripped(html, rules: [".terms"])
    #expect(out.utf8.count * 20 < html.utf8.count, "\(out.utf8.count) of \(html.utf8.count) bytes")
    let bytes = Array(html.utf8)
    let rules = try Self.rules([".terms"])
    let pruned = try PageExtractor.extract(bytes: bytes, select: rules)
    let whole = try PageExtractor.extract(bytes: bytes, select: rules, stripScripts: false)
    #expect(pruned.clauses.count == 200)
    #expect(pruned.clauses == whole.clauses)
  }

  @Test(
    "pages where a careless cut would change the result: repeated attributes, an unquoted value before `/>`, and constructs libxml2 may end elsewhere than the stripper"
  )
  func trickyPages() throws {
    let cases: [(html: String, select: [String], remove: [String])] = [
      // libxml2 keeps the first of repeated attributes.
      ("<p style=\"color:red\" style=\"display:none\">Hello</p><p class=\"a b\" class=\"c\">World</p>", [], [".c"]),
      ("<p class class=\"c\">Both</p><p STYLE=\"x:y\" style=\"display:none\">Shown</p>", [], [".c"]),
      // Cutting `class` must not glue the unquoted value before it to `/>`.
      ("<p><a href=/terms class=\"x\"/>our terms</a></p><div id=main class=x/>Main text</div>", ["#main"], []),
      ("<span role=heading class=\"big\"/>Privacy</span><p>Body</p>", [], []),
      // Comments ended by `--!>`, processing instructions, `<!x`, `</` without a name, quoted doctype
      // identifiers: what follows may be read differently by libxml2 and the scan.
      ("<!-- note --!><p><a href=\"--><i data-x='\"'>Terms</a></p><p class=\"x\">Clause two.</p>", [], []),
      ("<p>1 <? 2 <a href=\"x> <i data-x='\"'>Terms</a></p><p class=\"x\">Clause two.</p>", [], []),
      ("<p>1 <!x <a href=\"x> <i data-x='\"'>Terms</a></p><p class=\"x\">Clause two.</p>", [], []),
      ("<p>1 </ <a href=\"x> <i data-x='\"'>Terms</a></p><p class=\"x\">Clause two.</p>", [], []),
      ("<!DOCTYPE html SYSTEM \"about:x><i data-x='\"'>\n<p><a href=\"/terms\">Terms</a></p><p>Two.</p>", [], []),
      ("<p a=\u{0C}\"x><a href='\" > <i data-x=1>'>Terms</a></p>", [], []),
      ("<p a==\"x><a href='\" > <i data-x=1>'>Terms</a></p>", [], []),
      // A script whose name is followed by a quote is still a script; `</scripts>` does not end one;
      // `<script src=a.js/>` is not empty.
      ("<script\"x\"><i data-x=\"</script><p>Visible clause.</p>\"></script><p>After.</p>", [], []),
      ("<script>a</scripts><p title=\"</script><p>Visible clause.</p>\">x</p>", [], []),
      ("<style>a</stylex><p title=\"</style><p>Visible clause.</p>\">x</p>", [], []),
      ("<script src=a.js/><p title=\"</script><p>Visible clause.</p>\">x</p>", [], []),
      ("<script src=\"a.js\"/><p class=\"x\">Visible clause.</p><script/><p>After.</p>", [], []),
    ]
    for (html, select, remove) in cases {
      let page = "<html><body>" + html + "</body></html>"
      let (fast, slow) = try Self.bothWays(Array(page.utf8), select: select, remove: remove)
      switch (fast, slow) {
      case (.success(let fast), .success(let slow)):
        #expect(fast.clauses == slow.clauses, "\(page)")
        #expect(!slow.clauses.isEmpty, "\(page)")
      default:
        Issue.record("\(page): \(fast) vs \(slow)")
      }
    }
  }

  static let tags = ["div", "p", "section", "span", "a", "ul", "li", "h2", "svg", "path"]
  static let words = ["a", "b", "sr-only", "c-1", "hide"]
  static let styles = [
    "color:red", "display:none", "Display : NONE;", "visibility:hidden", "display:block", "x&#58;y",
    "display&#58;none",
  ]

  /// A random page whose attributes exercise every pruning case: class lists (with references and every
  /// whitespace), hiding and other styles, path data, data attributes, links, `role=heading` and `aria-level`,
  /// unquoted and single-quoted values, tags outside the strict grammar, `>` and `<` inside values.
  static func page(_ random: inout SplitMix64) -> String {
    func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    var html = "<!doctype html><html lang=en><head><title>T</title></head><body>"
    var open: [String] = []
    for _ in 0..<(20 + Int(random.next() % 60)) {
      if !open.isEmpty, random.next() % 3 == 0 {
        html += "</\(open.removeLast())>"
        continue
      }
      let tag = pick(tags)
      var attributes: [String] = []
      if random.next() % 2 == 0 {
        let list = (0..<(1 + Int(random.next() % 4))).map { _ in pick(words) }
        let separator = pick([" ", "  ", "\t", "\n", "\u{0C}"])
        let value = list.joined(separator: separator) + (random.next() % 5 == 0 ? " &amp; a" : "")
        attributes.append(
          random.next() % 6 == 0
            ? "class=\(list[0])" : random.next() % 5 == 0 ? "class='\(value)'" : "class=\"\(value)\"")
      }
      if random.next() % 3 == 0 { attributes.append("style=\"\(pick(styles))\"") }
      if random.next() % 4 == 0 { attributes.append("d=\"M0 0 L\(random.next() % 9) 1\"") }
      if random.next() % 3 == 0 {
        attributes.append("data-\(pick(["x", "y"]))=\"\(pick(["1", "a b", "<p>", "q>r"]))\"")
      }
      if random.next() % 6 == 0 { attributes.append("hidden") }
      if tag == "a" || random.next() % 9 == 0 { attributes.append("href=\"/\(random.word())\"") }
      if random.next() % 7 == 0 { attributes.append(pick(["role=heading", "role=\"heading\" aria-level=\"3\""])) }
      if random.next() % 7 == 0 { attributes.append("title=\"\(random.word())\" rel=nofollow") }
      if random.next() % 5 == 0 { attributes.append("id=\(pick(["k", "m"]))") }
      if random.next() % 12 == 0 { attributes.append(pick(["class=\"z\"", "style=\"display:none\"", "hidden"])) }
      attributes.shuffle(using: &random)
      // Most tags are separated normally; some glue an attribute to a quoted value or carry a stray quote.
      let joiner = random.next() % 10 == 0 ? "" : " "
      var tagText = "<\(tag)" + (attributes.isEmpty ? "" : " " + attributes.joined(separator: joiner))
      if random.next() % 25 == 0 { tagText += " \"stray" }
      html += tagText + (random.next() % 8 == 0 ? pick([" />", "/>"]) : ">")
      html += random.next() % 3 == 0 ? "" : "\(random.word()) \(random.word())"
      if random.next() % 10 == 0 { html += "<!-- <p class=\"a\">\(random.word())</p> -->" }
      open.append(tag)
    }
    return html + "</body></html>"
  }

  static func selector(_ random: inout SplitMix64) -> String {
    func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    let simple = [
      ".\(pick(words))", "[class]", "[class~=\(pick(words))]", "[class^=s]", "[class*=\"a b\"]", "[style]",
      "[style*=none]", "[d]", "[data-x]", "[data-y=\"a b\"]", ":not(.\(pick(words)))", "#k", "[hidden]",
      "[title]", "[role=heading]", "[rel]",
    ]
    var text = pick(["", "div", "p", "span", "li", "*"]) + pick(simple)
    if random.next() % 3 == 0 { text = pick(["div ", "section > ", "ul "]) + text }
    if random.next() % 5 == 0 { text += ", ." + pick(words) }
    return text
  }

  @Test("on 400 random pages with random rules, extracting from the pruned bytes gives exactly what the page gives")
  func agreesWithUnprunedExtraction() throws {
    var random = SplitMix64(seed: 0xC1A5_5E5)
    var pruned = 0
    var selected = 0
    for _ in 0..<400 {
      let html = Self.page(&random)
      let bytes = Array(html.utf8)
      for _ in 0..<5 {
        let select = random.next() % 3 == 0 ? [] : [Self.selector(&random)]
        let remove = (0..<Int(random.next() % 3)).map { _ in Self.selector(&random) }
        let (fast, slow) = try Self.bothWays(bytes, select: select, remove: remove)
        switch (fast, slow) {
        case (.success(let fast), .success(let slow)):
          #expect(fast.clauses == slow.clauses, "select \(select) remove \(remove)\n\(html)")
          #expect(fast.title == slow.title && fast.language == slow.language)
          if !fast.clauses.isEmpty && !select.isEmpty { selected += 1 }
        case (.failure(let fast), .failure(let slow)):
          #expect(fast == slow, "select \(select) remove \(remove)\n\(html)")
        default:
          Issue.record("one extraction failed, the other did not: select \(select) remove \(remove)\n\(html)")
        }
        let pruning = AttributePruning(rules: try Self.rules(remove + select))
        if ScriptStripper.strip(bytes, pruning: pruning).count < bytes.count { pruned += 1 }
      }
    }
    #expect(pruned > 1_500, "the generated pages must be cut often: \(pruned) of 2000")
    #expect(selected > 100, "the generated rules must select text often: \(selected)")
  }
}
