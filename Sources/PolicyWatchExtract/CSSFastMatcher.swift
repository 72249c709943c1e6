internal import CLibXML2
internal import CLibXML2Shims
import Foundation
import PolicyWatchCSS
import PolicyWatchSupport

/// Matches the selectors real declarations use (`main`, `.sr-only`, `#content article`, `[data-x=y]`,
/// `div > section.terms`) by walking the tree once, instead of evaluating their XPath: libxml2's XPath builds
/// string objects for every element it tests (`normalize-space(@class)`…), and the rules of a declaration cost as
/// much as parsing the page. It answers exactly what the XPath of `CSSXPathTranslator` answers (the same elements,
/// in document order); `CSSFastMatcherTests` compares the two on generated pages and selectors.
///
/// The subset: selector lists of at most `maximumCompounds` compounds joined by descendant or `>` combinators;
/// compounds of a type or `*`, `#id`, `.class`, `[name]` and `[name=value]` (case-sensitive), with plain names.
/// Anything else (`+`, `~`, pseudo-classes, other attribute operators, the ` i` flag, escaped names) is left to
/// XPath: `plan(xpath:selector:)` returns nil.
package struct CSSFastMatcher: Sendable {
  static let maximumCompounds = 4

  // The selectors as flat arrays of plain values (names and values are byte ranges of `bytes`), read through
  // buffer pointers while walking: no reference counting in the loop that tests every element.
  private enum TestKind: UInt8 {
    /// The element's name is `name`.
    case element
    /// The attribute `name` is present.
    case present
    /// The attribute `name` has the value `value` (`#id` is `id` = value).
    case equals
    /// The attribute `name` (`class`) holds the word `value`.
    case word
  }

  private struct Test {
    var kind: TestKind
    var name: Range<Int>
    var value: Range<Int>
  }

  private struct Compound {
    /// Its tests, in `tests`.
    var tests: Range<Int>
    /// True when the combinator to its left (toward the previous compound of its selector) is `>`.
    var childOfPrevious: Bool
  }

  private let bytes: [UInt8]
  private let tests: [Test]
  private let compounds: [Compound]
  /// Each selector of the list: its compounds, in `compounds`, left to right.
  private let selectors: [Range<Int>]

  /// The matcher for a rule's XPath, when it is the translation of the CSS `selector` and within the subset.
  /// Plans are kept per rule (a declaration's rules are used for every fetch).
  static func plan(xpath: String, selector: String) -> CSSFastMatcher? {
    // Keyed by both: `[class~=a]` has the XPath of `.a` but is outside the subset.
    let key = "\(xpath)\u{0}\(selector)"
    if let known = cache.lookup(key) { return known }
    var plan: CSSFastMatcher? = nil
    if let list = try? CSSParser.parse(selector),
      (try? CSSXPathTranslator(selector: selector).path(for: list, absolute: true)) == xpath
    {
      plan = CSSFastMatcher(list)
    }
    cache.store(key, plan)
    return plan
  }

  init?(_ list: CSSSelectorList) {
    var bytes: [UInt8] = []
    var tests: [Test] = []
    var compounds: [Compound] = []
    var selectors: [Range<Int>] = []
    func range(_ text: String) -> Range<Int> {
      let start = bytes.count
      bytes += text.utf8
      return start..<bytes.count
    }
    for complex in list.selectors {
      guard complex.leading == nil, !complex.compounds.isEmpty, complex.compounds.count <= Self.maximumCompounds
      else { return nil }
      let first = compounds.count
      for (offset, compound) in complex.compounds.enumerated() {
        var childOfPrevious = false
        if offset > 0 {
          switch complex.combinators[offset - 1] {
          case .descendant: childOfPrevious = false
          case .child: childOfPrevious = true
          case .nextSibling, .subsequentSibling: return nil
          }
        }
        let firstTest = tests.count
        if let element = compound.element {
          guard CSSXPathTranslator.isPlainName(element) else { return nil }
          tests.append(Test(kind: .element, name: range(element), value: 0..<0))
        }
        for simple in compound.simples {
          switch simple {
          case .id(let id):
            guard CSSXPathTranslator.literal(id) != nil else { return nil }
            tests.append(Test(kind: .equals, name: range("id"), value: range(id)))
          case .className(let token):
            guard !token.isEmpty, !token.unicodeScalars.contains(where: CSSTokenizer.isWhitespace),
              CSSXPathTranslator.literal(token) != nil
            else { return nil }
            tests.append(Test(kind: .word, name: range("class"), value: range(token)))
          case .attribute(let attribute):
            guard CSSXPathTranslator.isPlainName(attribute.name) else { return nil }
            if let (matchOperator, value) = attribute.match {
              guard matchOperator == .equals, !attribute.caseInsensitive, CSSXPathTranslator.literal(value) != nil
              else { return nil }
              tests.append(Test(kind: .equals, name: range(attribute.name), value: range(value)))
            } else {
              tests.append(Test(kind: .present, name: range(attribute.name), value: 0..<0))
            }
          case .pseudoClass:
            return nil
          }
        }
        compounds.append(Compound(tests: firstTest..<tests.count, childOfPrevious: childOfPrevious))
      }
      selectors.append(first..<compounds.count)
    }
    (self.bytes, self.tests, self.compounds, self.selectors) = (bytes, tests, compounds, selectors)
  }

  /// Every element of `document` that a selector of the list matches, in document order.
  func matches(in document: xmlDocPtr) -> [xmlNodePtr] {
    var found: [xmlNodePtr] = []
    bytes.withUnsafeBufferPointer { bytes in
      tests.withUnsafeBufferPointer { tests in
        compounds.withUnsafeBufferPointer { compounds in
          selectors.withUnsafeBufferPointer { selectors in
            let view = View(bytes: bytes, tests: tests, compounds: compounds)
            // Pre-order over elements: document order. Iterative: no nesting depth can overflow the stack.
            var node = Self.firstElement(from: document.pointee.children)
            while let current = node {
              if selectors.contains(where: { view.matches($0, last: $0.upperBound - 1, current) }) {
                found.append(current)
              }
              if let child = Self.firstElement(from: current.pointee.children) {
                node = child
                continue
              }
              var climbing: xmlNodePtr? = current
              node = nil
              while let up = climbing, up.pointee.type == XML_ELEMENT_NODE {
                if let next = Self.firstElement(from: up.pointee.next) {
                  node = next
                  break
                }
                climbing = up.pointee.parent
              }
            }
          }
        }
      }
    }
    return found
  }

  private static func firstElement(from start: xmlNodePtr?) -> xmlNodePtr? {
    var node = start
    while let current = node, current.pointee.type != XML_ELEMENT_NODE { node = current.pointee.next }
    return node
  }

  private struct View {
    let bytes: UnsafeBufferPointer<UInt8>
    let tests: UnsafeBufferPointer<Test>
    let compounds: UnsafeBufferPointer<Compound>

    /// Whether `element` matches the compounds of `selector` up to `last`, compound `last` being `element`.
    func matches(_ selector: Range<Int>, last: Int, _ element: xmlNodePtr) -> Bool {
      guard matches(compounds[last], element) else { return false }
      if last == selector.lowerBound { return true }
      var ancestor = element.pointee.parent
      if compounds[last].childOfPrevious {
        guard let parent = ancestor, parent.pointee.type == XML_ELEMENT_NODE else { return false }
        return matches(selector, last: last - 1, parent)
      }
      while let current = ancestor, current.pointee.type == XML_ELEMENT_NODE {
        if matches(selector, last: last - 1, current) { return true }
        ancestor = current.pointee.parent
      }
      return false
    }

    private func matches(_ compound: Compound, _ element: xmlNodePtr) -> Bool {
      for index in compound.tests {
        let test = tests[index]
        let name = UnsafeBufferPointer(rebasing: bytes[test.name])
        let value = UnsafeBufferPointer(rebasing: bytes[test.value])
        switch test.kind {
        case .element:
          guard element.pointee.ns == nil, CSSFastMatcher.equals(element.pointee.name, name) else { return false }
        case .present:
          guard CSSFastMatcher.hasAttribute(element, name, where: { _ in true }) else { return false }
        case .equals:
          guard CSSFastMatcher.hasAttribute(element, name, where: { $0.elementsEqual(value) }) else { return false }
        case .word:
          guard CSSFastMatcher.hasAttribute(element, name, where: { CSSFastMatcher.words(of: $0, contain: value) })
          else { return false }
        }
      }
      return true
    }
  }

  /// Whether an attribute `name` (without namespace, as XPath's `@name` takes it) has a value passing `test`.
  private static func hasAttribute(
    _ element: xmlNodePtr, _ name: UnsafeBufferPointer<UInt8>, where test: (UnsafeBufferPointer<UInt8>) -> Bool
  ) -> Bool {
    var attribute = element.pointee.properties
    while let current = attribute {
      defer { attribute = current.pointee.next }
      guard current.pointee.ns == nil || current.pointee.ns.pointee.prefix == nil, equals(current.pointee.name, name)
      else { continue }
      // The value is the attribute's text children; one text node (or none) in practice, read in place.
      let children = current.pointee.children
      if children == nil {
        if test(UnsafeBufferPointer(start: nil, count: 0)) { return true }
      } else if let text = children, text.pointee.next == nil, text.pointee.type == XML_TEXT_NODE,
        let content = text.pointee.content
      {
        if test(UnsafeBufferPointer(start: content, count: strlen(content))) { return true }
      } else if let value = xmlNodeGetContent(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)) {
        defer { pw_xml_free(value) }
        if test(UnsafeBufferPointer(start: value, count: strlen(value))) { return true }
      }
    }
    return false
  }

  private static func equals(_ string: UnsafePointer<xmlChar>?, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let string else { return false }
    var index = 0
    while index < bytes.count {
      guard string[index] == bytes[index] else { return false }
      index += 1
    }
    return string[index] == 0
  }

  /// Whether `token` is one of the words of `value` split at XML whitespace (what XPath's `normalize-space`
  /// splits at: space, tab, carriage return, line feed).
  static func words(of value: UnsafeBufferPointer<UInt8>, contain token: UnsafeBufferPointer<UInt8>) -> Bool {
    var start = 0
    let count = value.count
    while start < count {
      while start < count, XMLBytes.isSpace(value[start]) { start += 1 }
      var end = start
      while end < count, !XMLBytes.isSpace(value[end]) { end += 1 }
      if end - start == token.count, memcmp(value.baseAddress! + start, token.baseAddress!, token.count) == 0 {
        return true
      }
      start = end
    }
    return false
  }

  private static let cache = PlanCache()

  final class PlanCache: @unchecked Sendable {
    private let lock = NSLock()
    private var plans: [String: CSSFastMatcher?] = [:]
    func lookup(_ key: String) -> CSSFastMatcher?? { lock.withLock { plans[key] } }
    func store(_ key: String, _ plan: CSSFastMatcher?) {
      // Bounded: a long-running process meets few distinct rules; past this, plans are made again.
      lock.withLock { if plans.count < 4096 { plans[key] = plan } }
    }
  }
}
