/// One token of a selector, with its place in the selector (offsets in Unicode scalars).
struct CSSToken: Equatable {
  enum Kind: Equatable {
    /// An identifier, escapes decoded (`\31 23` is "123", `a\:b` is "a:b").
    case ident(String)
    /// An identifier immediately followed by `(`; the parenthesis belongs to the token.
    case function(String)
    /// `#name`; `isIdentifier` says whether the name would also be a valid identifier (required for ids).
    case hash(String, isIdentifier: Bool)
    /// A quoted string, quotes removed and escapes decoded.
    case string(String)
    /// A number, possibly with a unit (`2n`, `-3`, `1.5e3px`); only its source text is used (by `an+b`).
    case number
    case whitespace
    /// `~=`, `|=`, `^=`, `$=`, `*=`.
    case match(String)
    case colon, comma, leftBracket, rightBracket, leftParen, rightParen
    /// Any other single character.
    case delim(Unicode.Scalar)
    case end
  }

  var kind: Kind
  /// Offset of the first scalar of the token.
  var start: Int
  /// Offset just past the token.
  var end: Int
}

/// Splits a selector into tokens following CSS Syntax Level 3 (§4), simplified to what selectors use:
/// comments are skipped, escapes are decoded, NUL and invalid escaped code points become U+FFFD. Unlike a
/// browser it rejects an unterminated string or comment and a backslash at the end, instead of repairing them.
/// One pass, no backtracking beyond three scalars of look-ahead: linear in the input.
package struct CSSTokenizer {
  let scalars: [Unicode.Scalar]
  let selector: String
  private var index = 0

  init(_ selector: String) {
    self.selector = selector
    self.scalars = Array(selector.unicodeScalars)
  }

  static func tokenize(_ selector: String) throws(CSSSelectorError) -> [CSSToken] {
    var tokenizer = CSSTokenizer(selector)
    var tokens: [CSSToken] = []
    while true {
      let token = try tokenizer.next()
      tokens.append(token)
      if token.kind == .end { return tokens }
    }
  }

  private func scalar(_ offset: Int = 0) -> Unicode.Scalar? {
    let position = index + offset
    return position < scalars.count ? scalars[position] : nil
  }

  private func error(_ message: String, at position: Int) -> CSSSelectorError {
    CSSSelectorError(selector: selector, position: position, message: message)
  }

  mutating func next() throws(CSSSelectorError) -> CSSToken {
    try skipComments()
    let start = index
    guard let first = scalar() else { return CSSToken(kind: .end, start: start, end: start) }
    let kind: CSSToken.Kind
    switch first {
    case _ where Self.isWhitespace(first):
      while let next = scalar(), Self.isWhitespace(next) { index += 1 }
      // Comments between whitespace runs belong to the same whitespace token.
      while startsComment() {
        try skipComments()
        while let next = scalar(), Self.isWhitespace(next) { index += 1 }
      }
      kind = .whitespace
    case "\"", "'":
      index += 1
      kind = .string(try consumeString(quote: first, start: start))
    case "#":
      if let next = scalar(1), Self.isNameCharacter(next) || startsEscape(at: index + 1) {
        index += 1
        let isIdentifier = startsIdentifier(at: index)
        kind = .hash(try consumeName(), isIdentifier: isIdentifier)
      } else {
        index += 1
        kind = .delim(first)
      }
    case "(", ")", "[", "]", ",", ":":
      index += 1
      kind = Self.punctuation(first)
    case _ where "~|^$*".unicodeScalars.contains(first) && scalar(1) == "=":
      index += 2
      kind = .match(String(first) + "=")
    case _ where startsNumber(at: index):
      consumeNumber()
      kind = .number
    case _ where startsIdentifier(at: index):
      let name = try consumeName()
      if scalar() == "(" {
        index += 1
        kind = .function(name)
      } else {
        kind = .ident(name)
      }
    case "\\":
      // Not a valid escape (a backslash before a newline or at the end), else it would start an identifier.
      throw error(scalar(1) == nil ? "escape at the end of the selector" : "invalid escape", at: start)
    default:
      index += 1
      kind = .delim(first)
    }
    return CSSToken(kind: kind, start: start, end: index)
  }

  private static func punctuation(_ scalar: Unicode.Scalar) -> CSSToken.Kind {
    switch scalar {
    case "(": .leftParen
    case ")": .rightParen
    case "[": .leftBracket
    case "]": .rightBracket
    case ",": .comma
    default: .colon
    }
  }

  private func startsComment() -> Bool {
    scalar() == "/" && scalar(1) == "*"
  }

  private mutating func skipComments() throws(CSSSelectorError) {
    while startsComment() {
      let start = index
      index += 2
      while true {
        guard let current = scalar() else { throw error("unterminated comment", at: start) }
        if current == "*" && scalar(1) == "/" {
          index += 2
          break
        }
        index += 1
      }
    }
  }

  // MARK: - Character classes (CSS Syntax §4.2)

  package static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}"
  }

  static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "\n" || scalar == "\r" || scalar == "\u{0C}"
  }

  static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    ("0"..."9").contains(scalar)
  }

  static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
    switch scalar {
    case "0"..."9": scalar.value - 48
    case "a"..."f": scalar.value - 87
    case "A"..."F": scalar.value - 55
    default: nil
    }
  }

  static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar.value >= 0x80
      || scalar == "\0"
  }

  static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
    isNameStart(scalar) || isDigit(scalar) || scalar == "-"
  }

  private func startsEscape(at position: Int) -> Bool {
    guard position < scalars.count, scalars[position] == "\\" else { return false }
    guard position + 1 < scalars.count else { return false }
    return !Self.isNewline(scalars[position + 1])
  }

  private func startsIdentifier(at position: Int) -> Bool {
    guard position < scalars.count else { return false }
    let first = scalars[position]
    if first == "-" {
      guard position + 1 < scalars.count else { return false }
      let second = scalars[position + 1]
      return Self.isNameStart(second) || second == "-" || startsEscape(at: position + 1)
    }
    return Self.isNameStart(first) || startsEscape(at: position)
  }

  private func startsNumber(at position: Int) -> Bool {
    func digit(_ offset: Int) -> Bool {
      position + offset < scalars.count && Self.isDigit(scalars[position + offset])
    }
    guard position < scalars.count else { return false }
    switch scalars[position] {
    case "+", "-": return digit(1) || (position + 2 < scalars.count && scalars[position + 1] == "." && digit(2))
    case ".": return digit(1)
    default: return digit(0)
    }
  }

  // MARK: - Consumers

  /// Consumes name characters and escapes (the caller checked that a name starts here).
  private mutating func consumeName() throws(CSSSelectorError) -> String {
    var name = String.UnicodeScalarView()
    while let current = scalar() {
      if Self.isNameCharacter(current) {
        name.append(current == "\0" ? "\u{FFFD}" : current)
        index += 1
      } else if startsEscape(at: index) {
        name.append(consumeEscape())
      } else {
        break
      }
    }
    return String(name)
  }

  /// Consumes `\` and what it escapes (CSS Syntax §4.3.7): up to six hex digits and one optional whitespace,
  /// or any single other scalar. Zero, surrogates and values above U+10FFFF become U+FFFD.
  private mutating func consumeEscape() -> Unicode.Scalar {
    index += 1  // the backslash
    guard let first = scalar() else { return "\u{FFFD}" }
    guard Self.hexValue(first) != nil else {
      index += 1
      return first == "\0" ? "\u{FFFD}" : first
    }
    var value: UInt32 = 0
    var digits = 0
    while digits < 6, let current = scalar(), let digit = Self.hexValue(current) {
      value = value * 16 + digit
      digits += 1
      index += 1
    }
    if let current = scalar(), Self.isWhitespace(current) {
      index += 1
      if current == "\r" && scalar() == "\n" { index += 1 }
    }
    guard value != 0, let decoded = Unicode.Scalar(value) else { return "\u{FFFD}" }
    return decoded
  }

  private mutating func consumeString(quote: Unicode.Scalar, start: Int) throws(CSSSelectorError) -> String {
    var value = String.UnicodeScalarView()
    while true {
      guard let current = scalar() else { throw error("unterminated string", at: start) }
      if current == quote {
        index += 1
        return String(value)
      }
      if Self.isNewline(current) { throw error("unterminated string (a newline must be escaped)", at: start) }
      if current == "\\" {
        guard let next = scalar(1) else { throw error("unterminated string", at: start) }
        if Self.isNewline(next) {
          // An escaped newline continues the string on the next line.
          index += 2
          if next == "\r" && scalar() == "\n" { index += 1 }
        } else {
          value.append(consumeEscape())
        }
        continue
      }
      value.append(current == "\0" ? "\u{FFFD}" : current)
      index += 1
    }
  }

  /// Consumes a number with its unit, if any (`2n`, `-1`, `+.5e3`); its value is read later from the source.
  private mutating func consumeNumber() {
    if scalar() == "+" || scalar() == "-" { index += 1 }
    while let current = scalar(), Self.isDigit(current) { index += 1 }
    if scalar() == ".", let next = scalar(1), Self.isDigit(next) {
      index += 1
      while let current = scalar(), Self.isDigit(current) { index += 1 }
    }
    if scalar() == "e" || scalar() == "E" {
      let signed = scalar(1) == "+" || scalar(1) == "-"
      if let digit = scalar(signed ? 2 : 1), Self.isDigit(digit) {
        index += signed ? 2 : 1
        while let current = scalar(), Self.isDigit(current) { index += 1 }
      }
    }
    if scalar() == "%" {
      index += 1
    } else if startsIdentifier(at: index) {
      // The unit; its decoded text is not needed, so escapes are only skipped over.
      while let current = scalar() {
        if Self.isNameCharacter(current) {
          index += 1
        } else if startsEscape(at: index) {
          _ = consumeEscape()
        } else {
          break
        }
      }
    }
  }
}
