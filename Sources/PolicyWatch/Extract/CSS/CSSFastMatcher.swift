internal import CLibXML2
internal import CPolicyWatchShims
import Foundation

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
struct CSSFastMatcher: Sendable {
  static let maximumCompounds = 4

  struct Compound: Sendable {
    /// The element name; nil for `*`.
    var name: [UInt8]?
    /// `#id` and `[name=value]` as (name, value); `[name]` as (name, nil).
    var attributes: [(name: [UInt8], value: [UInt8]?)]
    /// `.class` tokens.
    var classes: [[UInt8]]
  }

  struct Complex: Sendable {
    var compounds: [Compound]
    /// `childCombinator[i]` is true for `>` between `compounds[i]` and `compounds[i + 1]`, false for whitespace.
    var childCombinator: [Bool]
  }

  let selectors: [Complex]

  /// The matcher for a rule's XPath, when it is the translation of the CSS `selector` and within the subset.
  /// Plans are kept per XPath (a declaration's rules are used for every fetch).
  static func plan(xpath: String, selector: String) -> CSSFastMatcher? {
    if let known = cache.lookup(xpath) { return known }
    var plan: CSSFastMatcher? = nil
    if let list = try? CSSParser.parse(selector),
      (try? CSSXPathTranslator(selector: selector).path(for: list, absolute: true)) == xpath
    {
      plan = CSSFastMatcher(list)
    }
    cache.store(xpath, plan)
    return plan
  }

  init?(_ list: CSSSelectorList) {
    var selectors: [Complex] = []
    for complex in list.selectors {
      guard complex.leading == nil, !complex.compounds.isEmpty, complex.compounds.count <= Self.maximumCompounds
      else { return nil }
      var childCombinator: [Bool] = []
      for combinator in complex.combinators {
        switch combinator {
        case .descendant: childCombinator.append(false)
        case .child: childCombinator.append(true)
        case .nextSibling, .subsequentSibling: return nil
        }
      }
      var compounds: [Compound] = []
      for compound in complex.compounds {
        guard let converted = Self.compound(compound) else { return nil }
        compounds.append(converted)
      }
      selectors.append(Complex(compounds: compounds, childCombinator: childCombinator))
    }
    self.selectors = selectors
  }

  private static func compound(_ compound: CSSCompoundSelector) -> Compound? {
    var result = Compound(name: nil, attributes: [], classes: [])
    if let element = compound.element {
      guard CSSXPathTranslator.isPlainName(element) else { return nil }
      result.name = Array(element.utf8)
    }
    for simple in compound.simples {
      switch simple {
      case .id(let id):
        guard CSSXPathTranslator.literal(id) != nil else { return nil }
        result.attributes.append((Array("id".utf8), Array(id.utf8)))
      case .className(let token):
        guard !token.isEmpty, !token.unicodeScalars.contains(where: CSSTokenizer.isWhitespace),
          CSSXPathTranslator.literal(token) != nil
        else { return nil }
        result.classes.append(Array(token.utf8))
      case .attribute(let attribute):
        guard CSSXPathTranslator.isPlainName(attribute.name) else { return nil }
        if let (matchOperator, value) = attribute.match {
          guard matchOperator == .equals, !attribute.caseInsensitive, CSSXPathTranslator.literal(value) != nil
          else { return nil }
          result.attributes.append((Array(attribute.name.utf8), Array(value.utf8)))
        } else {
          result.attributes.append((Array(attribute.name.utf8), nil))
        }
      case .pseudoClass:
        return nil
      }
    }
    return result
  }

  /// Every element of `document` that a selector of the list matches, in document order.
  func matches(in document: xmlDocPtr) -> [xmlNodePtr] {
    var found: [xmlNodePtr] = []
    // Pre-order over elements: document order. Iterative, so no depth of nesting can overflow the stack.
    var node = Self.firstElement(from: document.pointee.children)
    while let current = node {
      if selectors.contains(where: { Self.matches($0, index: $0.compounds.count - 1, current) }) {
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
    return found
  }

  private static func firstElement(from start: xmlNodePtr?) -> xmlNodePtr? {
    var node = start
    while let current = node, current.pointee.type != XML_ELEMENT_NODE { node = current.pointee.next }
    return node
  }

  /// Whether `element` matches compounds `0...index` of `complex`, compound `index` being `element` itself.
  private static func matches(_ complex: Complex, index: Int, _ element: xmlNodePtr) -> Bool {
    guard matches(complex.compounds[index], element) else { return false }
    if index == 0 { return true }
    var ancestor = element.pointee.parent
    if complex.childCombinator[index - 1] {
      guard let parent = ancestor, parent.pointee.type == XML_ELEMENT_NODE else { return false }
      return matches(complex, index: index - 1, parent)
    }
    while let current = ancestor, current.pointee.type == XML_ELEMENT_NODE {
      if matches(complex, index: index - 1, current) { return true }
      ancestor = current.pointee.parent
    }
    return false
  }

  private static func matches(_ compound: Compound, _ element: xmlNodePtr) -> Bool {
    if let name = compound.name {
      guard element.pointee.ns == nil, equals(element.pointee.name, name) else { return false }
    }
    for (name, value) in compound.attributes {
      guard hasAttribute(element, name, where: { value == nil || $0.elementsEqual(value!) }) else { return false }
    }
    for token in compound.classes {
      guard hasAttribute(element, Self.classAttribute, where: { Self.words(of: $0, contain: token) }) else {
        return false
      }
    }
    return true
  }

  private static let classAttribute = Array("class".utf8)

  /// Whether an attribute `name` (without namespace, as XPath's `@name` takes it) has a value passing `test`.
  private static func hasAttribute(
    _ element: xmlNodePtr, _ name: [UInt8], where test: (UnsafeBufferPointer<UInt8>) -> Bool
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

  private static func equals(_ string: UnsafePointer<xmlChar>?, _ bytes: [UInt8]) -> Bool {
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
  static func words(of value: UnsafeBufferPointer<UInt8>, contain token: [UInt8]) -> Bool {
    var start = 0
    let count = value.count
    while start < count {
      while start < count, isXMLSpace(value[start]) { start += 1 }
      var end = start
      while end < count, !isXMLSpace(value[end]) { end += 1 }
      if end - start == token.count,
        token.withUnsafeBufferPointer({ word in
          memcmp(value.baseAddress! + start, word.baseAddress!, word.count) == 0
        })
      {
        return true
      }
      start = end
    }
    return false
  }

  private static func isXMLSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

  private static let cache = PlanCache()

  final class PlanCache: @unchecked Sendable {
    private let lock = NSLock()
    private var plans: [String: CSSFastMatcher?] = [:]
    func lookup(_ xpath: String) -> CSSFastMatcher?? { lock.withLock { plans[xpath] } }
    func store(_ xpath: String, _ plan: CSSFastMatcher?) {
      // Bounded: a long-running process meets few distinct rules; past this, plans are made again.
      lock.withLock { if plans.count < 4096 { plans[xpath] = plan } }
    }
  }
}
