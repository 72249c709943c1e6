internal import CLibXML2
internal import CPolicyWatchShims
import Foundation

/// How the clause builder treats an element.
enum ElementRole: Equatable {
  /// Not shown by a browser (script, style…): skipped with everything inside.
  case skip
  case heading(Int)
  /// A block whose own text forms paragraph-like clauses of `kind`.
  case block(ClauseKind)
  /// `ul`, `ol`, `menu`: nested lists deepen list items.
  case list
  /// `table`, `thead`, `tbody`, `tfoot`, `dl`: block boundaries without text of their own.
  case container
  case row
  case preformatted
  case lineBreak
  case rule
  case link
  case inline

  static func of(name: String) -> ElementRole {
    switch name {
    case "script", "style", "noscript", "template", "svg", "head", "meta", "link", "iframe", "object", "embed",
      "canvas", "select", "input", "textarea", "audio", "video", "map", "frameset", "frame", "math", "dialog":
      .skip
    case "h1": .heading(1)
    case "h2": .heading(2)
    case "h3": .heading(3)
    case "h4": .heading(4)
    case "h5": .heading(5)
    case "h6": .heading(6)
    case "li": .block(.listItem)
    case "dt": .block(.term)
    case "dd": .block(.definition)
    case "blockquote": .block(.quote)
    case "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "address", "figure",
      "figcaption", "form", "fieldset", "details", "summary", "hgroup", "center", "caption", "legend", "body",
      "html", "td", "th", "option", "search":
      .block(.paragraph)
    case "ul", "ol", "menu": .list
    case "table", "thead", "tbody", "tfoot", "dl", "colgroup": .container
    case "tr": .row
    case "pre", "listing", "xmp", "plaintext": .preformatted
    case "br": .lineBreak
    case "hr": .rule
    case "a": .link
    default: .inline
    }
  }
}

/// Cuts the visible text of DOM subtrees into clauses. One pass, iterative (an explicit stack, no recursion).
struct ClauseBuilder {
  private(set) var clauses: [Clause] = []
  let source: String?

  /// Open headings, outermost first.
  private var sections: [(level: Int, text: String)] = []

  private struct Block {
    var kind: ClauseKind
    var level: Int
    var buffer = ""
    var links: [ClauseLink] = []
    /// Bumped on every flush, so a link that spans a flush is not attached to the wrong clause.
    var generation = 0
  }

  private var blocks: [Block] = [Block(kind: .paragraph, level: 0)]
  private var listDepth = 0
  /// Element roles by interned name pointer: libxml2's HTML parser interns element names in the document's
  /// dictionary, so a pointer identifies a name for the whole walk.
  private var roles: [UnsafePointer<xmlChar>: ElementRole] = [:]

  /// The marker for a `<br>` inside buffered text (NUL never occurs in libxml2 text).
  static let lineBreak: Character = "\u{0}"

  init(source: String?) {
    self.source = source
  }

  private enum Event {
    case enter(xmlNodePtr)
    case leaveBlock
    case leaveList
    case leaveLink(href: String, depth: Int, generation: Int, start: String.Index)
  }

