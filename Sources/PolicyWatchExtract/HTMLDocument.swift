internal import CLibXML2
internal import CLibXML2Shims
import Foundation

/// Errors from libxml2, turned into Swift values in one place (`HTMLDocument`).
public enum HTMLError: Error, Sendable, Equatable, CustomStringConvertible {
  /// libxml2 could not build a document at all (empty input, out of memory).
  case unparsable(reason: String)
  /// An XPath expression did not compile or evaluate; `code` is libxml2's `xmlParserErrors` value.
  case xpath(expression: String, code: Int, message: String)
  /// The expression evaluated to something other than a node set where nodes were asked for.
  case notANodeSet(expression: String)

  public var description: String {
    switch self {
    case .unparsable(let reason): "could not parse the HTML: \(reason)"
    case .xpath(let expression, let code, let message): "XPath error \(code) in \(expression): \(message)"
    case .notANodeSet(let expression): "XPath \(expression) does not select nodes"
    }
  }
}

/// An HTML document parsed by libxml2. It owns its `xmlDoc`, freed exactly once in `deinit`; node pointers
/// never leave this module, and callers get Swift values (`HTMLNode` wraps a pointer that is only valid while
/// its document lives, and keeps the document alive).
///
/// The tree is built in an arena of its own (`pw_xml_arena`, see pw_xml.h): its nodes and strings cost one
/// bump each, and `deinit` returns them whole instead of one `free` per block. So the tree is only read, or has
/// nodes unlinked (`PageExtractor`'s remove rules); nothing is ever added to it.
public final class HTMLDocument {
  let pointer: xmlDocPtr
  private let arena: OpaquePointer?

  /// Parses `bytes` with recovery, no network access and no entity loading.
  /// - Parameter encoding: an IANA charset name libxml2 should decode with, or nil to let libxml2 sniff
  ///   (BOM, `<meta charset>`).
  /// - Parameter ignoreDeclaredEncoding: ignore `<meta charset>` (for bytes already decoded to `encoding`).
  public init(bytes: [UInt8], encoding: String? = nil, url: String? = nil, ignoreDeclaredEncoding: Bool = false)
    throws(HTMLError)
  {
    HTMLDocument.prepare()
    var options = Int32(
      HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
        | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue)
    // Without XML_PARSE_HUGE libxml2 stops at 256 levels of nesting and drops the rest of the page silently;
    // PolicyWatch walks trees iteratively, so depth is no danger, and a lost clause would be.
    options |= Int32(XML_PARSE_HUGE.rawValue)
    if ignoreDeclaredEncoding { options |= Int32(HTML_PARSE_IGNORE_ENC.rawValue) }
    // An empty buffer makes libxml2 return NULL; parse a blank document instead so callers get a document.
    let input = bytes.isEmpty ? Array("<html></html>".utf8) : bytes
    let arena = pw_xml_arena_new()
    pw_xml_arena_begin(arena)
    let document: xmlDocPtr? = input.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        htmlReadMemory(chars.baseAddress, Int32(chars.count), url, encoding, options)
      }
    }
    // The thread's copy of the last parse error lives in the arena too: drop it before the arena can go.
    xmlResetLastError()
    pw_xml_arena_end()
    guard let document else {
      pw_xml_arena_free_doc(arena, nil)
      throw .unparsable(reason: "libxml2 returned no document")
    }
    pointer = document
    self.arena = arena
  }

  deinit {
    pw_xml_arena_free_doc(arena, pointer)
  }

  /// Whether the whole tree lives in the document's arena (false without arenas, or for a page with blocks too
  /// large for one, whose tree is then freed node by node).
  var treeIsInArena: Bool { pw_xml_arena_self_contained(arena) != 0 }

  /// Chunks held by the arenas of live documents, process-wide.
  static var arenaChunksInUse: Int { Int(pw_xml_arena_chunks_in_use()) }

  /// libxml2's global set-up, once per process; and silent error handlers for the calling thread.
  static func prepare() {
    _ = initialized
    pw_xml_silence_thread_errors()
  }

  private static let initialized: Bool = {
    // Before any other libxml2 call. POLICYWATCH_XML_ARENA=0 keeps libxml2 on malloc (for valgrind or ASan,
    // which cannot see inside an arena).
    if ProcessInfo.processInfo.environment["POLICYWATCH_XML_ARENA"] != "0" { _ = pw_xml_arena_install() }
    xmlInitParser()
    return true
  }()

  /// The root element (`<html>`), if any.
  public var root: HTMLNode? {
    xmlDocGetRootElement(pointer).map { HTMLNode(pointer: $0, document: self) }
  }

  /// The encoding libxml2 decoded the input with, as it names it.
  public var encoding: String? {
    pointer.pointee.encoding.map { String(cString: $0) }
  }

  /// Evaluates an XPath 1.0 expression and returns the nodes it selects, in document order.
  /// Errors (syntax, unknown functions) are thrown, never printed.
  public func select(xpath expression: String, from context: HTMLNode? = nil) throws(HTMLError) -> [HTMLNode] {
    try withXPath(expression, from: context) { object throws(HTMLError) -> [HTMLNode] in
      guard object.pointee.type == XPATH_NODESET else { throw .notANodeSet(expression: expression) }
      guard let set = object.pointee.nodesetval else { return [] }
      let count = Int(set.pointee.nodeNr)
      return (0..<count).compactMap { index in
        set.pointee.nodeTab[index].map { HTMLNode(pointer: $0, document: self) }
      }
    }
  }

  /// Evaluates an XPath expression to a number, a string or a boolean (as a string).
  public func evaluate(xpath expression: String, from context: HTMLNode? = nil) throws(HTMLError) -> String {
    try withXPath(expression, from: context) { object throws(HTMLError) -> String in
      guard let string = xmlXPathCastToString(object) else { return "" }
      defer { pw_xml_free(string) }
      return String(cString: string)
    }
  }

  private func withXPath<T>(
    _ expression: String, from context: HTMLNode?, _ body: (xmlXPathObjectPtr) throws(HTMLError) -> T
  ) throws(HTMLError) -> T {
    HTMLDocument.prepare()
    var sink = pw_xpath_error()
    return try withUnsafeMutablePointer(to: &sink) { sinkPointer throws(HTMLError) -> T in
      guard let xpathContext = pw_xpath_context_new(pointer, sinkPointer) else {
        throw .xpath(expression: expression, code: -1, message: "could not create an XPath context")
      }
      defer { xmlXPathFreeContext(xpathContext) }
      if let context { xpathContext.pointee.node = context.pointer }
      let object = xmlXPathEvalExpression(expression, xpathContext)
      defer { if let object { xmlXPathFreeObject(object) } }
      guard let object, sinkPointer.pointee.recorded == 0 else {
        let message = withUnsafeBytes(of: sinkPointer.pointee.message) { raw in
          String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        throw .xpath(
          expression: expression, code: Int(sinkPointer.pointee.code),
          message: message.isEmpty ? "invalid expression" : message)
      }
      return try body(object)
    }
  }

  /// Serialises the document back to HTML (used to debug selectors).
  public func html() -> String {
    var buffer: UnsafeMutablePointer<xmlChar>? = nil
    var size: Int32 = 0
    htmlDocDumpMemory(pointer, &buffer, &size)
    guard let buffer else { return "" }
    defer { pw_xml_free(buffer) }
    return String(decoding: UnsafeBufferPointer(start: buffer, count: Int(size)), as: UTF8.self)
  }
}

