import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// Selectors are translated to XPath and evaluated by libxml2 on HTML parsed by libxml2, as in production;
/// each test checks which elements (by id) a selector selects.
@Suite("CSS selectors → XPath")
struct CSSSelectorTests {
  /// The ids (or, for elements without one, the names) of what `selector` selects in `html`, in order.
  func select(_ selector: String, in html: String) throws -> [String] {
    let document = try HTMLDocument(bytes: Array(html.utf8))
    return try document.select(xpath: CSSSelector.xpath(for: selector)).map { $0.attribute("id") ?? $0.name }
  }

  func error(_ selector: String) -> CSSSelectorError? {
    do {
      let xpath = try CSSSelector.xpath(for: selector)
      Issue.record("\"\(selector)\" was accepted as \(xpath)")
      return nil
    } catch {
      return error
    }
  }

  static let page = """
    <!DOCTYPE html>
    <HTML id="html"><head id="head"><title id="title">Terms</title></head>
    <Body id="body">
      <DIV ID="main" Class="content  main" lang="en-US" data-kind="Policy Text">
        <h1 id="h1">Terms</h1>
        <p id="p1" class="intro	lead">First <b id="b1">bold</b></p>
        <p id="p2" class="note">Second <a id="a1" href="https://example.com/terms.PDF" rel="nofollow noopener">x</a></p>
        <div id="inner" class="content-box"><p id="p3" class="note intro">Third</p></div>
        <p id="p4" lang="en">Fourth</p>
      </DIV>
      <div id="aside" class="aside" lang="fr" title="say &quot;it's&quot;"><p id="p5">Fifth</p></div>
    </Body></HTML>
    """

  @Test("type selectors and * match element names case-insensitively")
  func typeAndUniversal() throws {
    #expect(try select("p", in: Self.page) == ["p1", "p2", "p3", "p4", "p5"])
    #expect(try select("DIV", in: Self.page) == ["main", "inner", "aside"])
    #expect(try select("Html", in: Self.page) == ["html"])
    #expect(try select("div *", in: Self.page) == ["h1", "p1", "b1", "p2", "a1", "inner", "p3", "p4", "p5"])
    #expect(try select("article", in: Self.page) == [])
    #expect(try select("*", in: Self.page).count == 15)
  }

  @Test("#id and .class (whitespace-separated class lists)")
  func idAndClass() throws {
    #expect(try select("#p2", in: Self.page) == ["p2"])
    #expect(try select("#P2", in: Self.page) == [])  // ids are case-sensitive
    #expect(try select(".note", in: Self.page) == ["p2", "p3"])
    #expect(try select(".lead", in: Self.page) == ["p1"])  // separated by a tab
    #expect(try select(".main", in: Self.page) == ["main"])  // separated by two spaces
    #expect(try select(".content", in: Self.page) == ["main"])  // not "content-box"
    #expect(try select(".intro.note", in: Self.page) == ["p3"])
    #expect(try select("p.intro#p1", in: Self.page) == ["p1"])
    #expect(try select("div.note", in: Self.page) == [])
    #expect(try select(".box", in: Self.page) == [])
  }

  @Test("attribute selectors: presence and every operator")
  func attributes() throws {
    #expect(try select("[lang]", in: Self.page) == ["main", "p4", "aside"])
    #expect(try select("[LANG]", in: Self.page) == ["main", "p4", "aside"])
    #expect(try select("[lang=en]", in: Self.page) == ["p4"])
    #expect(try select("[lang='en-US']", in: Self.page) == ["main"])
    #expect(try select("[lang|=en]", in: Self.page) == ["main", "p4"])
    #expect(try select("[lang|=\"en-US\"]", in: Self.page) == ["main"])
    #expect(try select("[rel~=noopener]", in: Self.page) == ["a1"])
    #expect(try select("[rel~=noop]", in: Self.page) == [])
    #expect(try select("[rel~='nofollow noopener']", in: Self.page) == [])  // a token never contains spaces
    #expect(try select("[href^='https://example.com/']", in: Self.page) == ["a1"])
    #expect(try select("[href$='.PDF']", in: Self.page) == ["a1"])
    #expect(try select("[href$='.pdf']", in: Self.page) == [])
    #expect(try select("[href*=example]", in: Self.page) == ["a1"])
    #expect(try select("[data-kind='Policy Text']", in: Self.page) == ["main"])
    #expect(try select("[class=note]", in: Self.page) == ["p2"])  // the whole value, unlike .note
    #expect(try select("a[href][rel]", in: Self.page) == ["a1"])
    #expect(try select("[ lang = fr ]", in: Self.page) == ["aside"])
  }

