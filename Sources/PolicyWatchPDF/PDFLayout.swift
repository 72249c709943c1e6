/// One line of text on a PDF page, as poppler lays it out (points, origin at the page's top left).
public struct PDFLine: Sendable, Hashable {
  public var text: String
  public var top: Double
  public var bottom: Double
  public var left: Double
  public var fontSize: Double
  public var bold: Bool

  public init(text: String, top: Double, bottom: Double, left: Double, fontSize: Double, bold: Bool) {
    self.text = text
    self.top = top
    self.bottom = bottom
    self.left = left
    self.fontSize = fontSize
    self.bold = bold
  }
}

/// The lines of one page, in poppler's reading order (a column after the other).
public struct PDFPageLines: Sendable, Hashable {
  public var height: Double
  public var lines: [PDFLine]

  public init(height: Double, lines: [PDFLine]) {
    self.height = height
    self.lines = lines
  }
}

/// A heading or a paragraph of a PDF's text.
public struct PDFBlock: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    case heading(level: Int)
    case paragraph
  }

  public var kind: Kind
  public var text: String

  public init(kind: Kind, text: String) {
    self.kind = kind
    self.text = text
  }
}

/// Rules about the kinds of line a PDF's text is made of:
/// - **Running headers and footers** (a line in the top or bottom tenth of a page whose text, digits aside,
///   comes back on at least half of the pages, two at least) and **page numbers** ("3", "Page 3 of 10", "- 3 -")
///   are not the document.
/// - **Paragraphs** end where the space above a line is more than half a line, where the text goes back up the
///   page (a new column or page) after a line that ends a sentence, where a list item starts, and where the style
///   changes between body text and a heading.
/// - **Headings**: a line set larger than the body text (levels by size, largest first); else a short bold line
///   that does not end a sentence; else a short numbered line ("2. Sharing", "4.1 Cookies", "Article 3 …") that
///   does not end a sentence (level by its number's depth).
public enum PDFLayout {
  public static func blocks(_ pages: [PDFPageLines]) -> [PDFBlock] {
    let running = runningLines(pages)
    var kept: [(line: PDFLine, page: Int)] = []
    for (number, page) in pages.enumerated() {
      for line in page.lines {
        let text = line.text.trimmingSpaces
        guard !text.isEmpty else { continue }
        if isMargin(line, page) && (isPageNumber(text) || running.contains(shape(text))) { continue }
        var cleaned = line
        cleaned.text = text
        kept.append((cleaned, number))
      }
    }
    guard !kept.isEmpty else { return [] }
    let body = bodySize(kept.map(\.line))
    let headingSizes = Set(kept.map(\.line.fontSize).filter { $0 >= body * 1.15 }.map(rounded)).sorted(by: >)

    func style(_ line: PDFLine) -> PDFBlock.Kind? {
      if line.fontSize >= body * 1.15, let rank = headingSizes.firstIndex(of: rounded(line.fontSize)) {
        return .heading(level: min(6, rank + 1))
      }
      return nil
    }

    var blocks: [PDFBlock] = []
    var current: (kind: PDFBlock.Kind?, lines: [PDFLine], page: Int)?
    func flush() {
      guard let open = current else { return }
      let text = join(open.lines.map(\.text))
      let kind = open.kind ?? inferredKind(text, lines: open.lines, bodyLevel: headingSizes.count)
      blocks.append(PDFBlock(kind: kind, text: text))
      current = nil
    }
    for (line, page) in kept {
      let kind = style(line)
      if let open = current, let previous = open.lines.last {
        let samePage = page == open.page
        let gap = line.top - previous.bottom
        let height = max(previous.bottom - previous.top, previous.fontSize, 1)
        let wentUp = !samePage || line.top < previous.top - 1
        let endsSentence = previous.text.last.map { ".:;!?".contains($0) } ?? false
        let breaks =
          kind != open.kind || (kind == nil && line.bold != previous.bold)
          || (samePage && !wentUp && gap > 0.5 * height)
          || (wentUp && (endsSentence || open.kind != nil))
          || isListItem(line.text)
        if breaks { flush() }
      }
      if current == nil {
        current = (kind, [line], page)
      } else {
        current?.lines.append(line)
        current?.page = page
      }
    }
    flush()
    return blocks
  }

  /// A paragraph's kind from its words: a short bold line, or a short numbered line, that ends no sentence.
  static func inferredKind(_ text: String, lines: [PDFLine], bodyLevel: Int) -> PDFBlock.Kind {
    let short = text.count <= 120 && lines.count <= 2 && !(text.last.map { ".;,".contains($0) } ?? false)
    guard short else { return .paragraph }
    if let depth = numberingDepth(text) { return .heading(level: min(6, bodyLevel + depth)) }
    if lines.allSatisfy(\.bold), text.contains(where: \.isLetter) { return .heading(level: min(6, bodyLevel + 1)) }
    return .paragraph
  }

