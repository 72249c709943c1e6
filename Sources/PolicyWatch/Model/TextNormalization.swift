import Foundation

/// How text is normalised for comparison (display text is kept as it was).
///
/// The display text keeps what the page shows, but for U+FEFF (see `isDroppedFromDisplay`).
///
/// The key is: Unicode NFKC; zero-width and soft-hyphen characters removed; typographic quotes, apostrophes,
/// dashes and ellipses unified to ASCII; every run of whitespace (including no-break spaces) collapsed to one
/// space; trimmed. Case is kept: a change of case is shown, but `TextNormalization.looseKey` folds it.
public enum TextNormalization {
  public static func key(_ text: String) -> String {
    // Most clauses come out of extraction already in key form (ASCII, whitespace collapsed): return them as they
    // are, without building a copy (`normalizedKey` is the definition).
    isASCIIKey(text) ? text : normalizedKey(text)
  }

  /// `key` by its definition, for any text.
  static func normalizedKey(_ text: String) -> String {
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
            output.append(0x20)
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
          pendingSpace = !output.isEmpty
          continue
        }
        if pendingSpace {
          output.append(0x20)
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

  /// Whether `text` is its own key by the rules of `key` for ASCII: no tab, newline or other ASCII whitespace but
  /// single inner spaces, no leading or trailing space, no backtick (made an apostrophe), nothing beyond ASCII.
  static func isASCIIKey(_ text: String) -> Bool {
    var previous: UInt8 = 0x20  // a leading space fails like a double one
    for byte in text.utf8 {
      if byte >= 0x80 || byte == 0x60 || (byte >= 0x09 && byte <= 0x0D) || (byte == 0x20 && previous == 0x20) {
        return false
      }
      previous = byte
    }
    return previous != 0x20 || text.isEmpty
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

  @inline(__always)
  static func isSpace(_ value: UInt32) -> Bool {
    if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
    return value == 0xA0 || value == 0x1680 || (value >= 0x2000 && value <= 0x200A) || value == 0x2028
      || value == 0x2029 || value == 0x202F || value == 0x205F || value == 0x3000 || value == 0x85
  }

  /// Characters removed from the display text too (not only from the key): U+FEFF, a byte-order mark left inside
  /// the text (a concatenated file, a CMS), shows as nothing or as garbage and means nothing. The other invisible
  /// characters stay in the display text: joiners shape emoji and scripts, soft hyphens and bidi marks guide display.
  @inline(__always)
  static func isDroppedFromDisplay(_ value: UInt32) -> Bool { value == 0xFEFF }

  /// Zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks.
  static let invisible: Set<UInt32> = [
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
