import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchExtract
@testable import PolicyWatchText

/// Extraction on HTML fixtures written for these tests.
@Suite("Page extraction")
struct PageExtractorTests {
  static let policy = """
    <!doctype html>
    <html lang="en-US"><head><title>Example Privacy Policy</title>
    <script>var nonce = "abc123"; document.write("<p>not shown</p>");</script>
    <style>p { color: red }</style></head>
    <body>
    <nav><a href="/">Home</a> <a href="/help">Help</a></nav>
    <main>
      <h1>Privacy Policy</h1>
      <p>Effective September 18, 2024</p>
      <h2>1. What we collect</h2>
      <p>We collect the <a href="/data?utm_source=x">information you give us</a> when you
         create an   account.</p>
      <ul>
        <li>Contact details, such as your <b>email</b> address.</li>
        <li>Usage data:
          <ul><li>pages you visit;</li><li>features you use.</li></ul>
        </li>
      </ul>
      <h3>1.1 Cookies</h3>
      <table><tr><th>Name</th><th>Purpose</th></tr><tr><td>sid</td><td>Keeps you <i>signed</i> in</td></tr></table>
      <h2>2. How we use it</h2>
      <div>We use it to run the service.<br>And to keep it safe.</div>
      <dl><dt>Service</dt><dd>The website and the apps.</dd></dl>
      <blockquote>Quoted notice.</blockquote>
      <pre>  line one
      line two</pre>
      <p hidden>Hidden paragraph.</p>
      <p style="display: none">Invisible paragraph.</p>
      <noscript><p>Enable scripts.</p></noscript>
      <template><p>Template text.</p></template>
      <!-- a comment -->
      <div role="heading" aria-level="2">3. Your choices</div>
      <p>You can close your account.</p>
    </main>
    <footer><p>© 2026 Example</p></footer>
    </body></html>
    """

  func extract(_ html: String, select: [ExtractionRule] = [], remove: [ExtractionRule] = []) throws -> ExtractedPage {
    try PageExtractor.extract(bytes: Array(html.utf8), select: select, remove: remove)
  }

  static func xpath(_ expression: String) -> ExtractionRule { .nodes(xpath: expression, selector: expression) }

