import Foundation

/// One token of the text the declared-date scanner reads: a word, a number or a single punctuation mark.
///
/// Tokens hold offsets, never strings: the folded text of a token is only built (`DateTokenizer.text(of:)`) when
/// the scanner needs it, which is rare (a word whose hash is a keyword's first word, or tokens right after one).
struct DateToken {
  enum Kind { case word, number, punct }

  var kind: Kind
  /// UTF-8 offsets of the token in the scanned text.
  var start: Int
  var end: Int
  /// Number of Unicode scalars (for numbers: digits), not counting ignorable ones.
  var length: Int
  /// FNV-1a hash of the folded UTF-8 text (0 for words longer than `DateTokenizer.maxWordLength`).
  var hash: UInt64
  /// The folded scalar of a punctuation token ("’" → "'", "–" → "-"), else 0.
  var punct: UInt32
  /// Value of a number token of at most 9 digits.
  var value: Int?
  /// Whether whitespace, respectively a line break, separates this token from the previous one.
  var spaceBefore: Bool
  var newlineBefore: Bool
  /// How many tokens precede this one on its line.
  var column: Int

  var number: Int? { kind == .number ? value : nil }
  func isPunct(_ scalar: Unicode.Scalar) -> Bool { kind == .punct && punct == scalar.value }
}

/// Splits UTF-8 text into words, numbers and punctuation marks, one pass over the bytes, O(1) work per byte.
///
/// Algorithm choice: a hand-written scanner over the UTF-8 bytes instead of regular expressions. The date grammar
/// is matched on tokens with a bounded lookahead (`DateScanner`), so the whole search is linear in the text, cannot
/// backtrack, and tokens are produced on demand, never all held at once. ASCII takes a table-driven fast path;
/// other scalars are decoded and classified with their Unicode properties. Words are folded (lowercase, Latin
/// accents removed: "Février" → "fevrier", "ÄNDERUNG" → "anderung") while they are hashed.
struct DateTokenizer {
  static let maxWordLength = 32

  private let bytes: UnsafeBufferPointer<UInt8>
  private var offset = 0
  private var column = 0
  private var sawSpace = false
  private var sawNewline = false

