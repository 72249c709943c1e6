internal import CLibXML2
internal import CLibXML2Shims
import Foundation
import PolicyWatchCSS
import PolicyWatchDeclarations
import PolicyWatchText

/// What to keep or drop from a page, with selectors already translated to XPath.
public enum ExtractionRule: Sendable, Hashable {
  /// Every element the XPath selects. `selector` is what the user wrote (for messages).
  case nodes(xpath: String, selector: String)
  /// Everything between two boundaries, as a DOM range: the range starts before (inclusive) or after the first
  /// element `start` selects, and ends before or after (inclusive) the first element `end` selects.
  case range(start: String, startInclusive: Bool, end: String, endInclusive: Bool, selector: String)

  var selector: String {
    switch self {
    case .nodes(_, let selector), .range(_, _, _, _, let selector): selector
    }
  }
}

/// Why a page could not be extracted. Every case names the selector or the cause.
public enum ExtractionError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A `select` selector matched nothing: the page changed shape, or is an error/bot page.
  case selectorMatchedNothing(selector: String)
  /// A range boundary matched nothing.
  case rangeBoundaryNotFound(selector: String, boundary: String)
  /// A selector could not be evaluated (invalid CSS or XPath).
  case invalidSelector(selector: String, message: String)
  case unparsable(reason: String)

  public var description: String {
    switch self {
    case .selectorMatchedNothing(let selector): "the selector \(selector) matched nothing on the page"
    case .rangeBoundaryNotFound(let selector, let boundary):
      "the range \(selector): its boundary \(boundary) matched nothing on the page"
    case .invalidSelector(let selector, let message): "the selector \(selector) is invalid: \(message)"
    case .unparsable(let reason): "the page could not be parsed: \(reason)"
    }
  }
}

/// One page, extracted.
public struct ExtractedPage: Sendable {
  public var clauses: [Clause]
  public var title: String?
  /// The page's language (`<html lang>`), lowercased.
  public var language: String?
  public var charset: String
  public var charsetSource: CharsetSource
  /// True when bytes invalid in the charset were replaced.
  public var hadInvalidBytes: Bool
  /// The page's whole visible text length (before `select`), used to spot pages that lost their content.
  public var source: String?
}

/// Turns a fetched HTML page into clauses with libxml2.
///
/// Steps: decode the bytes to UTF-8 (`CharsetDecoder`); cut script and style contents and the attribute values
/// neither the rules nor the clause builder read (`ScriptStripper`, `AttributePruning`; `stripScripts: false`
/// parses the page as served); parse with libxml2 (recovery, no network, the document's own encoding hints ignored
/// since the bytes are already UTF-8); apply every `remove` rule, then every `select`
/// rule (all matches, in document order); walk the selected nodes once, iteratively (no recursion, so 10,000
/// levels of nesting cannot overflow a stack), dropping what a browser does not show, and cut the text into
/// clauses at block boundaries.
public enum PageExtractor {
  /// Parses one HTML page and reads its clauses.
  /// - Parameters:
  ///   - bytes: the page as served.
  ///   - httpCharset: the charset of the `Content-Type` header, if any (a byte order mark still wins).
  ///   - select: the parts of the page that hold the document (none: the whole body).
  ///   - remove: the parts to leave out (menus, banners), applied before `select`.
  ///   - source: the page's URL, to make relative links absolute.
  ///   - stripScripts: whether script and style contents are cut before parsing (faster; they are never text).
  /// - Returns: the clauses, the title, the language and the declared dates of the page.
  /// - Throws: `ExtractionError` when the bytes are not HTML, a selector is invalid or matches nothing.
  public static func extract(
    bytes: [UInt8], httpCharset: String? = nil, select: [ExtractionRule] = [], remove: [ExtractionRule] = [],
    source: String? = nil, stripScripts: Bool = true
  ) throws(ExtractionError) -> ExtractedPage {
    let decoded = CharsetDecoder.decode(bytes, httpCharset: httpCharset)
    let document: HTMLDocument
    do {
      document = try HTMLDocument(
        utf8: stripScripts
          ? ScriptStripper.strip(decoded.utf8, pruning: AttributePruning(rules: remove + select)) : decoded.utf8)
    } catch {
      throw .unparsable(reason: error.description)
    }
    for rule in remove {
      for node in try matches(of: rule, in: document, required: false) {
        xmlUnlinkNode(node)
        xmlFreeNode(node)
      }
    }
    var roots: [xmlNodePtr] = []
    if select.isEmpty {
      if let body = try? document.select(xpath: "/html/body").first {
        roots = [body.pointer]
      } else if let root = xmlDocGetRootElement(document.pointer) {
        roots = [root]
      }
    } else {
      for rule in select { roots += try matches(of: rule, in: document, required: true) }
      roots = topmost(inDocumentOrder: roots)
    }
    var builder = ClauseBuilder(source: source)
    for root in roots where !ClauseBuilder.isHiddenByAncestor(root) {
      builder.walk(root)
    }
    builder.finish()
    let root = document.root
    let title = (try? document.select(xpath: "/html/head/title"))?.first.map {
      ClauseBuilder.collapse($0.text)
    }
    return ExtractedPage(
      clauses: builder.clauses,
      title: title?.isEmpty == false ? title : nil,
      language: root?.attribute("lang")?.lowercased().trimmingCharacters(in: .whitespaces),
      charset: decoded.charset, charsetSource: decoded.source, hadInvalidBytes: decoded.hadInvalidBytes,
      source: source)
  }