  @Test func clausesOfAPolicy() throws {
    let page = try extract(Self.policy, select: [Self.xpath("//main")])
    let texts = page.clauses.map(\.text)
    #expect(
      texts == [
        "Privacy Policy",
        "Effective September 18, 2024",
        "1. What we collect",
        "We collect the information you give us when you create an account.",
        "Contact details, such as your email address.",
        "Usage data:",
        "pages you visit;",
        "features you use.",
        "1.1 Cookies",
        "Name | Purpose",
        "sid | Keeps you signed in",
        "2. How we use it",
        "We use it to run the service.\nAnd to keep it safe.",
        "Service",
        "The website and the apps.",
        "Quoted notice.",
        "  line one\n  line two",
        "3. Your choices",
        "You can close your account.",
      ])
    #expect(page.title == "Example Privacy Policy")
    #expect(page.language == "en-us")
    #expect(page.charset == "utf-8")
  }

  @Test func clauseKindsLevelsAndSections() throws {
    let page = try extract(Self.policy, select: [Self.xpath("//main")])
    func clause(_ prefix: String) throws -> Clause {
      try #require(page.clauses.first { $0.text.hasPrefix(prefix) })
    }
    #expect(try clause("Privacy Policy").kind == .heading)
    #expect(try clause("Privacy Policy").level == 1)
    #expect(try clause("Contact details").kind == .listItem)
    #expect(try clause("Contact details").level == 1)
    #expect(try clause("pages you visit").level == 2)
    #expect(try clause("sid").kind == .tableRow)
    #expect(try clause("sid").section == ["Privacy Policy", "1. What we collect", "1.1 Cookies"])
    #expect(try clause("We use it").section == ["Privacy Policy", "2. How we use it"])
    #expect(try clause("Service").kind == .term)
    #expect(try clause("The website").kind == .definition)
    #expect(try clause("Quoted").kind == .quote)
    #expect(try clause("  line one").kind == .preformatted)
    #expect(try clause("3. Your choices").kind == .heading)
    #expect(try clause("You can close").section == ["Privacy Policy", "3. Your choices"])
    #expect(
      try clause("We collect").links == [ClauseLink(text: "information you give us", target: "/data?utm_source=x")])
  }

  @Test func whatABrowserDoesNotShowIsDropped() throws {
    let page = try extract(Self.policy)
    let all = page.clauses.map(\.text).joined(separator: "\n")
    for hidden in [
      "nonce", "not shown", "color: red", "Hidden paragraph", "Invisible", "Enable scripts", "Template", "a comment",
    ] {
      #expect(!all.contains(hidden), "\(hidden) should not be extracted")
    }
    // Without a selector the whole body is extracted, navigation and footer included.
    #expect(all.contains("© 2026 Example"))
  }

  @Test func removeThenSelect() throws {
    let page = try extract(
      Self.policy, select: [Self.xpath("//main"), Self.xpath("//footer")],
      remove: [Self.xpath("//table"), Self.xpath("//dl")])
    let texts = page.clauses.map(\.text)
    #expect(!texts.contains("sid | Keeps you signed in"))
    #expect(!texts.contains("Service"))
    #expect(texts.last == "© 2026 Example")
  }

  @Test func selectorMatchingNothingIsAnError() throws {
    #expect(throws: ExtractionError.selectorMatchedNothing(selector: "#missing")) {
      try extract(Self.policy, select: [.nodes(xpath: "//*[@id='missing']", selector: "#missing")])
    }
  }

  @Test func removeMatchingNothingIsNormal() throws {
    let page = try extract(Self.policy, select: [Self.xpath("//main")], remove: [Self.xpath("//aside")])
    #expect(page.clauses.count == 19)
  }

  @Test func invalidXPathIsATypedError() throws {
    #expect(throws: ExtractionError.self) {
      try extract(Self.policy, select: [.nodes(xpath: "//main[", selector: "main[")])
    }
  }

  @Test func rangeSelection() throws {
    let html = """
      <body><h2 id="a">Intro</h2><p>one</p><div><p>two</p><h2 id="b">Next</h2><p>three</p></div><p>four</p></body>
      """
    // startAfter #a, endBefore #b: "one", "two".
    let after = try extract(
      html,
      select: [
        .range(
          start: "//*[@id='a']", startInclusive: false, end: "//*[@id='b']", endInclusive: false, selector: "range")
      ])
    #expect(after.clauses.map(\.text) == ["one", "two"])
    // startBefore #a, endAfter #b: the headings too.
    let before = try extract(
      html,
      select: [
        .range(start: "//*[@id='a']", startInclusive: true, end: "//*[@id='b']", endInclusive: true, selector: "range")
      ])
    #expect(before.clauses.map(\.text) == ["Intro", "one", "two", "Next"])
    // A range removed.
    let removed = try extract(
      html,
      remove: [
        .range(start: "//*[@id='a']", startInclusive: false, end: "//*[@id='b']", endInclusive: true, selector: "range")
      ])
    #expect(removed.clauses.map(\.text) == ["Intro", "three", "four"])
    #expect(throws: ExtractionError.rangeBoundaryNotFound(selector: "range", boundary: "//*[@id='zz']")) {
      try extract(
        html,
        select: [
          .range(
            start: "//*[@id='a']", startInclusive: true, end: "//*[@id='zz']", endInclusive: true, selector: "range")
        ])
    }
  }

  @Test func brokenHTMLIsRecovered() throws {
    let html = "<html><body><p>First <b>bold<p>Second</i> text<li>loose item<table><tr><td>cell</body>"
    let page = try extract(html)
    #expect(page.clauses.map(\.text) == ["First bold", "Second text", "loose item", "cell"])
  }

  @Test func emptyAndBinaryInputDoNotCrash() throws {
    #expect(try extract("").clauses.isEmpty)
    let garbage = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
    _ = try PageExtractor.extract(bytes: garbage)
  }

  @Test func deeplyNestedMarkup() throws {
    let depth = 10_000
    let html =
      String(repeating: "<div>", count: depth) + "<p>deep clause</p>" + String(repeating: "</div>", count: depth)
    let page = try extract(html)
    // libxml2 may cap the nesting, but the text must come through, once, without a crash.
    #expect(page.clauses.filter { $0.text == "deep clause" }.count == 1)
    let spans = String(repeating: "<span>", count: depth) + "inline" + String(repeating: "</span>", count: depth)
    #expect(try extract("<h2>" + spans + "</h2>").clauses.first?.text == "inline")
  }

  @Test func twentyMegabytePage() throws {
    var parts = ["<html><body><main>"]
    var size = 0
    var index = 0
    while size < 20_000_000 {
      let paragraph = "<p>Clause number \(index): we keep your data for as long as the law requires.</p>\n"
      size += paragraph.utf8.count
      parts.append(paragraph)
      index += 1
    }
    parts.append("</main></body></html>")
    let html = parts.joined()
    let page = try extract(html, select: [Self.xpath("//main")])
    #expect(page.clauses.count == index)
    #expect(page.clauses.last?.text == "Clause number \(index - 1): we keep your data for as long as the law requires.")
  }
}