  /// "2. Sharing" → 1, "4.1 Cookies" → 2, "Article 3 Data" → 1; nil for a line that is not a numbered heading.
  static func numberingDepth(_ text: String) -> Int? {
    let words = text.split(separator: " ", maxSplits: 2)
    guard words.count >= 2 else { return nil }
    var first = String(words[0])
    var rest = words.dropFirst()
    if ["article", "section", "chapter", "part"].contains(first.lowercased()), words.count >= 3 {
      first = String(words[1])
      rest = words.dropFirst(2)
    }
    guard let title = rest.first, title.first?.isUppercase == true else { return nil }
    let number = first.hasSuffix(".") ? String(first.dropLast()) : first
    let parts = number.split(separator: ".", omittingEmptySubsequences: false)
    guard !parts.isEmpty, parts.count <= 4,
      parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && ($0.allSatisfy(\.isNumber) || isRoman($0)) })
    else { return nil }
    return parts.count
  }

  static func isRoman(_ text: Substring) -> Bool { text.allSatisfy { "IVXL".contains($0) } }

  static func isListItem(_ text: String) -> Bool {
    if let first = text.first, "•▪◦‣–-·*".contains(first) { return true }
    // "(a) …", "a) …", "(1) …", "1) …"
    let head = text.prefix(5)
    if let close = head.firstIndex(of: ")") {
      let inner = head[..<close].drop(while: { $0 == "(" })
      return !inner.isEmpty && inner.count <= 3 && inner.allSatisfy { $0.isLetter || $0.isNumber }
        && text.index(after: close) < text.endIndex && text[text.index(after: close)] == " "
    }
    return false
  }

  /// Lines of the page's top or bottom tenth.
  static func isMargin(_ line: PDFLine, _ page: PDFPageLines) -> Bool {
    guard page.height > 0 else { return false }
    return line.bottom <= page.height * 0.1 || line.top >= page.height * 0.9
  }

  /// "3", "Page 3", "Page 3 of 10", "3 / 10", "- 3 -", "iv".
  static func isPageNumber(_ text: String) -> Bool {
    var words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "–" || $0 == "/" })
    if words.first == "page" || words.first == "p." { words.removeFirst() }
    if words.count == 3, words[1] == "of" { words.remove(at: 1) }
    guard !words.isEmpty, words.count <= 2 else { return false }
    return words.allSatisfy { word in
      word.allSatisfy(\.isNumber) || (word.count <= 4 && word.allSatisfy { "ivxl".contains($0) })
    }
  }

  /// A line's text with its digits blurred: running headers and footers carry page numbers and dates.
  static func shape(_ text: String) -> String {
    String(text.lowercased().map { $0.isNumber ? "#" : $0 })
  }

  /// The shapes of the lines that come back in the margins of at least half of the pages (two at least).
  static func runningLines(_ pages: [PDFPageLines]) -> Set<String> {
    guard pages.count >= 2 else { return [] }
    var counts: [String: Int] = [:]
    for page in pages {
      var seen: Set<String> = []
      for line in page.lines where isMargin(line, page) {
        let text = line.text.trimmingSpaces
        if !text.isEmpty { seen.insert(shape(text)) }
      }
      for shape in seen { counts[shape, default: 0] += 1 }
    }
    let needed = max(2, (pages.count + 1) / 2)
    return Set(counts.filter { $0.value >= needed }.keys)
  }

  /// The font size most of the text is set in (by characters).
  static func bodySize(_ lines: [PDFLine]) -> Double {
    var weight: [Double: Int] = [:]
    for line in lines { weight[rounded(line.fontSize), default: 0] += line.text.count }
    return weight.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? 10
  }

  static func rounded(_ size: Double) -> Double { (size * 2).rounded() / 2 }

  /// Lines of a paragraph as one text: a word cut by a hyphen at a line's end is joined again.
  static func join(_ lines: [String]) -> String {
    var text = ""
    for line in lines {
      if text.isEmpty {
        text = line
      } else if text.hasSuffix("-"), text.dropLast().last?.isLowercase == true, line.first?.isLowercase == true {
        text.removeLast()
        text += line
      } else {
        text += " " + line
      }
    }
    return text
  }
}

extension String {
  var trimmingSpaces: String {
    let scalars = unicodeScalars
    guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[start...end])
  }
}