/// The kinds of node PolicyWatch reads.
public enum HTMLNodeKind: Sendable, Equatable {
  case element, text, comment, other
}

/// A node of an `HTMLDocument`. Keeps its document alive; valid until the node is unlinked.
public struct HTMLNode {
  let pointer: xmlNodePtr
  let document: HTMLDocument

  public var kind: HTMLNodeKind {
    switch pointer.pointee.type {
    case XML_ELEMENT_NODE: .element
    case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: .text
    case XML_COMMENT_NODE: .comment
    default: .other
    }
  }

  /// The element name, lowercased (HTML names are case-insensitive).
  public var name: String {
    pointer.pointee.name.map { String(cString: $0).lowercased() } ?? ""
  }

  /// The node's own text content for text nodes; all descendant text for elements.
  public var text: String {
    guard let content = xmlNodeGetContent(pointer) else { return "" }
    defer { pw_xml_free(content) }
    return String(cString: content)
  }

  /// The value of the attribute `name` of this element, or nil when it has none.
  public func attribute(_ name: String) -> String? {
    guard let value = xmlGetProp(pointer, name) else { return nil }
    defer { pw_xml_free(value) }
    return String(cString: value)
  }

  public var children: [HTMLNode] {
    var nodes: [HTMLNode] = []
    var child = pointer.pointee.children
    while let node = child {
      nodes.append(HTMLNode(pointer: node, document: document))
      child = node.pointee.next
    }
    return nodes
  }

  public var parent: HTMLNode? {
    pointer.pointee.parent.flatMap { parent in
      parent.pointee.type == XML_ELEMENT_NODE ? HTMLNode(pointer: parent, document: document) : nil
    }
  }
}
