// libFuzzer target "css": CSSSelector.xpath(for:) / relativeXPath(for:) on arbitrary text (see Scripts/fuzz.sh).
//
// Compiled into the PolicyWatch module itself (`-module-name PolicyWatch`). The input, lossily decoded as UTF-8, is
// the selector. Checks: nothing traps; a rejected selector is a `CSSSelectorError` whose position lies inside the
// selector; an accepted one translates to XPath that libxml2 evaluates on a small fixed document (absolute, and
// relative to a `<div>`) without an XPath error — the translator promises XPath that `HTMLDocument.select` runs, so
// an `HTMLError` there is a finding and traps with the selector and the XPath. Then the selector is used as a
// `remove` and as a `select` rule of `PageExtractor` on the same page, which must end in a page or an
// `ExtractionError` (unlinking and freeing the matched nodes is the path most likely to corrupt memory).

private let fixedPage = Array(
  """
  <!DOCTYPE html><html lang="en-US"><head><title>T</title><style>p{}</style></head><body>
  <header id="top" class="x y"><nav><a href="/">Home</a></nav></header>
  <main><h1 id="a">Privacy</h1><div class="x" hidden><p>gone</p></div>
  <div id="b" class="content x-y" data-v="a'b&quot;c" lang="fr-CA"><p>One <b>two</b><br>three</p><p></p>
  <ul><li>1<ul><li>1.1</li></ul></li><li class="x">2</li><li>3</li></ul>
  <table><tr><th>k</th><td>v</td></tr><tr><td colspan="2">w</td></tr></table>
  <dl><dt>t</dt><dd>d</dd></dl><h2>Last updated</h2><p>18 September 2024</p></div>
  <section><h2 title="s">Two</h2><blockquote>q</blockquote><pre>a\n b</pre><p style="display:none">x</p></section>
  </main><footer><p>Effective September 18, 2024</p></footer></body></html>
  """.utf8)

nonisolated(unsafe) private let fixedDocument: HTMLDocument = {
  do { return try HTMLDocument(bytes: fixedPage) } catch { fatalError("fuzz harness page: \(error)") }
}()

nonisolated(unsafe) private let contextNode: HTMLNode = {
  do {
    guard let node = try fixedDocument.select(xpath: "//div[@id='b']").first else { fatalError("no context div") }
    return node
  } catch { fatalError("fuzz harness context: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let selector = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let scalarCount = selector.unicodeScalars.count
  let absolute: String
  let relative: String
  do {
    absolute = try CSSSelector.xpath(for: selector)
    relative = try CSSSelector.relativeXPath(for: selector)
  } catch {
    precondition(
      (0...scalarCount).contains(error.position) && error.selector == selector && !error.message.isEmpty,
      "bad CSSSelectorError for \(selector.debugDescription): \(error)")
    return 0
  }
  do {
    _ = try fixedDocument.select(xpath: absolute)
  } catch {
    fatalError("selector \(selector.debugDescription) translated to XPath libxml2 rejects: \(absolute)\n  \(error)")
  }
  do {
    _ = try fixedDocument.select(xpath: relative, from: contextNode)
  } catch {
    fatalError(
      "selector \(selector.debugDescription) translated to relative XPath libxml2 rejects: \(relative)\n  \(error)")
  }
  let rule = ExtractionRule.nodes(xpath: absolute, selector: selector)
  for (select, remove) in [([ExtractionRule](), [rule]), ([rule], [])] {
    do {
      let page = try PageExtractor.extract(bytes: fixedPage, select: select, remove: remove)
      for clause in page.clauses {
        precondition(!clause.key.isEmpty, "empty clause key for \(selector.debugDescription)")
      }
    } catch {
      switch error {
      case .selectorMatchedNothing(let name): precondition(name == selector && !select.isEmpty)
      case .invalidSelector, .rangeBoundaryNotFound, .unparsable:
        fatalError("selector \(selector.debugDescription): unexpected \(error)")
      }
    }
  }
  return 0
}
