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
      guard let references = Self.attributeReferences(xpath) else {
        self = .none
        return
      }
      named.formUnion(references)
      if references.contains("class") {
        if let found = Self.classWordTests(xpath), words != nil {
          words!.formUnion(found)
        } else {
          words = nil
        }
      }
    }
    self.init(enabled: true, ruleNames: named, classWords: words)
  }

  /// The lowercased names of the attributes an XPath reads (`@name`), or nil when it may read any attribute
  /// (`@*`, the `attribute::` axis).
  static func attributeReferences(_ xpath: String) -> Set<String>? {
    let bytes = Array(xpath.utf8)
    if xpath.lowercased().contains("attribute::") { return nil }
    var names: Set<String> = []
    var index = 0
    while index < bytes.count {
      defer { index += 1 }
      guard bytes[index] == UInt8(ascii: "@") else { continue }
      var end = index + 1
      while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x09 || bytes[end] == 0x0A || bytes[end] == 0x0D {
        end += 1
      }
      let start = end
      while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
      guard end > start else { return nil }  // `@*`, or anything else unexpected
      names.insert(String(decoding: bytes[start..<end], as: UTF8.self).lowercased())
      index = end - 1
    }
    return names
  }

  /// The words an XPath tests in `class` when every use of `@class` in it is one of `CSSXPathTranslator`'s word
  /// tests (`.name`, `[class~=name]`); nil otherwise.
  static func classWordTests(_ xpath: String) -> Set<String>? {
    let presence = "contains(@class, '"
    let word = "contains(concat(' ', normalize-space(@class), ' '), ' "
    let uses = occurrences(of: "@class", in: xpath.lowercased())
    let presenceTests = occurrences(of: presence, in: xpath)
    var words: Set<String> = []
    var rest = Substring(xpath)
    var wordTests = 0
    while let found = rest.range(of: word) {
      rest = rest[found.upperBound...]
      guard let close = rest.range(of: " ')") else { return nil }
      words.insert(String(rest[..<close.lowerBound]))
      rest = rest[close.upperBound...]
      wordTests += 1
    }
    guard uses == presenceTests + wordTests, presenceTests == wordTests,
      !words.contains(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) || $0.contains("'") })
    else { return nil }
    return words
  }

  private static func occurrences(of needle: String, in text: String) -> Int {
    var count = 0
    var rest = Substring(text)
    while let found = rest.range(of: needle) {
      count += 1
      rest = rest[found.upperBound...]
    }
    return count
  }

  /// Bytes of an XML name as XPath writes attribute names (ASCII subset; anything else ends the name).
  static func isNameByte(_ byte: UInt8) -> Bool {
    (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
      || byte == 0x2E || byte == 0x3A || byte >= 0x80
  }
}