  /// `bytes` must stay valid while the tokenizer is used (it is created inside `String.withUTF8`).
  init(bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  /// The folded texts of the tokens of a short phrase (used to build the vocabulary).
  static func foldedTokens(of phrase: String) -> [String] {
    var phrase = phrase
    return phrase.withUTF8 { buffer in
      var tokenizer = DateTokenizer(bytes: buffer)
      var result: [String] = []
      while let token = tokenizer.next() { result.append(tokenizer.text(of: token)) }
      return result
    }
  }

  static func hash(of folded: String) -> UInt64 {
    var hash = fnvOffset
    for byte in folded.utf8 { hash = (hash ^ UInt64(byte)) &* fnvPrime }
    return hash
  }

  private static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
  private static let fnvPrime: UInt64 = 0x100_0000_01B3

  mutating func next() -> DateToken? {
    while offset < bytes.count {
      let byte = bytes[offset]
      let (scalar, width) = byte < 0x80 ? (Unicode.Scalar(byte), 1) : decode(at: offset)
      switch byte < 0x80 ? Self.asciiClass(byte) : Self.classify(scalar) {
      case .ignorable:
        offset += width
      case .newline:
        sawSpace = true
        sawNewline = true
        offset += width
      case .space:
        sawSpace = true
        offset += width
      case .digit:
        return number()
      case .letter, .mark:
        return word()
      case .other:
        let start = offset
        offset += width
        let folded = Self.foldPunctuation(scalar)
        var hash = Self.fnvOffset
        UTF8.encode(folded) { hash = (hash ^ UInt64($0)) &* Self.fnvPrime }
        var token = make(.punct, start: start, length: 1, hash: hash)
        token.punct = folded.value
        return token
      }
    }
    return nil
  }

  /// The next word whose hash passes `accept`; the tokens before it are read (for line and column bookkeeping)
  /// but not returned.
  mutating func nextWord(where accept: (UInt64) -> Bool) -> DateToken? {
    while let token = next() {
      if token.kind == .word && accept(token.hash) { return token }
    }
    return nil
  }

  /// The folded text of a token, built from its bytes.
  func text(of token: DateToken) -> String {
    switch token.kind {
    case .punct:
      return String(Unicode.Scalar(token.punct) ?? "\u{FFFD}")
    case .number:
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
    case .word:
      var text = ""
      var position = token.start
      var count = 0
      while position < token.end && count < Self.maxWordLength {
        let (scalar, width) = decode(at: position)
        position += width
        guard Self.classify(scalar) == .letter else { continue }
        count += 1
        Self.fold(scalar) { text.unicodeScalars.append($0) }
      }
      return text
    }
  }

  // MARK: Runs

  private mutating func number() -> DateToken {
    let start = offset
    var value = 0
    var length = 0
    var hash = Self.fnvOffset
    while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 {
      let byte = bytes[offset]
      if length < 9 { value = value * 10 + Int(byte - 0x30) }
      hash = (hash ^ UInt64(byte)) &* Self.fnvPrime
      length += 1
      offset += 1
    }
    var token = make(.number, start: start, length: length, hash: hash)
    token.value = length <= 9 ? value : nil
    return token
  }

  /// A word: letters (and combining marks) up to anything else, or up to a capital right after a small letter:
  /// markup glues words of neighbouring elements ("Previous VersionEffective 1 March 2026"), and a keyword glued so
  /// is still a keyword.
  private mutating func word() -> DateToken {
    let start = offset
    var length = 0
    var hash = Self.fnvOffset
    var afterSmallLetter = false
    while offset < bytes.count {
      let byte = bytes[offset]
      if byte < 0x80 {
        // ASCII fast path: letters continue the word, anything else ends it.
        let lower = byte | 0x20
        guard lower >= 0x61 && lower <= 0x7A else { break }
        let small = byte == lower
        if afterSmallLetter && !small { break }
        afterSmallLetter = small
        if length < Self.maxWordLength { hash = (hash ^ UInt64(lower)) &* Self.fnvPrime }
        length += 1
        offset += 1
        continue
      }
      let (scalar, width) = decode(at: offset)
      let scalarClass = Self.classify(scalar)
      guard scalarClass == .letter || scalarClass == .mark || scalarClass == .ignorable else { break }
      afterSmallLetter = false
      if scalarClass == .letter {
        if length < Self.maxWordLength {
          Self.fold(scalar) { folded in
            UTF8.encode(folded) { hash = (hash ^ UInt64($0)) &* Self.fnvPrime }
          }
        }
        length += 1
      }
      offset += width
    }
    return make(.word, start: start, length: length, hash: length > Self.maxWordLength ? 0 : hash)
  }

  private mutating func make(_ kind: DateToken.Kind, start: Int, length: Int, hash: UInt64) -> DateToken {
    if sawNewline { column = 0 }
    let token = DateToken(
      kind: kind, start: start, end: offset, length: length, hash: hash, punct: 0, value: nil,
      spaceBefore: sawSpace, newlineBefore: sawNewline, column: column)
    column += 1
    sawSpace = false
    sawNewline = false
    return token
  }

  /// The scalar at a byte offset and its width. Swift strings are valid UTF-8; bounds are still checked so that a
  /// slip can only produce U+FFFD, never a trap.
  private func decode(at position: Int) -> (Unicode.Scalar, Int) {
    let lead = UInt32(bytes[position])
    if lead < 0x80 { return (Unicode.Scalar(UInt8(lead)), 1) }
    let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
    guard width > 1, position + width <= bytes.count else { return ("\u{FFFD}", 1) }
    var value = lead & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
    for index in 1..<width { value = value << 6 | UInt32(bytes[position + index] & 0x3F) }
    return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
  }

  // MARK: Character classes and folding

  private enum ScalarClass { case letter, mark, digit, space, newline, ignorable, other }

  @inline(__always)
  private static func asciiClass(_ byte: UInt8) -> ScalarClass {
    switch byte {
    case 0x30...0x39: return .digit
    case 0x41...0x5A, 0x61...0x7A: return .letter
    case 0x0A, 0x0B, 0x0C, 0x0D: return .newline
    case 0x09, 0x20: return .space
    case 0x00...0x1F, 0x7F: return .ignorable
    default: return .other
    }
  }

  private static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
    let value = scalar.value
    if value < 0x80 { return asciiClass(UInt8(value)) }
    switch value {
    case 0x85, 0x2028, 0x2029: return .newline
    case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x200E, 0x200F, 0x202A...0x202E: return .ignorable
    // Fast paths for what real pages are full of, without a Unicode property lookup.
    case 0xA0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return .space
    case 0x2010...0x2027, 0x2030...0x205E: return .other  // dashes, quotes, bullets, ellipsis
    case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F: return .letter  // Latin-1 and Latin Extended-A/B letters
    default: break
    }
    let properties = scalar.properties
    if properties.isWhitespace { return .space }
    switch properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
    case .control, .format: return .ignorable
    default: break
    }
    return properties.isAlphabetic ? .letter : .other
  }

  /// Lowercase, then strip the accents of Latin letters; calls `emit` with each folded scalar.
  private static func fold(_ scalar: Unicode.Scalar, emit: (Unicode.Scalar) -> Void) {
    let value = scalar.value
    if value < 0x80 {
      emit(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
      return
    }
    if (0x02B0...0x02B8).contains(value) || (0x02E0...0x02E4).contains(value) || (0x1D2C...0x1DBF).contains(value)
      || (0x2070...0x209C).contains(value)
    {
      // Superscript and modifier letters, as in "1ᵉʳ": their compatibility form is a plain letter.
      for folded in String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars
      where folded.properties.isAlphabetic {
        foldLowercase(folded, emit: emit)
      }
      return
    }
    if scalar.properties.changesWhenLowercased {
      for lower in scalar.properties.lowercaseMapping.unicodeScalars { foldLowercase(lower, emit: emit) }
    } else {
      foldLowercase(scalar, emit: emit)
    }
  }

  private static func foldLowercase(_ scalar: Unicode.Scalar, emit: (Unicode.Scalar) -> Void) {
    if let replacement = latinFolding[scalar.value] {
      for folded in replacement.unicodeScalars { emit(folded) }
    } else if scalar.value >= 0x41 && scalar.value <= 0x5A {
      emit(Unicode.Scalar(UInt8(scalar.value + 0x20)))
    } else {
      emit(scalar)
    }
  }

  /// Lowercase Latin letters with diacritics → their base letters (the ones the five languages use).
  private static let latinFolding: [UInt32: String] = {
    let groups: [(String, String)] = [
      ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ìíîïĩīĭįı", "i"), ("ñńņň", "n"),
      ("òóôõöøōŏő", "o"), ("ùúûüũūŭůűų", "u"), ("ýÿ", "y"), ("śšş", "s"), ("źżž", "z"), ("ł", "l"), ("ř", "r"),
      ("ţť", "t"), ("ß", "ss"), ("œ", "oe"), ("æ", "ae"), ("º", "o"), ("ª", "a"),
    ]
    var table: [UInt32: String] = [:]
    for (letters, base) in groups {
      for scalar in letters.unicodeScalars { table[scalar.value] = base }
    }
    return table
  }()

  private static func foldPunctuation(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    switch scalar.value {
    case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x00B4, 0x0060, 0x2039, 0x203A: return "'"
    case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB: return "\""
    case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return "-"
    case 0xFF1A: return ":"
    case 0xFF0F, 0x2044: return "/"
    case 0xFF0C: return ","
    case 0xFF0E: return "."
    default: return scalar
    }
  }
}
