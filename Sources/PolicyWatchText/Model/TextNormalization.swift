import Foundation

/// How text is normalised for comparison (display text is kept as it was).
///
/// The display text keeps what the page shows, but for U+FEFF (see `isDroppedFromDisplay`).
///
/// The key is: Unicode NFKC; zero-width and soft-hyphen characters removed; typographic quotes, apostrophes,
/// dashes and ellipses unified to ASCII; every run of whitespace (including no-break spaces) collapsed to one
/// space, none kept before `.`, `,`, `;`, `:`, `!`, `?`, `)` or after `(` (inline markup leaves such spaces and
/// takes them away again); trimmed; leading list and section markers ("1.", "A.1.", "(a)", "iv)", "-") dropped
/// (`ListMarkers`: numbering that changes style is not a change of text). Case is kept: a change of case is shown,
/// but `TextNormalization.looseKey` folds it.
public enum TextNormalization {
  /// The comparison key of a text (the rules above): texts that read the same get the same key.
  public static func key(_ text: String) -> String {
    // Most clauses come out of extraction already in key form (ASCII, whitespace collapsed, no marker): return
    // them as they are, without building a copy (`normalizedKey` is the definition).
    isASCIIKey(text) ? ListMarkers.strip(text) : normalizedKey(text)
  }

  /// `key` by its definition, for any text.
  static func normalizedKey(_ text: String) -> String { ListMarkers.strip(collapsedKey(text)) }

  /// `key` without the marker rule.
  package static func collapsedKey(_ text: String) -> String {
    // NFKC is the identity on ASCII, Latin-1 letters and the characters mapped below; most clauses are only
    // that, and skip Foundation's normalisation (the costliest step of extraction otherwise).
    var normalized = needsNFKC(text) ? text.precomposedStringWithCompatibilityMapping : text
    // One pass over the UTF-8 bytes: runs of plain ASCII are copied whole, other scalars are decoded only to look
    // them up (spaces, invisible characters, typographic marks) and copied as they were otherwise.
    return normalized.withUTF8 { bytes -> String in
      var output: [UInt8] = []
      output.reserveCapacity(bytes.count)
      var pendingSpace = false
      var index = 0
      let count = bytes.count
      while index < count {
        // A run of plain ASCII (no space, control or backtick) is copied whole: most of a clause.
        var end = index
        while end < count {
          let byte = bytes[end]
          guard byte > 0x20, byte < 0x7F, byte != 0x60 else { break }
          end += 1
        }
        if end > index {
          if pendingSpace {
            if !spaceless(before: bytes[index]) { output.append(0x20) }
            pendingSpace = false
          }
          output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
          index = end
          continue
        }
        let (value, length) = UTF8Sequence.decode(bytes, at: index)
        defer { index += length }
        if length > 1, invisible.contains(value) { continue }
        if length == 1 ? (value == 0x20 || (value >= 0x09 && value <= 0x0D)) : isSpace(value) {
          pendingSpace = !output.isEmpty && output.last != 0x28
          continue
        }
        if pendingSpace {
          let replacement = value == 0x60 || length > 1 ? typographic[value]?.utf8.first : nil
          if !spaceless(before: replacement ?? bytes[index]) { output.append(0x20) }
          pendingSpace = false
        }
        if value == 0x60 || length > 1, let replacement = typographic[value] {
          output.append(contentsOf: replacement.utf8)
        } else {
          output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
        }
      }
      return String(decoding: output, as: UTF8.self)
    }
  }

  /// Whether `text` is its own key, but for markers, by the rules of `key` for ASCII: no tab, newline or other
  /// ASCII whitespace but single inner spaces, none before closing punctuation or after "(", no leading or trailing
  /// space, no backtick (made an apostrophe), nothing beyond ASCII.
  static func isASCIIKey(_ text: String) -> Bool {
    var previous: UInt8 = 0x20  // a leading space fails like a double one
    for byte in text.utf8 {
      if byte >= 0x80 || byte == 0x60 || (byte >= 0x09 && byte <= 0x0D) { return false }
      if byte == 0x20 {
        if previous == 0x20 || previous == 0x28 { return false }
      } else if previous == 0x20, spaceless(before: byte) {
        return false
      }
      previous = byte
    }
    return previous != 0x20 || text.isEmpty
  }

  /// Punctuation that takes no space before it in a key: . , ; : ! ? )
  @inlinable @inline(__always)
  static func spaceless(before byte: UInt8) -> Bool {
    byte == 0x2E || byte == 0x2C || byte == 0x3B || byte == 0x3A || byte == 0x21 || byte == 0x3F || byte == 0x29
  }

  static func needsNFKC(_ text: String) -> Bool {
    if text.utf8.allSatisfy({ $0 < 0x80 }) { return false }
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if value < 0x80 || (value >= 0xC0 && value <= 0xFF) { continue }
      if typographic[value] != nil || invisible.contains(value) || value == 0xA0 { continue }
      return true
    }
    return false
  }

  /// `key` folded to lowercase, for similarity and for matching rules.
  public static func looseKey(_ text: String) -> String { key(text).lowercased() }

  @inlinable @inline(__always)
  package static func isSpace(_ value: UInt32) -> Bool {
    if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
    return value == 0xA0 || value == 0x1680 || (value >= 0x2000 && value <= 0x200A) || value == 0x2028
      || value == 0x2029 || value == 0x202F || value == 0x205F || value == 0x3000 || value == 0x85
  }

  /// Characters removed from the display text too (not only from the key): U+FEFF, a byte-order mark left inside
  /// the text (a concatenated file, a CMS), shows as nothing or as garbage and means nothing. The other invisible
  /// characters stay in the display text: joiners shape emoji and scripts, soft hyphens and bidi marks guide display.
  @inlinable @inline(__always)
  package static func isDroppedFromDisplay(_ value: UInt32) -> Bool { value == 0xFEFF }

  /// Zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks.
  package static let invisible: Set<UInt32> = [
    0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
  ]

  static let typographic: [UInt32: String] = [
    0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x2032: "'", 0x00B4: "'", 0x0060: "'",
    0x201C: "\"", 0x201D: "\"", 0x201E: "\"", 0x201F: "\"", 0x2033: "\"", 0x00AB: "\"", 0x00BB: "\"",
    0x2039: "'", 0x203A: "'",
    0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2014: "-", 0x2015: "-", 0x2212: "-",
    0x2026: "...", 0x2022: "*", 0x00B7: "*",
  ]
}

