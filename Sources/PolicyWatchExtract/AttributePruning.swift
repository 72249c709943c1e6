import PolicyWatchSupport

/// Which attributes `ScriptStripper` may cut from a page before libxml2 parses it, given the rules the page is
/// extracted with.
///
/// After scripts and style sheets are cut, about two thirds of a real policy page's bytes are attributes (measured
/// on the 1,000 pages of `Scripts/bench-check.sh`: 123 of 176 MB), and libxml2 2.9 copies them character by
/// character and makes a node of each. Most of it is attributes PolicyWatch never reads: `class` lists (72 MB),
/// SVG path data (13 MB), inline styles (12 MB), `data-*` (6 MB), `id`, `rel`, `src`… Outside the rules, the
/// extraction reads only the attributes of `readByExtraction`. So, for a page extracted with given rules:
/// - the attributes of `readByExtraction` and those the rules name (`[data-id=7]`, `#main` reads `id`, `@title` in
///   an XPath rule) are kept whole;
/// - an inline `style` that hides its element (`display:none`, `visibility:hidden`) is kept, any other is cut;
/// - a `class` value keeps only the words the rules test (`.name`, `[class~=name]`), joined by single spaces, and
///   is cut when it keeps none: every word test of the rules answers the same; a rule that reads `class` in any
///   other way (`[class]`, `[class^=x]`) keeps it whole;
/// - every other attribute is cut;
/// - a rule that reaches attributes by wildcard (`@*`, `attribute::`) turns pruning off.
struct AttributePruning: Sendable, Equatable {
  /// Whether anything may be cut.
  var enabled: Bool
  /// The lowercased names of the attributes the rules read, kept whole.
  var ruleNames: Set<String>
  /// The `class` words to keep, nil when `class` values must be kept whole.
  var classWords: Set<String>?

  /// The attributes the extraction reads outside the rules (`ClauseBuilder`, `PageExtractor`); `ClauseBuilder`
  /// checks in debug builds that it asks for no other.
  static let readByExtraction: Set<String> = ["href", "role", "aria-level", "hidden", "style", "lang"]

  /// Nothing is cut.
  static let none = AttributePruning(enabled: false, ruleNames: [], classWords: nil)

  var isNone: Bool { !enabled }

  init(enabled: Bool, ruleNames: Set<String>, classWords: Set<String>?) {
    (self.enabled, self.ruleNames, self.classWords) = (enabled, ruleNames, classWords)
  }

  /// Whether inline styles that do not hide their element may be cut.
  var style: Bool { enabled && !ruleNames.contains("style") }

  /// The lowercased names of the attributes kept whole, `class` and `style` apart.
  var keptNames: Set<String> {
    Self.readByExtraction.union(ruleNames).subtracting(["class", "style"])
  }

  /// The pruning that keeps every attribute the XPaths of `rules` can read.
  init(rules: [ExtractionRule]) {
    var xpaths: [String] = []
    for rule in rules {
      switch rule {
      case .nodes(let xpath, _): xpaths.append(xpath)
      case .range(let start, _, let end, _, _): xpaths += [start, end]
      }
    }
    var named: Set<String> = []
    var words: Set<String>? = []
    for xpath in xpaths {
      guard let uses = Self.attributeUses(xpath) else {
        self = .none
        return
      }
      named.formUnion(uses.keys)
      if let classUses = uses["class"] {
        if let found = Self.classWordTests(xpath, uses: classUses), words != nil {
          words!.formUnion(found)
        } else {
          words = nil
        }
      }
    }
    self.init(enabled: true, ruleNames: named, classWords: words)
  }

  /// How many times an XPath reads each attribute (`@name`, lowercased names), or nil when it may read
  /// attributes otherwise: `@*`, the `attribute::` axis, or `id()` (which finds elements by their `id`).
  static func attributeUses(_ xpath: String) -> [String: Int]? {
    let bytes = Array(xpath.utf8)
    var uses: [String: Int] = [:]
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == UInt8(ascii: "@") || isNameByte(byte) else {
        index += 1
        continue
      }
      if byte == UInt8(ascii: "@") {
        var end = index + 1
        while end < bytes.count, XMLBytes.isSpace(bytes[end]) { end += 1 }
        let start = end
        while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
        guard end > start else { return nil }  // `@*`, or anything else unexpected
        uses[String(decoding: bytes[start..<end], as: UTF8.self).lowercased(), default: 0] += 1
        index = end
        continue
      }
      // A name (without `:`, which separates an axis): `attribute` before `::`, or `id` before `(`, reach
      // attributes without `@`.
      var end = index
      while end < bytes.count, isNameByte(bytes[end]), bytes[end] != UInt8(ascii: ":") { end += 1 }
      if end == index {
        index += 1
        continue
      }
      let name = String(decoding: bytes[index..<end], as: UTF8.self).lowercased()
      var next = end
      while next < bytes.count, XMLBytes.isSpace(bytes[next]) { next += 1 }
      let colons = next + 1 < bytes.count && bytes[next] == UInt8(ascii: ":") && bytes[next + 1] == UInt8(ascii: ":")
      if name == "attribute" && colons { return nil }
      if name == "id", next < bytes.count, bytes[next] == UInt8(ascii: "(") { return nil }
      index = end
    }
    return uses
  }

  /// The words an XPath tests in `class` when each of its `uses` of `@class` is part of one of
  /// `CSSXPathTranslator`'s word tests (`.name`, `[class~=name]`), written exactly as the translator writes it;
  /// nil otherwise.
  static func classWordTests(_ xpath: String, uses: Int) -> Set<String>? {
    let head = "contains(@class, '"
    var words: Set<String> = []
    var tests = 0
    var rest = Substring(xpath)
    while let found = rest.range(of: head) {
      rest = rest[found.upperBound...]
      guard let close = rest.firstIndex(of: "'") else { return nil }
      let word = String(rest[..<close])
      let tail = "') and contains(concat(' ', normalize-space(@class), ' '), ' \(word) ')"
      guard !word.isEmpty, !word.contains(where: \.isWhitespace), rest[close...].hasPrefix(tail) else { return nil }
      words.insert(word)
      tests += 1
      rest = rest[close...].dropFirst(tail.count)
    }
    return uses == 2 * tests ? words : nil
  }

  /// Bytes of an XML name as XPath writes attribute names (ASCII subset; anything else ends the name).
  static func isNameByte(_ byte: UInt8) -> Bool {
    (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
      || byte == 0x2E || byte == 0x3A || byte >= 0x80
  }
}