  @Test("empty attribute values follow the spec: ^= $= *= ~= match nothing, = matches an empty value")
  func emptyAttributeValues() throws {
    let html = #"<div><p id="empty" title=""></p><p id="some" title="x"></p><p id="none"></p></div>"#
    #expect(try select("[title='']", in: html) == ["empty"])
    #expect(try select("[title^='']", in: html) == [])
    #expect(try select("[title$='']", in: html) == [])
    #expect(try select("[title*='']", in: html) == [])
    #expect(try select("[title~='']", in: html) == [])
    #expect(try select("p:not([title])", in: html) == ["none"])
  }

  @Test("the i flag compares attribute values ASCII case-insensitively")
  func caseInsensitiveFlag() throws {
    #expect(try select("[href$='.pdf' i]", in: Self.page) == ["a1"])
    #expect(try select("[data-kind='policy text'i]", in: Self.page) == ["main"])
    #expect(try select("[lang|=EN i]", in: Self.page) == ["main", "p4"])
    #expect(try select("[lang=EN s]", in: Self.page) == [])
    // A missing attribute is not an empty one.
    let html = #"<div><p id="a" title=""></p><p id="b"></p></div>"#
    #expect(try select("p[title='' i]", in: html) == ["a"])
  }

  @Test("quotes inside values build a safe XPath literal")
  func quotesInValues() throws {
    #expect(try select(#"[title='say "it\'s"']"#, in: Self.page) == ["aside"])
    #expect(try select(#"[title="say \"it's\""]"#, in: Self.page) == ["aside"])
    #expect(try select(#"[title*="it's"]"#, in: Self.page) == ["aside"])
    #expect(try select(#"[title*='"']"#, in: Self.page) == ["aside"])
    #expect(try select(#"[title='\'"\'']"#, in: Self.page) == [])
    #expect(try CSSSelector.xpath(for: #"[title='a\'b"c']"#).contains(#"concat('a', "'", 'b"c')"#))
  }

  @Test("CSS escapes in names and values")
  func escapes() throws {
    let html = """
      <div id="123" class="a:b 2col"><p id="x.y" title="caf\u{e9}">one</p><span id="s" data-a="\\">two</span></div>
      """
    #expect(try select("#\\31 23", in: html) == ["123"])
    #expect(try select("#\\0031 23", in: html) == ["123"])
    #expect(try select(".a\\:b", in: html) == ["123"])
    #expect(try select(".\\32 col", in: html) == ["123"])
    #expect(try select("#x\\.y", in: html) == ["x.y"])
    #expect(try select("\\70", in: html) == ["x.y"])  // "p"
    #expect(try select("[title=caf\\e9]", in: html) == ["x.y"])
    #expect(try select("[title='caf\\0000e9']", in: html) == ["x.y"])
    #expect(try select("[title=\"caf\\\n\\e9\"]", in: html) == ["x.y"])  // escaped newline continues the string
    #expect(try select("[data-a='\\\\']", in: html) == ["s"])
    #expect(try select("[title=café]", in: html) == ["x.y"])
    #expect(try select("p/* a comment */.x, /**/span", in: html) == ["s"])
  }

  @Test("unusual element and attribute names, and names that are not XPath names")
  func unusualNames() throws {
    let html = #"<div><x.1 id="x" xml:lang="fr"></x.1><my-element id="m" data-a.b="1" data-x:y=""></my-element></div>"#
    #expect(try select("x\\.1", in: html) == ["x"])
    #expect(try select("my-element", in: html) == ["m"])
    #expect(try select("MY-Element", in: html) == ["m"])
    #expect(try select("[data-a\\.b]", in: html) == ["m"])
    #expect(try select("[xml\\:lang=fr]", in: html) == ["x"])
    #expect(try select("[DATA-X\\:Y]", in: html) == ["m"])
    #expect(try select("div > x\\.1 + my-element", in: html) == ["m"])
    #expect(try select("p:not([xml\\:lang])", in: "<p id='p'></p>") == ["p"])
  }