/// Leading list and section markers, which a comparison key leaves out: a list or a section numbered "A.1." in one
/// fetch and "1." (or nothing: numbers drawn by CSS) in the next is the same text.
///
/// A marker is one of, followed by a space (or, after a number and "." or ")", by a capital letter):
/// - a bullet: `*` or `-`;
/// - a label in parentheses or followed by ")": `(a)`, `(12)`, `(iv)`, `b)`, `3)`;
/// - dotted labels: `1.`, `12.3.`, `A.1.`, `B.3.a.`, `iv.`, `B.` — each part one to three digits, one letter or a
///   roman numeral, with a number among several parts; without the final dot only when there are several parts or
///   the part is a number of at most two digits, and a capital letter follows ("1.2 Scope", "3 Definitions", but
///   not "3.5 million" or "30 days").
/// Up to three markers in a row are dropped ("1. (a) …"); a clause that is only markers has an empty key.
/// "U.S. law", "i.e. the", "e.g." and "2024. The" are not markers.
enum ListMarkers {
  static func strip(_ key: String) -> String {
    var key = key
    let cut = key.withUTF8 { bytes -> Int in
      var offset = 0
      for _ in 0..<3 {
        let length = markerLength(bytes, at: offset)
        if length == 0 { break }
        offset += length
      }
      return offset
    }
    guard cut > 0 else { return key }
    return String(decoding: Array(key.utf8).dropFirst(cut), as: UTF8.self)
  }

  /// The length of the marker at `start` and the space after it (0 when there is none). A marker at the very end
  /// (a clause that is only a marker) counts without a space.
  static func markerLength(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int {
    let count = bytes.count
    guard start < count else { return 0 }
    func byte(_ index: Int) -> UInt8 { index < count ? bytes[index] : 0 }
    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    /// After a marker ending at `end`: the space (its length 1), the end of the text (0), or nothing valid (nil).
    func followed(_ end: Int, glued: Bool) -> Int? {
      if end == count { return 0 }
      if byte(end) == 0x20, end + 1 < count { return 1 }
      if glued, isUpper(byte(end)) { return 0 }
      return nil
    }
    /// A label at `index`: (its end, whether it is a number), or nil.
    func label(_ index: Int, lettersAllowed: Bool) -> (end: Int, number: Bool)? {
      var end = index
      while end < count, end - index < 4, isDigit(byte(end)) { end += 1 }
      if end > index { return end - index <= 3 && !isDigit(byte(end)) ? (end, true) : nil }
      guard lettersAllowed else { return nil }
      while end < count, end - index < 8, isLetter(byte(end)) { end += 1 }
      let length = end - index
      guard length >= 1, length <= 7, !isLetter(byte(end)) else { return nil }
      if length == 1 { return (end, false) }
      return isRoman(bytes, from: index, to: end) ? (end, false) : nil
    }
    let first = byte(start)
    if first == 0x2A || first == 0x2D {
      // A bullet, never a lone "-" or "*" clause (a rule or a footnote mark).
      return byte(start + 1) == 0x20 && start + 2 < count ? 2 : 0
    }
    if first == 0x28 {
      guard let (end, number) = label(start + 1, lettersAllowed: true), byte(end) == 0x29,
        let space = followed(end + 1, glued: number)
      else { return 0 }
      return end + 1 - start + space
    }
    guard let (firstEnd, firstIsNumber) = label(start, lettersAllowed: true) else { return 0 }
    if byte(firstEnd) == 0x29 {
      guard let space = followed(firstEnd + 1, glued: firstIsNumber) else { return 0 }
      return firstEnd + 1 - start + space
    }
    var end = firstEnd
    var parts = 1
    var numbers = firstIsNumber ? 1 : 0
    var trailingDot = false
    while byte(end) == 0x2E {
      trailingDot = true
      guard let (next, number) = label(end + 1, lettersAllowed: true) else { break }
      end = next
      parts += 1
      if number { numbers += 1 }
      trailingDot = false
    }
    // Several parts need a number among them: "B.3.a." is a marker, "U.S." and "i.e." are not.
    if parts > 1, numbers == 0 { return 0 }
    if trailingDot {
      guard let space = followed(end + 1, glued: firstIsNumber || parts > 1) else { return 0 }
      return end + 1 - start + space
    }
    // No final dot: "1.2 Scope", "3 Definitions".
    guard parts > 1 || (firstIsNumber && firstEnd - start <= 2), byte(end) == 0x20, isUpper(byte(end + 1)) else {
      return 0
    }
    return end + 1 - start
  }

  /// Roman numerals from 1 to 39, all lowercase or all uppercase.
  static func isRoman(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
    romanNumerals.contains(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
  }

  static let romanNumerals: Set<String> = {
    let ones = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"]
    let tens = ["", "x", "xx", "xxx"]
    var numerals: Set<String> = []
    for ten in tens {
      for one in ones where !(ten + one).isEmpty {
        numerals.insert(ten + one)
        numerals.insert((ten + one).uppercased())
      }
    }
    return numerals
  }()
}
