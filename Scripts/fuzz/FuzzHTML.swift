// libFuzzer target "html": PageExtractor.extract on arbitrary bytes (see Scripts/fuzz.sh).
//
// Compiled into the PolicyWatch module itself (`-module-name PolicyWatch`), so internal API is reachable.
// Input layout: byte 0 chooses the charset label and the rule set; with a "label" mode, the bytes up to the first
// newline (at most 40) are the HTTP charset label (exercising CharsetDecoder's label lookup); the rest is the page.
// Checks: nothing traps; errors are `ExtractionError`; every clause has a non-empty key, a heading a level 1–6;
// the date parser accepts the clauses.

private let fixedLabels: [String?] = [
  nil, "utf-8", "UTF8", "iso-8859-1", "latin1", "windows-1252", "cp1252", "shift_jis", "sjis", "utf-16", "utf-16le",
  "UTF-16BE", "euc-jp", "gb2312", "koi8-r", "x-unknown", "", " utf-8 ",
]

/// Rule sets, built once: `select "main, body"` / `remove ".x"` and a few others, two of them ranges.
private let ruleSets: [(select: [ExtractionRule], remove: [ExtractionRule])] = {
  do {
    return try makeRuleSets()
  } catch {
    fatalError("fuzz harness selector: \(error)")
  }
}()

private func makeRuleSets() throws(CSSSelectorError) -> [(select: [ExtractionRule], remove: [ExtractionRule])] {
  func css(_ selector: String) throws(CSSSelectorError) -> ExtractionRule { try .css(selector) }
  func range(_ start: String, _ end: String, startBefore: Bool, endBefore: Bool) throws(CSSSelectorError)
    -> ExtractionRule
  {
    let from: RangeSelector.Boundary = startBefore ? .before(start) : .after(start)
    let to: RangeSelector.Boundary = endBefore ? .before(end) : .after(end)
    return try ExtractionRule(SelectorSpec.range(RangeSelector(start: from, end: to)))
  }
  return [
    ([try css("main, body")], [try css(".x")]),
    ([], []),
    ([try range("h1", "footer", startBefore: true, endBefore: true)], [try css("script, [hidden], nav")]),
    (
      [try css("p:nth-of-type(2n+1), li:last-child"), try css("table td")],
      [try css("div > .x ~ p"), try css(":root > head")]
    ),
    ([try css("*")], [try css("body *:empty")]),
    ([try range("h2", "h3", startBefore: false, endBefore: false)], []),
    ([try css("html")], [try css("body")]),
    ([.xpath("//p | //h1"), .xpath("//text()/..")], [.xpath("//*[@style]")]),
  ]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  let bytes = UnsafeBufferPointer(start: data, count: size)
  let control = bytes[0]
  var body = bytes.dropFirst()
  let label: String?
  if control & 1 == 0 {
    label = fixedLabels[Int(control >> 1) % fixedLabels.count]
  } else {
    // The label is the bytes up to the first newline, lossily decoded (a header value is just bytes).
    let end = body.prefix(40).firstIndex(of: UInt8(ascii: "\n")) ?? body.startIndex
    label = String(decoding: body[body.startIndex..<end], as: UTF8.self)
    body = body[end...].dropFirst()
  }
  let rules = ruleSets[Int(control >> 4) % ruleSets.count]
  do {
    let page = try PageExtractor.extract(
      bytes: Array(body), httpCharset: label, select: rules.select, remove: rules.remove, source: "fuzz")
    for clause in page.clauses {
      precondition(!clause.key.isEmpty, "a clause with an empty comparison key: \(clause)")
      precondition(clause.kind != .heading || (1...6).contains(clause.level), "heading level \(clause.level)")
      precondition(clause.source == "fuzz", "clause lost its source page")
    }
    _ = DeclaredDateParser.find(in: page.clauses, language: page.language)
  } catch {
    // Typed: selectorMatchedNothing, rangeBoundaryNotFound, invalidSelector, unparsable. Only the message is read.
    _ = error.description
  }
  return 0
}