  /// The nodes a rule designates, topmost only (a node inside another match is part of it).
  static func matches(of rule: ExtractionRule, in document: HTMLDocument, required: Bool) throws(ExtractionError)
    -> [xmlNodePtr]
  {
    switch rule {
    case .nodes(let xpath, let selector):
      let nodes: [xmlNodePtr]
      if let plan = CSSFastMatcher.plan(xpath: xpath, selector: selector) {
        nodes = plan.matches(in: document.pointer)
      } else {
        do {
          nodes = try document.select(xpath: xpath).map(\.pointer)
        } catch {
          throw .invalidSelector(selector: selector, message: error.description)
        }
      }
      if required, nodes.isEmpty { throw .selectorMatchedNothing(selector: selector) }
      return topmost(inDocumentOrder: nodes)
    case .range(let start, let startInclusive, let end, let endInclusive, let selector):
      func first(_ xpath: String) throws(ExtractionError) -> xmlNodePtr {
        let nodes: [HTMLNode]
        do {
          nodes = try document.select(xpath: xpath)
        } catch {
          throw .invalidSelector(selector: selector, message: error.description)
        }
        guard let node = nodes.first else { throw .rangeBoundaryNotFound(selector: selector, boundary: xpath) }
        return node.pointer
      }
      let startNode = try first(start)
      let endNode = try first(end)
      let nodes = RangeCollector.nodes(
        in: document.pointer, start: startNode, startInclusive: startInclusive, end: endNode,
        endInclusive: endInclusive)
      if required, nodes.isEmpty { throw .selectorMatchedNothing(selector: selector) }
      return nodes
    }
  }

  /// Sorts nodes in document order and drops those inside another node of the list.
  static func topmost(inDocumentOrder nodes: [xmlNodePtr]) -> [xmlNodePtr] {
    guard nodes.count > 1 else { return nodes }
    let set = Set(nodes)
    var kept: [xmlNodePtr] = []
    for node in nodes {
      var ancestor = node.pointee.parent
      var nested = false
      while let current = ancestor {
        if set.contains(current) {
          nested = true
          break
        }
        ancestor = current.pointee.parent
      }
      if !nested, !kept.contains(node) { kept.append(node) }
    }
    return kept.sorted { xmlXPathCmpNodes($0, $1) == 1 }
  }
}

/// The nodes fully inside a DOM range, topmost first, in document order.
///
/// Every node gets two positions from one pre-order walk (entering and leaving it). A boundary "before X" lies
/// just before entering X, "after X" just after leaving it. A node is inside the range when it is entered after
/// the start and left before the end; partly covered nodes are descended into.
enum RangeCollector {
  static func nodes(
    in document: xmlDocPtr, start: xmlNodePtr, startInclusive: Bool, end: xmlNodePtr, endInclusive: Bool
  ) -> [xmlNodePtr] {
    guard let root = xmlDocGetRootElement(document) else { return [] }
    var enter: [xmlNodePtr: Int] = [:]
    var leave: [xmlNodePtr: Int] = [:]
    var counter = 0
    // Iterative pre-order walk with explicit enter/leave events.
    var stack: [(xmlNodePtr, Bool)] = [(root, false)]
    while let (node, leaving) = stack.popLast() {
      counter += 2
      if leaving {
        leave[node] = counter
        continue
      }
      enter[node] = counter
      stack.append((node, true))
      var children: [xmlNodePtr] = []
      var child = node.pointee.children
      while let current = child {
        children.append(current)
        child = current.pointee.next
      }
      for current in children.reversed() { stack.append((current, false)) }
    }
    guard let startEnter = enter[start], let startLeave = leave[start], let endEnter = enter[end],
      let endLeave = leave[end]
    else { return [] }
    let low = startInclusive ? startEnter - 1 : startLeave + 1
    let high = endInclusive ? endLeave + 1 : endEnter - 1
    guard low < high else { return [] }
    var result: [xmlNodePtr] = []
    var pending: [xmlNodePtr] = [root]
    while let node = pending.popLast() {
      guard let nodeEnter = enter[node], let nodeLeave = leave[node] else { continue }
      if nodeEnter > low && nodeLeave < high {
        result.append(node)
      } else if nodeEnter < high && nodeLeave > low {
        var children: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
          children.append(current)
          child = current.pointee.next
        }
        pending.append(contentsOf: children.reversed())
      }
    }
    return result
  }
}

extension HTMLDocument {
  /// Parses bytes already decoded to UTF-8, ignoring the document's own charset declarations.
  convenience init(utf8 bytes: [UInt8]) throws(HTMLError) {
    try self.init(bytes: bytes, encoding: "UTF-8", url: nil, ignoreDeclaredEncoding: true)
  }
}

extension ExtractionRule {
  /// A rule from an XPath expression.
  public static func xpath(_ expression: String) -> ExtractionRule { .nodes(xpath: expression, selector: expression) }

  /// A rule from a CSS selector.
  public static func css(_ selector: String) throws(CSSSelectorError) -> ExtractionRule {
    .nodes(xpath: try CSSSelector.xpath(for: selector), selector: selector)
  }

  /// A rule from a declaration's selector (a CSS selector or a range).
  public init(_ spec: SelectorSpec) throws(CSSSelectorError) {
    switch spec {
    case .css(let selector):
      self = try .css(selector)
    case .range(let range):
      let startBefore: Bool
      let endBefore: Bool
      if case .before = range.start { startBefore = true } else { startBefore = false }
      if case .before = range.end { endBefore = true } else { endBefore = false }
      let name =
        "{\(startBefore ? "startBefore" : "startAfter"): \(range.start.selector), "
        + "\(endBefore ? "endBefore" : "endAfter"): \(range.end.selector)}"
      self = .range(
        start: try CSSSelector.xpath(for: range.start.selector), startInclusive: startBefore,
        end: try CSSSelector.xpath(for: range.end.selector), endInclusive: !endBefore, selector: name)
    }
  }
}
