internal import CLibXML2
internal import CLibXML2Shims
import Foundation
import PolicyWatchCSS
import PolicyWatchText

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

extension ElementRole {
  /// The role of a libxml2 element name, read from its bytes.
  ///
  /// libxml2's HTML parser does not intern element names (each node owns a copy), so a cache keyed by name pointer
  /// never hits; building a Swift `String` per element is what the profile showed instead. Names of up to 8 bytes
  /// (all but a few) are packed, lowercased, into a `UInt64` and looked up in a table; longer ones take the
  /// `String` path.
  static func of(cName name: UnsafePointer<xmlChar>) -> ElementRole {
    var packed: UInt64 = 0
    var length = 0
    while name[length] != 0 {
      if length == 8 { return of(name: String(cString: name).lowercased()) }
      var byte = name[length]
      if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
      packed |= UInt64(byte) << (8 * UInt64(length))
      length += 1
    }
    return packedRoles[packed] ?? .inline
  }

  static func pack(_ name: String) -> UInt64 {
    var packed: UInt64 = 0
    for (index, byte) in name.utf8.prefix(8).enumerated() { packed |= UInt64(byte) << (8 * UInt64(index)) }
    return packed
  }

  /// Every name of at most 8 bytes whose role is not `.inline`.
  static let packedRoles: [UInt64: ElementRole] = {
    let names = [
      "script", "style", "noscript", "template", "svg", "head", "meta", "link", "iframe", "object", "embed",
      "canvas", "select", "input", "textarea", "audio", "video", "map", "frameset", "frame", "math", "dialog", "h1",
      "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "p", "div", "section", "article", "main", "header", "footer",
      "nav", "aside", "address", "figure", "form", "fieldset", "details", "summary", "hgroup", "center", "caption",
      "legend", "body", "html", "td", "th", "option", "search", "ul", "ol", "menu", "table", "thead", "tbody",
      "tfoot", "dl", "colgroup", "tr", "pre", "listing", "xmp", "br", "hr", "a",
    ]
    var table: [UInt64: ElementRole] = [:]
    for name in names where name.utf8.count <= 8 { table[pack(name)] = of(name: name) }
    return table
  }()
}