/// Charset detection and decoding.
@Suite("Charsets")
struct CharsetTests {
  func texts(_ bytes: [UInt8], header: String? = nil) throws -> (String, ExtractedPage) {
    let page = try PageExtractor.extract(bytes: bytes, httpCharset: header)
    return (page.clauses.map(\.text).joined(separator: "\n"), page)
  }

  @Test func utf8ByDefault() throws {
    let (text, page) = try texts(Array("<p>Données personnelles – “consent”</p>".utf8))
    #expect(text == "Données personnelles – “consent”")
    #expect(page.charsetSource == .defaultUTF8)
  }

  @Test func latin1FromTheHTTPHeader() throws {
    let bytes: [UInt8] = Array("<p>Donn".utf8) + [0xE9] + Array("es</p>".utf8)
    let (text, page) = try texts(bytes, header: "ISO-8859-1")
    #expect(text == "Données")
    #expect(page.charset == "windows-1252")
    #expect(page.charsetSource == .httpHeader)
  }

  @Test func windows1252FromAMetaTag() throws {
    // 0x92 is a right single quote and 0x80 the euro sign in windows-1252.
    let bytes: [UInt8] =
      Array("<html><head><meta charset=\"windows-1252\"></head><body><p>We".utf8) + [0x92]
      + Array("ll charge 5".utf8) + [0x80] + Array("</p></body></html>".utf8)
    let (text, page) = try texts(bytes)
    #expect(text == "We’ll charge 5€")
    #expect(page.charsetSource == .metaTag)
  }

  @Test func httpEquivMetaTag() throws {
    let bytes: [UInt8] =
      Array("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><p>caf".utf8) + [0xE9]
      + Array("</p>".utf8)
    #expect(try texts(bytes).0 == "café")
  }

  @Test func shiftJIS() throws {
    // 日本語 in Shift_JIS.
    let bytes: [UInt8] =
      Array("<meta charset=shift_jis><p>".utf8) + [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA] + Array("</p>".utf8)
    #expect(try texts(bytes).0 == "日本語")
  }