  mutating func walk(_ root: xmlNodePtr) {
    var stack: [Event] = [.enter(root)]
    while let event = stack.popLast() {
      switch event {
      case .leaveBlock:
        flush()
        if blocks.count > 1 { blocks.removeLast() }
      case .leaveList:
        listDepth -= 1
      case .leaveLink(let href, let depth, let generation, let start):
        guard depth == blocks.count, blocks[depth - 1].generation == generation else { continue }
        let buffer = blocks[depth - 1].buffer
        guard start <= buffer.endIndex else { continue }
        let text = ClauseBuilder.collapse(String(buffer[start...]))
        blocks[depth - 1].links.append(ClauseLink(text: text, target: href))
      case .enter(let node):
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
          if let content = node.pointee.content {
            blocks[blocks.count - 1].buffer += String(cString: content)
          }
        case XML_ELEMENT_NODE:
          enterElement(node, &stack)
        default:
          break  // comments, processing instructions
        }
      }
    }
  }

  /// Closes everything still open. Call once after the last `walk`.
  mutating func finish() {
    while blocks.count > 1 {
      flush()
      blocks.removeLast()
    }
    flush()
  }

  private mutating func enterElement(_ node: xmlNodePtr, _ stack: inout [Event]) {
    if ClauseBuilder.isHidden(node) { return }
    let role = role(of: node)
    switch role {
    case .skip:
      return
    case .lineBreak:
      blocks[blocks.count - 1].buffer.append(ClauseBuilder.lineBreak)
      return
    case .rule:
      flush()
      return
    case .heading(let tagLevel):
      flush()
      var links: [ClauseLink] = []
      let text = ClauseBuilder.collapse(flattenedText(node, links: &links))
      guard !text.isEmpty else { return }
      let level = ClauseBuilder.ariaLevel(node) ?? tagLevel
      while let last = sections.last, last.level >= level { sections.removeLast() }
      emit(
        Clause(kind: .heading, text: text, section: sections.map(\.text), level: level, links: links, source: source))
      sections.append((level, text))
      return
    case .row:
      flush()
      var links: [ClauseLink] = []
      var cells: [String] = []
      var child = node.pointee.children
      while let cell = child {
        child = cell.pointee.next
        guard cell.pointee.type == XML_ELEMENT_NODE, !ClauseBuilder.isHidden(cell) else { continue }
        let name = self.role(of: cell)
        guard name != .skip else { continue }
        cells.append(ClauseBuilder.collapse(flattenedText(cell, links: &links), lineSeparator: " "))
      }
      while let last = cells.last, last.isEmpty { cells.removeLast() }
      guard cells.contains(where: { !$0.isEmpty }) else { return }
      emit(
        Clause(
          kind: .tableRow, text: cells.joined(separator: " | "), section: sections.map(\.text), links: links,
          source: source))
      return
    case .preformatted:
      flush()
      var links: [ClauseLink] = []
      let raw = flattenedText(node, links: &links, preserveWhitespace: true)
      let text = raw.replacingOccurrences(of: String(ClauseBuilder.lineBreak), with: "\n")
        .trimmingCharacters(in: .newlines)
      guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
      emit(Clause(kind: .preformatted, text: text, section: sections.map(\.text), links: links, source: source))
      return
    case .link:
      if let href = ClauseBuilder.attribute(node, "href") {
        let depth = blocks.count
        stack.append(
          .leaveLink(
            href: href, depth: depth, generation: blocks[depth - 1].generation,
            start: blocks[depth - 1].buffer.endIndex))
      }
    case .block(let kind):
      flush()
      let level = kind == .listItem ? max(1, listDepth) : 0
      blocks.append(Block(kind: kind, level: level))
      stack.append(.leaveBlock)
    case .list:
      flush()
      listDepth += 1
      stack.append(.leaveList)
    case .container:
      flush()
    case .inline:
      break
    }
    if let roleAttribute = ClauseBuilder.attribute(node, "role"), roleAttribute == "heading", case .inline = role {
      // role="heading" on a non-heading element: treat it as a heading of its aria-level (default 2).
      flush()
      var links: [ClauseLink] = []
      let text = ClauseBuilder.collapse(flattenedText(node, links: &links))
      guard !text.isEmpty else { return }
      let level = ClauseBuilder.ariaLevel(node) ?? 2
      while let last = sections.last, last.level >= level { sections.removeLast() }
      emit(
        Clause(kind: .heading, text: text, section: sections.map(\.text), level: level, links: links, source: source))
      sections.append((level, text))
      return
    }
    var children: [xmlNodePtr] = []
    var child = node.pointee.children
    while let current = child {
      children.append(current)
      child = current.pointee.next
    }
    for current in children.reversed() { stack.append(.enter(current)) }
  }

  /// A `role="heading"` block element is a heading too.
  private mutating func role(of node: xmlNodePtr) -> ElementRole {
    guard let name = node.pointee.name else { return .inline }
    var role: ElementRole
    if let known = roles[name] {
      role = known
    } else {
      role = ElementRole.of(name: String(cString: name).lowercased())
      roles[name] = role
    }
    if case .block = role, node.pointee.properties != nil, ClauseBuilder.attribute(node, "role") == "heading" {
      role = .heading(ClauseBuilder.ariaLevel(node) ?? 2)
    }
    return role
  }

  /// The text of a subtree as one run (headings, table cells, `pre`). Iterative.
  private mutating func flattenedText(_ root: xmlNodePtr, links: inout [ClauseLink], preserveWhitespace: Bool = false)
    -> String
  {
    var text = ""
    var stack: [(xmlNodePtr, String.Index?, String?)] = []
    var child = root.pointee.children
    var children: [xmlNodePtr] = []
    while let current = child {
      children.append(current)
      child = current.pointee.next
    }
    for current in children.reversed() { stack.append((current, nil, nil)) }
    while let (node, linkStart, href) = stack.popLast() {
      if let linkStart, let href {
        // The end marker of a link.
        links.append(ClauseLink(text: ClauseBuilder.collapse(String(text[linkStart...])), target: href))
        continue
      }
      switch node.pointee.type {
      case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        if let content = node.pointee.content { text += String(cString: content) }
      case XML_ELEMENT_NODE:
        if ClauseBuilder.isHidden(node) { continue }
        let role = role(of: node)
        switch role {
        case .skip: continue
        case .lineBreak:
          text.append(preserveWhitespace ? "\n" : ClauseBuilder.lineBreak)
          continue
        case .inline, .link: break
        default:
          if !preserveWhitespace { text += " " }
        }
        if role == .link, let target = ClauseBuilder.attribute(node, "href") {
          stack.append((node, text.endIndex, target))
        }
        var grandchildren: [xmlNodePtr] = []
        var next = node.pointee.children
        while let current = next {
          grandchildren.append(current)
          next = current.pointee.next
        }
        for current in grandchildren.reversed() { stack.append((current, nil, nil)) }
      default:
        break
      }
    }
    return text
  }

  private mutating func flush() {
    let index = blocks.count - 1
    let block = blocks[index]
    blocks[index].buffer = ""
    blocks[index].links = []
    blocks[index].generation += 1
    let text = ClauseBuilder.collapse(block.buffer)
    guard !text.isEmpty else { return }
    emit(
      Clause(
        kind: block.kind, text: text, section: sections.map(\.text), level: block.level, links: block.links,
        source: source))
  }

  private mutating func emit(_ clause: Clause) {
    guard !clause.key.isEmpty else { return }
    clauses.append(clause)
  }

  // MARK: - Text and attributes

  /// Collapses whitespace as a browser renders it: runs of spaces, tabs, newlines and no-break spaces become one
  /// space; `<br>` markers become line breaks; lines are trimmed and empty lines dropped.
  static func collapse(_ raw: String, lineSeparator: String = "\n") -> String {
    var lines: [String] = []
    var line = String.UnicodeScalarView()
    var pendingSpace = false
    func endLine() {
      if !line.isEmpty { lines.append(String(line)) }
      line = String.UnicodeScalarView()
      pendingSpace = false
    }
    for scalar in raw.unicodeScalars {
      if scalar == "\u{0}" {
        endLine()
      } else if ClauseBuilder.isCollapsibleSpace(scalar) {
        pendingSpace = !line.isEmpty
      } else {
        if pendingSpace {
          line.append(" ")
          pendingSpace = false
        }
        line.append(scalar)
      }
    }
    endLine()
    return lines.count == 1 ? lines[0] : lines.joined(separator: lineSeparator)
  }

  /// Whitespace a browser collapses, plus the no-break and other Unicode spaces (cheaper than scalar properties).
  @inline(__always)
  static func isCollapsibleSpace(_ scalar: Unicode.Scalar) -> Bool { TextNormalization.isSpace(scalar) }

  static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
    var attribute = node.pointee.properties
    while let current = attribute {
      if let attributeName = current.pointee.name,
        strcasecmp(UnsafeRawPointer(attributeName).assumingMemoryBound(to: CChar.self), name) == 0
      {
        guard let value = current.pointee.children, let content = value.pointee.content else { return "" }
        return String(cString: content)
      }
      attribute = current.pointee.next
    }
    return nil
  }

  static func ariaLevel(_ node: xmlNodePtr) -> Int? {
    guard let value = attribute(node, "aria-level"), let level = Int(value.trimmingCharacters(in: .whitespaces)),
      (1...9).contains(level)
    else { return nil }
    return level
  }

  /// What a browser does not show: the `hidden` attribute, inline `display:none` or `visibility:hidden`.
  static func isHidden(_ node: xmlNodePtr) -> Bool {
    guard node.pointee.properties != nil else { return false }
    if attribute(node, "hidden") != nil { return true }
    if let style = attribute(node, "style") {
      let compact = style.lowercased().filter { !$0.isWhitespace }
      if compact.contains("display:none") || compact.contains("visibility:hidden") { return true }
    }
    return false
  }

  /// Whether a selected node sits inside something a browser does not show.
  static func isHiddenByAncestor(_ node: xmlNodePtr) -> Bool {
    var current: xmlNodePtr? = node
    while let element = current, element.pointee.type == XML_ELEMENT_NODE {
      if isHidden(element) { return true }
      if let name = element.pointee.name, ElementRole.of(name: String(cString: name).lowercased()) == .skip {
        return true
      }
      current = element.pointee.parent
    }
    return false
  }
}