/// Cuts the visible text of DOM subtrees into clauses. One pass, iterative (an explicit stack, no recursion).
///
/// Pages built from inline elements that CSS shows as blocks (`<span>`s with atomic class names, no `<p>` per
/// paragraph) would make one clause of a whole document. Blocks are found another way there: an inline element
/// whose inline style says `display:block` (or flex, grid, list-item, table) is a block; the inline children of a
/// block are blocks each when there are at least three, no text stands between them, and at least two of them
/// (and a third of all) end a sentence; two or more `<br>` in a row end a clause. Failing all that, a clause longer
/// than `longClauseBytes` is cut into its sentences (same kind, level and section path), so that a diff and the
/// data-use report name the sentence that changed.
package struct ClauseBuilder {
  private(set) var clauses: [Clause] = []
  let source: String?
  /// Block elements whose inline children are each a block (see the type's description).
  private var inlineBlockParents: Set<xmlNodePtr> = []
  static let longClauseBytes = 3_000

  /// Open headings, outermost first.
  private var sections: [(level: Int, text: String)] = [] {
    // Every clause carries the texts of the open headings: kept as one array that the clauses share, instead of
    // a new one per clause.
    didSet { sectionTexts = sections.map(\.text) }
  }
  private var sectionTexts: [String] = []

  /// Text is gathered as UTF-8 bytes straight from libxml2's nodes and turned into a `String` once per clause, by
  /// `collapse`: appending a `String` per text node (validation, then scalar-by-scalar collapsing) was most of the
  /// walk's time.
  private struct Block {
    var kind: ClauseKind
    var level: Int
    var buffer: [UInt8] = []
    var links: [ClauseLink] = []
    /// Bumped on every flush, so a link that spans a flush is not attached to the wrong clause.
    var generation = 0
  }

  private var blocks: [Block] = [Block(kind: .paragraph, level: 0)]
  private var listDepth = 0

  /// The marker for a `<br>` inside buffered text (NUL never occurs in libxml2 text).
  static let lineBreak: UInt8 = 0

  init(source: String?) {
    self.source = source
  }

  private enum Event {
    case enter(xmlNodePtr)
    case leaveBlock
    case leaveList
    case leaveLink(href: String, depth: Int, generation: Int, start: Int)
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
        guard start <= blocks[depth - 1].buffer.count else { continue }
        let text = ClauseBuilder.collapse(bytes: blocks[depth - 1].buffer[start...])
        blocks[depth - 1].links.append(ClauseLink(text: text, target: href))
      case .enter(let node):
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
          if let content = node.pointee.content {
            let bytes = UnsafeBufferPointer(start: content, count: strlen(content))
            blocks[blocks.count - 1].buffer.append(contentsOf: bytes)
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
    var role = role(of: node)
    switch ClauseBuilder.display(node) {
    case .hidden: return
    case .block:
      if role == .inline || role == .link { role = .block(.paragraph) }
    case .asIs:
      if role == .inline || role == .link, let parent = node.pointee.parent, inlineBlockParents.contains(parent) {
        role = .block(.paragraph)
      }
    }
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
      let text = ClauseBuilder.collapse(bytes: flattenedText(node, links: &links)[...])
      guard !text.isEmpty else { return }
      let level = ClauseBuilder.ariaLevel(node) ?? tagLevel
      while let last = sections.last, last.level >= level { sections.removeLast() }
      emit(
        Clause(kind: .heading, text: text, section: sectionTexts, level: level, links: links, source: source))
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
        cells.append(ClauseBuilder.collapse(bytes: flattenedText(cell, links: &links)[...], lineSeparator: " "))
      }
      while let last = cells.last, last.isEmpty { cells.removeLast() }
      guard cells.contains(where: { !$0.isEmpty }) else { return }
      emit(
        Clause(
          kind: .tableRow, text: cells.joined(separator: " | "), section: sectionTexts, links: links,
          source: source))
      return
    case .preformatted:
      flush()
      var links: [ClauseLink] = []
      let raw = flattenedText(node, links: &links, preserveWhitespace: true)
      let text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .newlines)
      guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
      emit(Clause(kind: .preformatted, text: text, section: sectionTexts, links: links, source: source))
      return
    case .link:
      if let href = ClauseBuilder.attribute(node, "href") {
        let depth = blocks.count
        stack.append(
          .leaveLink(
            href: href, depth: depth, generation: blocks[depth - 1].generation,
            start: blocks[depth - 1].buffer.count))
      }
    case .block(let kind):
      flush()
      let level = kind == .listItem ? max(1, listDepth) : 0
      blocks.append(Block(kind: kind, level: level))
      stack.append(.leaveBlock)
      if let parent = ClauseBuilder.inlineBlockParent(node) { inlineBlockParents.insert(parent) }
    case .list:
      flush()
      listDepth += 1
      stack.append(.leaveList)
    case .container:
      flush()
    case .inline:
      break
    }
    if case .inline = role, node.pointee.properties != nil, ClauseBuilder.attribute(node, "role") == "heading" {
      // role="heading" on a non-heading element: treat it as a heading of its aria-level (default 2).
      flush()
      var links: [ClauseLink] = []
      let text = ClauseBuilder.collapse(bytes: flattenedText(node, links: &links)[...])
      guard !text.isEmpty else { return }
      let level = ClauseBuilder.ariaLevel(node) ?? 2
      while let last = sections.last, last.level >= level { sections.removeLast() }
      emit(
        Clause(kind: .heading, text: text, section: sectionTexts, level: level, links: links, source: source))
      sections.append((level, text))
      return
    }
    // Children are pushed last first (libxml2 links `last`/`prev`), so they pop in document order; no array.
    var child = node.pointee.last
    while let current = child {
      stack.append(.enter(current))
      child = current.pointee.prev
    }
  }

  /// A `role="heading"` block element is a heading too.
  private func role(of node: xmlNodePtr) -> ElementRole {
    guard let name = node.pointee.name else { return .inline }
    var role = ElementRole.of(cName: name)
    if case .block = role, node.pointee.properties != nil, ClauseBuilder.attribute(node, "role") == "heading" {
      role = .heading(ClauseBuilder.ariaLevel(node) ?? 2)
    }
    return role
  }

  /// The text of a subtree as one run (headings, table cells, `pre`). Iterative.
  private func flattenedText(_ root: xmlNodePtr, links: inout [ClauseLink], preserveWhitespace: Bool = false)
    -> [UInt8]
  {
    var text: [UInt8] = []
    var stack: [(xmlNodePtr, Int?, String?)] = []
    var child = root.pointee.last
    while let current = child {
      stack.append((current, nil, nil))
      child = current.pointee.prev
    }
    while let (node, linkStart, href) = stack.popLast() {
      if let linkStart, let href {
        // The end marker of a link.
        links.append(ClauseLink(text: ClauseBuilder.collapse(bytes: text[linkStart...]), target: href))
        continue
      }
      switch node.pointee.type {
      case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        if let content = node.pointee.content {
          text.append(contentsOf: UnsafeBufferPointer(start: content, count: strlen(content)))
        }
      case XML_ELEMENT_NODE:
        if ClauseBuilder.isHidden(node) { continue }
        let role = role(of: node)
        switch role {
        case .skip: continue
        case .lineBreak:
          text.append(preserveWhitespace ? UInt8(ascii: "\n") : ClauseBuilder.lineBreak)
          continue
        case .inline, .link: break
        default:
          if !preserveWhitespace { text.append(UInt8(ascii: " ")) }
        }
        if role == .link, let target = ClauseBuilder.attribute(node, "href") {
          stack.append((node, text.count, target))
        }
        var next = node.pointee.last
        while let current = next {
          stack.append((current, nil, nil))
          next = current.pointee.prev
        }
      default:
        break
      }
    }
    return text
  }

  private mutating func flush() {
    let index = blocks.count - 1
    // Most blocks hold one paragraph of ordinary length: made into a clause without cutting anything.
    if !ClauseBuilder.hasLineBreak(blocks[index].buffer) {
      // Collapse before emptying the buffer: emptying a buffer that a copy still shares would allocate a new one.
      let text = ClauseBuilder.collapse(bytes: blocks[index].buffer[...])
      if text.utf8.count <= ClauseBuilder.longClauseBytes {
        let links = blocks[index].links
        blocks[index].buffer.removeAll(keepingCapacity: true)
        blocks[index].links = []
        blocks[index].generation += 1
        guard !text.isEmpty else { return }
        emit(
          Clause(
            kind: blocks[index].kind, text: text, section: sectionTexts, level: blocks[index].level,
            links: links, source: source))
        return
      }
    }
    let pieces = ClauseBuilder.paragraphs(blocks[index].buffer)
    let links = blocks[index].links
    blocks[index].buffer.removeAll(keepingCapacity: true)
    blocks[index].links = []
    blocks[index].generation += 1
    for piece in pieces {
      let text = ClauseBuilder.collapse(bytes: piece)
      guard !text.isEmpty else { continue }
      let kind = blocks[index].kind
      if text.utf8.count > ClauseBuilder.longClauseBytes, kind != .preformatted {
        for sentence in ClauseBuilder.sentences(text) {
          emit(
            Clause(
              kind: kind, text: sentence, section: sectionTexts, level: blocks[index].level,
              links: links.filter { sentence.contains($0.text) }, source: source))
        }
        continue
      }
      emit(
        Clause(
          kind: kind, text: text, section: sectionTexts, level: blocks[index].level,
          links: pieces.count == 1 ? links : links.filter { text.contains($0.text) }, source: source))
    }
  }

  static func hasLineBreak(_ buffer: [UInt8]) -> Bool {
    buffer.withUnsafeBufferPointer { bytes in
      bytes.baseAddress.map { memchr($0, Int32(lineBreak), bytes.count) != nil } ?? false
    }
  }

  /// The buffer cut at runs of two or more `<br>` (only blanks between them): each run ends a paragraph.
  static func paragraphs(_ buffer: [UInt8]) -> [ArraySlice<UInt8>] {
    guard hasLineBreak(buffer) else { return [buffer[...]] }
    var pieces: [ArraySlice<UInt8>] = []
    var start = 0
    var index = 0
    while index < buffer.count {
      guard buffer[index] == lineBreak else {
        index += 1
        continue
      }
      // Count the breaks of this run, skipping blanks between them.
      var end = index + 1
      var breaks = 1
      var scan = end
      while scan < buffer.count,
        buffer[scan] == 0x20 || buffer[scan] == 0x0A || buffer[scan] == 0x09
          || buffer[scan] == 0x0D || buffer[scan] == lineBreak
      {
        if buffer[scan] == lineBreak {
          breaks += 1
          end = scan + 1
        }
        scan += 1
      }
      if breaks >= 2 {
        pieces.append(buffer[start..<index])
        start = end
      }
      index = end
    }
    pieces.append(buffer[start...])
    return pieces
  }

  /// A long text cut into sentences: after ".", "!" or "?" (and any closing quotes or brackets) followed by a
  /// space and a capital letter, a digit or an opening quote or bracket; and at line breaks.
  static func sentences(_ text: String) -> [String] {
    let scalars = Array(text.unicodeScalars)
    var sentences: [String] = []
    var current = String.UnicodeScalarView()
    var index = 0
    func finish() {
      let sentence = String(current).trimmingCharacters(in: .whitespaces)
      if !sentence.isEmpty { sentences.append(sentence) }
      current = String.UnicodeScalarView()
    }
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar == "\n" {
        finish()
        index += 1
        continue
      }
      current.append(scalar)
      index += 1
      guard scalar == "." || scalar == "!" || scalar == "?" || scalar == "\u{3002}" else { continue }
      while index < scalars.count, "\"')]\u{201D}\u{2019}".unicodeScalars.contains(scalars[index]) {
        current.append(scalars[index])
        index += 1
      }
      guard index + 1 < scalars.count, scalars[index] == " " else { continue }
      let next = scalars[index + 1]
      if next.properties.isUppercase || ("0"..."9").contains(next)
        || "\"'(\u{201C}\u{2018}".unicodeScalars.contains(next)
      {
        finish()
      }
    }
    finish()
    return sentences
  }

  private mutating func emit(_ clause: Clause) {
    guard !clause.key.isEmpty else { return }
    clauses.append(clause)
  }

  // MARK: - Text and attributes

  /// Collapses whitespace as a browser renders it: runs of spaces, tabs, newlines and no-break spaces become one
  /// space; `<br>` markers (NUL) become line breaks; lines are trimmed and empty lines dropped.
  static func collapse(_ raw: String, lineSeparator: String = "\n") -> String {
    collapse(bytes: Array(raw.utf8)[...], lineSeparator: lineSeparator)
  }

  /// `collapse` over UTF-8 bytes, in one pass: ASCII bytes are handled directly; a multi-byte sequence is decoded
  /// only to ask whether it is a Unicode space. Invalid sequences are repaired by the final `String(decoding:)`.
  static func collapse(bytes raw: ArraySlice<UInt8>, lineSeparator: String = "\n") -> String {
    let separator = Array(lineSeparator.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    raw.withUnsafeBufferPointer { input in
      var lineIsEmpty = true
      var pendingSpace = false
      var pendingSeparator = false
      var index = 0
      let end = input.count
      while index < end {
        if input[index] == lineBreak {
          if !lineIsEmpty { pendingSeparator = true }
          lineIsEmpty = true
          pendingSpace = false
          index += 1
          continue
        }
        // A run of ASCII that holds no space or control byte is copied whole (most of a clause); any other
        // character is decoded, to ask whether it is a Unicode space.
        var next = index
        while next < end, input[next] > 0x20, input[next] < 0x80 { next += 1 }
        if next == index {
          let (value, length) = UTF8Sequence.decode(input, at: index)
          next = index + length
          if TextNormalization.isDroppedFromDisplay(value) {
            index = next
            continue
          }
          // A lone byte beyond ASCII (invalid UTF-8) is never a space.
          if (length > 1 || value < 0x80) && TextNormalization.isSpace(value) {
            pendingSpace = !lineIsEmpty
            index = next
            continue
          }
        }
        if pendingSeparator {
          out.append(contentsOf: separator)
          pendingSeparator = false
        } else if pendingSpace {
          out.append(0x20)
        }
        pendingSpace = false
        lineIsEmpty = false
        out.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<next]))
        index = next
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
    // `ScriptStripper` cuts every other attribute before the parse (unless a rule names it).
    assert(AttributePruning.readByExtraction.contains(name), "\(name) is read but not in readByExtraction")
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

  /// How an element's own attributes say it is shown.
  enum Display { case hidden, block, asIs }

  /// What a browser does not show (the `hidden` attribute, inline `display:none` or `visibility:hidden`), or shows
  /// as a block (inline `display:block`, `flex`, `grid`, `list-item`, `table`). One pass over the attributes,
  /// comparing bytes (this runs for every element).
  static func display(_ node: xmlNodePtr) -> Display {
    var attribute = node.pointee.properties
    var shown = Display.asIs
    while let current = attribute {
      attribute = current.pointee.next
      guard let name = current.pointee.name else { continue }
      let first = name[0] | 0x20
      let cName = UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)
      if first == UInt8(ascii: "h"), strcasecmp(cName, "hidden") == 0 { return .hidden }
      if first == UInt8(ascii: "s"), strcasecmp(cName, "style") == 0,
        let value = current.pointee.children, let content = value.pointee.content
      {
        switch styleDisplay(UnsafeBufferPointer(start: content, count: strlen(content))) {
        case .hidden: return .hidden
        case .block: shown = .block
        case .asIs: break
        }
      }
    }
    return shown
  }

  static func isHidden(_ node: xmlNodePtr) -> Bool { display(node) == .hidden }

  /// Whether an inline style matters to the extraction (it hides its element or shows it as a block):
  /// `ScriptStripper` keeps such styles and cuts the others.
  static func styleMatters(_ style: UnsafeBufferPointer<UInt8>) -> Bool { styleDisplay(style) != .asIs }

  /// The block (or inline) element whose inline children are each a block, when `block`'s children (or those of
  /// its only inline child, down to three levels) look like paragraphs drawn by CSS: at least three inline
  /// elements, no text between them but blanks, and at least two of them, and a third of all, ending a sentence.
  static func inlineBlockParent(_ block: xmlNodePtr) -> xmlNodePtr? {
    var parent = block
    for _ in 0..<3 {
      // First the shape (cheap, and most blocks fail it at once), then the sentence ends.
      var inline = 0
      var only: xmlNodePtr? = nil
      var child = parent.pointee.children
      while let node = child {
        child = node.pointee.next
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
          if let content = node.pointee.content, !isBlank(content) { return nil }
        case XML_ELEMENT_NODE:
          guard let name = node.pointee.name else { continue }
          switch ElementRole.of(cName: name) {
          case .inline, .link:
            inline += 1
            only = node
          case .lineBreak, .skip: continue
          default: return nil
          }
        default: continue
        }
      }
      if inline >= 3 {
        var sentences = 0
        var node = parent.pointee.children
        while let current = node {
          node = current.pointee.next
          guard current.pointee.type == XML_ELEMENT_NODE, let name = current.pointee.name else { continue }
          let role = ElementRole.of(cName: name)
          if role == .inline || role == .link, endsSentence(current) { sentences += 1 }
        }
        return sentences >= 2 && sentences * 3 >= inline ? parent : nil
      }
      guard inline == 1, let wrapper = only else { return nil }
      parent = wrapper
    }
    return nil
  }

  /// Whether a text holds only blanks.
  static func isBlank(_ text: UnsafePointer<xmlChar>) -> Bool {
    var index = 0
    while text[index] != 0 {
      let byte = text[index]
      if byte != 0x20 && byte != 0x0A && byte != 0x09 && byte != 0x0D { return false }
      index += 1
    }
    return true
  }

  /// Whether the last text in an element ends a sentence (".", "!", "?", ":" or ";", before closing quotes or
  /// brackets). Follows last children down, skipping blank texts; bounded.
  static func endsSentence(_ element: xmlNodePtr) -> Bool {
    var node: xmlNodePtr? = element.pointee.last
    var steps = 0
    while let current = node, steps < 64 {
      steps += 1
      switch current.pointee.type {
      case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        if let content = current.pointee.content {
          var end = strlen(content)
          while end > 0 {
            let byte = content[end - 1]
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x22 || byte == 0x27
              || byte == 0x29 || byte == 0x5D
            {
              end -= 1
              continue
            }
            return byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x3A || byte == 0x3B
          }
        }
        node = current.pointee.prev
      case XML_ELEMENT_NODE:
        node = current.pointee.last ?? current.pointee.prev
      default:
        node = current.pointee.prev
      }
    }
    return false
  }

  /// `display` of an inline style's value (case and blanks ignored): hidden by `display:none` or
  /// `visibility:hidden`, a block by `display:block`, `flex`, `grid`, `list-item` or `table` (each also as the start
  /// of a longer value). One pass over the value (`ScriptStripper` asks it of every style attribute of a page).
  static func styleDisplay(_ style: UnsafeBufferPointer<UInt8>) -> Display {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, style.count)) { compact in
      var count = 0
      for var byte in style {
        if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { continue }
        if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
        compact[count] = byte
        count += 1
      }
      func matches(_ word: StaticString, at index: Int) -> Bool {
        let length = word.utf8CodeUnitCount
        guard index + length <= count else { return false }
        let pointer = word.utf8Start
        for offset in 0..<length where compact[index + offset] != pointer[offset] { return false }
        return true
      }
      var shown = Display.asIs
      var index = 0
      while index < count {
        if compact[index] == UInt8(ascii: "d"), matches("display:", at: index) {
          let value = index + 8
          if matches("none", at: value) { return .hidden }
          if matches("block", at: value) || matches("flex", at: value) || matches("grid", at: value)
            || matches("list-item", at: value) || matches("table", at: value)
          {
            shown = .block
          }
        } else if compact[index] == UInt8(ascii: "v"), matches("visibility:hidden", at: index) {
          return .hidden
        }
        index += 1
      }
      return shown
    }
  }

  /// Whether a selected node sits inside something a browser does not show.
  static func isHiddenByAncestor(_ node: xmlNodePtr) -> Bool {
    var current: xmlNodePtr? = node
    while let element = current, element.pointee.type == XML_ELEMENT_NODE {
      if isHidden(element) { return true }
      if let name = element.pointee.name, ElementRole.of(cName: name) == .skip {
        return true
      }
      current = element.pointee.parent
    }
    return false
  }
}