  @Test("combinators: descendant, >, +, ~")
  func combinators() throws {
    #expect(try select("div p", in: Self.page) == ["p1", "p2", "p3", "p4", "p5"])
    #expect(try select("#main p", in: Self.page) == ["p1", "p2", "p3", "p4"])
    #expect(try select("div div p", in: Self.page) == ["p3"])
    #expect(try select("#main > p", in: Self.page) == ["p1", "p2", "p4"])
    #expect(try select("#main>p", in: Self.page) == ["p1", "p2", "p4"])
    #expect(try select("h1 + p", in: Self.page) == ["p1"])
    #expect(try select("h1+p", in: Self.page) == ["p1"])
    #expect(try select("p + p", in: Self.page) == ["p2"])
    #expect(try select("p + div", in: Self.page) == ["inner"])
    #expect(try select("h1 ~ p", in: Self.page) == ["p1", "p2", "p4"])
    #expect(try select("p~p", in: Self.page) == ["p2", "p4"])
    #expect(try select("body > div > p > a", in: Self.page) == ["a1"])
    #expect(try select("div  \n\t p  >  b", in: Self.page) == ["b1"])
    #expect(try select("h1 ~ div p", in: Self.page) == ["p3"])
  }

  @Test("chains where the nearest candidate is not the one that matches")
  func chains() throws {
    let siblings = """
      <div><i id="1" class="a"></i><i id="2" class="b"></i><i id="3"></i><i id="4" class="b"></i><s id="5"></s>\
      <s id="6" class="a"></s></div>
      """
    #expect(try select(".a + .b ~ s", in: siblings) == ["5", "6"])
    #expect(try select(".a ~ .b ~ s", in: siblings) == ["5", "6"])
    #expect(try select(".b + s", in: siblings) == ["5"])
    #expect(try select("i + .b ~ s.a", in: siblings) == ["6"])
    #expect(try select("s:not(.a + .b ~ *)", in: siblings) == [])
    let nested = """
      <body><blockquote id="s"><div id="d1"><div id="d2"><p id="p">x</p></div></div></blockquote>\
      <div id="d3"><p id="q"></p></div></body>
      """
    #expect(try select("blockquote > div p", in: nested) == ["p"])
    #expect(try select("blockquote div div p", in: nested) == ["p"])
    #expect(try select("blockquote > div > p", in: nested) == [])
    #expect(try select("blockquote ~ div > p", in: nested) == ["q"])
    #expect(try select("p:not(blockquote > div p)", in: nested) == ["q"])
  }

  @Test("comma groups select the union, in document order, without duplicates")
  func groups() throws {
    #expect(try select("#p4, h1, .note", in: Self.page) == ["h1", "p2", "p3", "p4"])
    #expect(try select("p, div p", in: Self.page) == ["p1", "p2", "p3", "p4", "p5"])
    #expect(try select(" b ,a ", in: Self.page) == ["b1", "a1"])
  }

  @Test(":not() with a compound, a selector list and complex selectors")
  func not() throws {
    #expect(try select("#main > p:not(.note)", in: Self.page) == ["p1", "p4"])
    #expect(try select("p:not(.note, [lang])", in: Self.page) == ["p1", "p5"])
    #expect(try select("p:not(div div p)", in: Self.page) == ["p1", "p2", "p4", "p5"])
    #expect(try select("p:not(#main > p)", in: Self.page) == ["p3", "p5"])
    #expect(try select("p:not(h1 + p)", in: Self.page) == ["p2", "p3", "p4", "p5"])
    #expect(try select("p:not(h1 ~ *)", in: Self.page) == ["p3", "p5"])
    #expect(try select("#main > :not(p):not(h1)", in: Self.page) == ["inner"])
    #expect(try select("p:not(:not(.intro))", in: Self.page) == ["p1", "p3"])
    #expect(try select("div:not(p)", in: Self.page) == ["main", "inner", "aside"])
  }

  @Test(":is(), :where() and :has()")
  func isWhereHas() throws {
    #expect(try select(":is(h1, .note)", in: Self.page) == ["h1", "p2", "p3"])
    #expect(try select(":where(#inner, #aside) p", in: Self.page) == ["p3", "p5"])
    #expect(try select("div:has(> p.note)", in: Self.page) == ["main", "inner"])
    #expect(try select("div:has(.note)", in: Self.page) == ["main", "inner"])
    #expect(try select("p:has(+ div)", in: Self.page) == ["p2"])
    #expect(try select("h1:has(~ p[lang])", in: Self.page) == ["h1"])
    #expect(try select("div:not(:has(div))", in: Self.page) == ["inner", "aside"])
  }

  static let list = """
    <ol id="ol"><li id="l1">1</li><li id="l2">2</li><li id="l3">3</li><li id="l4">4</li><li id="l5">5</li>\
    <li id="l6">6</li><li id="l7">7</li><li id="l8">8</li><li id="l9">9</li><li id="l10">10</li></ol>
    """