  @Test func utf16WithByteOrderMark() throws {
    let text = "<html><body><p>Privacy – ünïcödé</p></body></html>"
    var little: [UInt8] = [0xFF, 0xFE]
    for unit in text.utf16 { little += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    #expect(try texts(little).0 == "Privacy – ünïcödé")
    var big: [UInt8] = [0xFE, 0xFF]
    for unit in text.utf16 { big += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
    #expect(try texts(big).0 == "Privacy – ünïcödé")
  }

  @Test func headerWinsOverMeta() throws {
    let bytes: [UInt8] = Array("<meta charset=utf-8><p>caf".utf8) + [0xE9] + Array("</p>".utf8)
    #expect(try texts(bytes, header: "iso-8859-1").0 == "café")
  }

  @Test func invalidBytesBecomeReplacementCharacters() throws {
    let bytes: [UInt8] = Array("<p>ok ".utf8) + [0xC3, 0x28, 0xFF] + Array(" end</p>".utf8)
    let (text, page) = try texts(bytes)
    #expect(text.hasPrefix("ok ") && text.hasSuffix(" end"))
    #expect(text.contains("\u{FFFD}"))
    #expect(page.hadInvalidBytes)
    let invalidShiftJIS: [UInt8] = Array("<p>".utf8) + [0x93, 0xFA, 0x85] + Array("</p>".utf8)
    let (other, _) = try texts(invalidShiftJIS, header: "shift_jis")
    #expect(other.hasPrefix("日"))
  }
}

/// The byte-level fast paths of the extractor (text gathered as UTF-8 bytes, element roles read from name bytes,
/// one attribute pass for hidden content, validation without a copy) give what a browser shows.
@Suite("Extraction fast paths")
struct ExtractionFastPathTests {
  func texts(_ html: String) throws -> [String] {
    try PageExtractor.extract(bytes: Array(html.utf8)).clauses.map(\.text)
  }

  @Test func unicodeSpacesCollapseAndOtherCharactersStay() throws {
    let html =
      "<p>\u{A0} Données\u{A0}\u{A0}personnelles\u{2003}–\u{3000}“consent”\u{202F}🙂\t\n é </p>"
      + "<p>line one <br>\u{A0}line two\u{A0}<br> <br>\u{A0}new paragraph</p>"
    // One <br> breaks a line; a run of them ends the paragraph.
    #expect(try texts(html) == ["Données personnelles – “consent” 🙂 é", "line one\nline two", "new paragraph"])
  }

  @Test func upperCaseMarkupIsRecognised() throws {
    let html = """
      <DIV><H2>Terms</H2><UL><LI>One</LI><LI>Two</LI></UL>
      <BLOCKQUOTE>Quoted</BLOCKQUOTE><FIGURE><FIGCAPTION>Caption</FIGCAPTION></FIGURE>
      <P HIDDEN>Hidden attribute</P><P STYLE="Color: red; DISPLAY : None">Hidden style</P>
      <SPAN STYLE="visibility:  hidden">Invisible</SPAN><P Style="display: block">Shown</P>
      <SCRIPT>var x = 1;</SCRIPT><NOSCRIPT>No script</NOSCRIPT></DIV>
      """
    let page = try PageExtractor.extract(bytes: Array(html.utf8))
    #expect(page.clauses.map(\.text) == ["Terms", "One", "Two", "Quoted", "Caption", "Shown"])
    #expect(page.clauses.map(\.kind) == [.heading, .listItem, .listItem, .quote, .paragraph, .paragraph])
  }

  @Test func linkTextIsCutFromTheClauseBytes() throws {
    let page = try PageExtractor.extract(
      bytes: Array("<p>Read our <a href='/p?x=1'> cookie\u{A0}<b>policy</b> </a> and <a href='/t'>terms</a>.</p>".utf8))
    #expect(page.clauses.map(\.text) == ["Read our cookie policy and terms."])
    #expect(
      page.clauses.first?.links == [
        ClauseLink(text: "cookie policy", target: "/p?x=1"), ClauseLink(text: "terms", target: "/t"),
      ])
  }

  @Test func utf8ValidationAgreesWithTheStandardLibrary() {
    let cases: [[UInt8]] = [
      [], Array("plain ascii text, longer than eight bytes".utf8), Array("é€😀 mixed".utf8),
      [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
      [0xF0, 0x90, 0x80], Array("12345678".utf8) + [0xE2, 0x82], [0xFF], [0x80],
    ]
    // Random runs of mostly-ASCII bytes with some high bytes: every length, alignment and kind of bad sequence.
    var generator = SplitMix64(seed: 42)
    var random: [[UInt8]] = []
    for length in 0..<400 {
      var bytes: [UInt8] = []
      for _ in 0..<(length % 37) {
        let value = generator.next()
        bytes.append(UInt8(truncatingIfNeeded: value % 4 == 0 ? value >> 8 : (value >> 8) & 0x7F))
      }
      random.append(bytes)
    }
    for bytes in cases + random {
      let expected = String(validating: bytes, as: UTF8.self) != nil
      #expect(bytes.withUnsafeBufferPointer(CharsetDecoder.isValidUTF8) == expected, "\(bytes)")
    }
  }
}