  /// The ids of the 10 items whose 1-based positions are a·n+b for some n ≥ 0, computed from the definition.
  func expectedItems(a: Int, b: Int, count: Int = 10, fromEnd: Bool = false) -> [String] {
    (1...count).filter { position in
      let k = fromEnd ? count + 1 - position : position
      if a == 0 { return k == b }
      return (k - b) % a == 0 && (k - b) / a >= 0
    }.map { "l\($0)" }
  }

  @Test(":nth-child() and :nth-last-child() agree with the an+b definition for every small a and b")
  func nthChildDefinition() throws {
    for a in -3...3 {
      for b in -4...11 {
        let argument = "\(a)n\(b < 0 ? "-" : "+")\(abs(b))"
        #expect(try select("li:nth-child(\(argument))", in: Self.list) == expectedItems(a: a, b: b), "\(argument)")
        #expect(
          try select("li:nth-last-child(\(argument))", in: Self.list) == expectedItems(a: a, b: b, fromEnd: true),
          "\(argument)")
      }
    }
  }

  @Test(":nth-child() argument forms")
  func nthForms() throws {
    let cases: [(String, [String])] = [
      ("odd", expectedItems(a: 2, b: 1)), ("even", expectedItems(a: 2, b: 0)), (" ODD ", expectedItems(a: 2, b: 1)),
      ("3", ["l3"]), ("+3", ["l3"]), ("0", []), ("-1", []), ("n", expectedItems(a: 1, b: 0)),
      ("-n+3", ["l1", "l2", "l3"]), ("+n+8", ["l8", "l9", "l10"]), ("2n + 1", expectedItems(a: 2, b: 1)),
      ("3n- 1", expectedItems(a: 3, b: -1)), ("3n -1", expectedItems(a: 3, b: -1)), ("4N", ["l4", "l8"]),
      ("0n+5", ["l5"]), ("-2n+5", ["l1", "l3", "l5"]), ("-n-1", []), ("11", []),
    ]
    for (argument, expected) in cases {
      #expect(try select("li:nth-child(\(argument))", in: Self.list) == expected, "\(argument)")
    }
  }

  @Test("first, last and only child")
  func childPositions() throws {
    #expect(try select("li:first-child", in: Self.list) == ["l1"])
    #expect(try select("li:last-child", in: Self.list) == ["l10"])
    #expect(try select("#main > :first-child", in: Self.page) == ["h1"])
    #expect(try select("#main > :last-child", in: Self.page) == ["p4"])
    #expect(try select(":only-child", in: Self.page) == ["html", "title", "b1", "a1", "p3", "p5"])
    #expect(try select("li:only-child", in: Self.list) == [])
    // Text between elements does not count.
    #expect(try select("p:first-child", in: "<div>text <p id='a'>x</p> text <p id='b'>y</p></div>") == ["a"])
  }

  static let typed = """
    <section id="s"><h2 id="h">T</h2><p id="p1">1</p><span id="s1">a</span><p id="p2">2</p>\
    <span id="s2">b</span><p id="p3">3</p><p id="p4">4</p><em id="e">only</em></section>
    """

  @Test("the *-of-type pseudo-classes count siblings of the same type")
  func ofType() throws {
    #expect(try select("p:first-of-type", in: Self.typed) == ["p1"])
    #expect(try select("p:last-of-type", in: Self.typed) == ["p4"])
    #expect(try select("span:last-of-type", in: Self.typed) == ["s2"])
    #expect(try select("em:only-of-type, h2:only-of-type", in: Self.typed) == ["h", "e"])
    #expect(try select("p:nth-of-type(2n)", in: Self.typed) == ["p2", "p4"])
    #expect(try select("p:nth-of-type(3)", in: Self.typed) == ["p3"])
    #expect(try select("p:nth-last-of-type(1)", in: Self.typed) == ["p4"])
    #expect(try select("p:nth-last-of-type(-n+2)", in: Self.typed) == ["p3", "p4"])
    #expect(try select("span:nth-of-type(odd)", in: Self.typed) == ["s1"])
    // The type can come from the compound around :not().
    #expect(try select("p:not(:first-of-type):not(:last-of-type)", in: Self.typed) == ["p2", "p3"])
  }

  @Test(":empty and :root")
  func emptyAndRoot() throws {
    let html = """
      <html id="r"><body id="b"><div id="d"><span id="e1"></span><span id="e2"><!-- comment --></span>\
      <span id="w"> </span><span id="t">x</span><span id="c"><i id="i"></i></span></div></body></html>
      """
    #expect(try select("span:empty", in: html) == ["e1", "e2"])
    #expect(try select(":empty", in: html) == ["e1", "e2", "i"])
    #expect(try select(":root", in: html) == ["r"])
    #expect(try select(":root > body", in: html) == ["b"])
    #expect(try select("div:root", in: html) == [])
  }

  @Test("relativeXPath selects inside a context element")
  func relative() throws {
    let document = try HTMLDocument(bytes: Array(Self.page.utf8))
    let main = try #require(try document.select(xpath: CSSSelector.xpath(for: "#main")).first)
    func inMain(_ selector: String) throws -> [String] {
      try document.select(xpath: CSSSelector.relativeXPath(for: selector), from: main).compactMap {
        $0.attribute("id")
      }
    }
    #expect(try inMain("p") == ["p1", "p2", "p3", "p4"])
    #expect(try inMain(".note, h1") == ["h1", "p2", "p3"])
    // As Element.querySelectorAll: only the subject must be inside the context, the rest may be around it.
    #expect(try inMain("div p") == ["p1", "p2", "p3", "p4"])
    #expect(try inMain("body > div > p") == ["p1", "p2", "p4"])
    #expect(try inMain("#inner p") == ["p3"])
    #expect(try inMain("p:first-child") == ["p3"])
    #expect(try inMain("#main") == [])  // descendants only
    #expect(try inMain("p:not(:root *)") == [])
    #expect(try inMain("p:has(b)") == ["p1"])
  }

  @Test("errors name the selector, the position and the problem")
  func errors() throws {
    let cases: [(selector: String, position: Int, message: String)] = [
      ("div >> p", 5, "expected a selector after \">\""),
      ("div >", 5, "expected a selector after \">\""),
      ("+ p", 0, "expected a selector"),
      ("", 0, "expected a selector"),
      ("   ", 3, "expected a selector"),
      ("div,", 4, "expected a selector after \",\""),
      ("div,,p", 4, "expected a selector after \",\""),
      ("a:hover", 1, "unsupported pseudo-class :hover"),
      ("p::before", 1, "unsupported pseudo-element ::before"),
      ("p:before", 1, "unsupported pseudo-element :before"),
      ("p:lang(en)", 1, "unsupported pseudo-class :lang()"),
      ("p:", 2, "expected a pseudo-class name after \":\""),
      ("[href", 5, "expected \"]\" to close the \"[\" at position 0"),
      ("a[href='x'", 10, "expected \"]\" to close the \"[\" at position 1"),
      ("a]", 1, "unexpected \"]\" (no matching \"[\")"),
      ("p:not(.a", 8, "expected \")\""),
      ("p:not()", 6, "expected a selector"),
      ("p)", 1, "unexpected \")\" (no matching \"(\")"),
      ("[='x']", 1, "expected an attribute name after \"[\""),
      ("[a=]", 3, "expected an attribute value (an identifier or a quoted string)"),
      ("[a=1]", 3, "expected an attribute value (an identifier or a quoted string)"),
      ("[a=b c]", 5, "unknown attribute flag \"c\" (expected i or s)"),
      ("[a!=b]", 2, "expected \"]\" or one of =, ~=, |=, ^=, $=, *= after the attribute name"),
      ("[a='b]", 3, "unterminated string"),
      ("#1a", 0, "\"#1a\" is not a valid id selector (an id selector cannot start with a digit)"),
      ("p.", 2, "expected a class name after \".\""),
      (".1a", 0, "expected a selector, found \".1a\""),  // ".1a" is a number with a unit
      ("svg|rect", 3, "namespace prefixes are not supported"),
      ("li:nth-child(2n+)", 16, "expected an+b, odd or even in :nth-child()"),
      ("li:nth-child(foo)", 13, "expected an+b, odd or even in :nth-child()"),
      ("li:nth-child(2 n)", 15, "expected an+b, odd or even in :nth-child()"),
      ("li:nth-child(- n)", 14, "expected an+b, odd or even in :nth-child()"),
      ("li:nth-child()", 13, "expected an+b, odd or even in :nth-child()"),
      ("li:nth-child(2n of .x)", 16, "\":nth-child(… of selector)\" is not supported"),
      ("li:nth-child(9999999999)", 13, "number too large in :nth-child()"),
      (
        ".x:first-of-type", 2,
        ":first-of-type needs a type selector in the same compound selector (e.g. p:first-of-type)"
      ),
      (
        "section > :is(em, h2):only-of-type", 21,
        ":only-of-type needs a type selector in the same compound selector (e.g. p:only-of-type)"
      ),
      ("p /* x", 2, "unterminated comment"),
      ("p\\", 1, "escape at the end of the selector"),
      ("div p!", 5, "unexpected \"!\""),
      ("div\"x\"", 3, "unexpected \"\"x\"\""),
    ]
    for (selector, position, message) in cases {
      let error = self.error(selector)
      #expect(error == CSSSelectorError(selector: selector, position: position, message: message), "\(selector)")
    }
    let relativeError = #expect(throws: CSSSelectorError.self) { try CSSSelector.relativeXPath(for: "p >") }
    #expect(relativeError?.position == 3)
  }

  @Test("the error description quotes the selector and the position")
  func errorDescription() {
    #expect(
      error("div >> p")?.description == #"invalid CSS selector "div >> p" at position 5: expected a selector after ">""#
    )
  }

  @Test("hostile selectors: length and nesting are bounded")
  func bounds() throws {
    let nested = String(repeating: ":not(", count: 32) + "b" + String(repeating: ")", count: 32)
    #expect(try select("b" + nested, in: Self.page) == ["b1"])
    let tooDeep = String(repeating: ":not(", count: 33) + "p" + String(repeating: ")", count: 33)
    #expect(error(tooDeep)?.position == 32 * 5)
    #expect(error(tooDeep)?.message == "selector nested more than 32 levels deep")
    #expect(error(String(repeating: "(", count: 100_000))?.position == CSSSelector.maximumLength)
    // The most complex selectors accepted still translate into XPath libxml2 evaluates.
    let chain = Array(repeating: "div", count: CSSSelector.maximumComplexity).joined(separator: " ")
    #expect(try select(chain, in: Self.page) == [])
    #expect(error(chain + " p")?.message == "selector too complex (more than 256 nested compound selectors)")
    #expect(error(chain + " p")?.position == CSSSelector.maximumComplexity * 4)
    var nestedChains = "p"
    for _ in 0..<31 { nestedChains = "a ~ a ~ a ~ a > a + a :not(\(nestedChains))" }
    #expect(try select("p:not(\(nestedChains))", in: Self.page) == ["p1", "p2", "p3", "p4", "p5"])
    #expect(error("a a a a a a a a p:not(\(nestedChains))")?.message.hasPrefix("selector too complex") == true)
    let wide = Array(repeating: "#p1", count: CSSSelector.maximumLength / 4).joined(separator: ",")
    #expect(try select(wide, in: Self.page) == ["p1"])
    let siblings = Array(repeating: "p:not(.x)", count: 200).joined(separator: " ~ ")
    #expect(try select(siblings, in: Self.page) == [])
  }

  @Test("random garbage never crashes: every input is an error or an XPath libxml2 accepts")
  func garbage() throws {
    let document = try HTMLDocument(bytes: Array(Self.page.utf8))
    let pieces = [
      "div", "p", "*", "#", "#a", ".", ".b", "[", "]", "(", ")", ":", "::", "not(", "is(", "has(", "nth-child(",
      "nth-of-type(", "first-child", "empty", "root", ",", " ", ">", "+", "~", "|", "=", "~=", "|=", "^=", "$=",
      "*=", "'", "\"", "\\", "\\31 ", "2n+1", "-n", "odd", "i", "/*", "*/", "\n", "\u{0}", "\u{1}", "é", "\u{301}",
      "\u{FFFF}", "😀", "-", "--", "1", "a", "'x\"y'", "lang", "@", "!", "{", "}",
    ]
    var generator = SplitMix64(seed: 0x5EED_C55)
    var accepted = 0
    for _ in 0..<600 {
      var selector = ""
      for _ in 0..<Int.random(in: 1...12, using: &generator) {
        selector += pieces.randomElement(using: &generator)!
      }
      let xpath: String
      do {
        xpath = try CSSSelector.xpath(for: selector)
      } catch {
        #expect(error.selector == selector)
        #expect((0...selector.unicodeScalars.count).contains(error.position), "\(selector)")
        continue
      }
      accepted += 1
      #expect(throws: Never.self, "\(selector) → \(xpath)") { _ = try document.select(xpath: xpath) }
      #expect(throws: Never.self, "\(selector)") { _ = try CSSSelector.relativeXPath(for: selector) }
    }
    // The generator must exercise both paths for the test to mean anything.
    #expect(accepted > 20)
  }
}
