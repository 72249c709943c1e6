import Foundation

/// How text is normalised for comparison (display text is kept as it was).
///
/// The key is: Unicode NFKC; zero-width and soft-hyphen characters removed; typographic quotes, apostrophes,
/// dashes and ellipses unified to ASCII; every run of whitespace (including no-break spaces) collapsed to one
/// space; trimmed. Case is kept: a change of case is shown, but `TextNormalization.looseKey` folds it.
public enum TextNormalization {
  public static func key(_ text: String) -> String {
    var output = String.UnicodeScalarView()
    var pendingSpace = false
    // NFKC is the identity on ASCII, Latin-1 letters and the characters mapped below; most clauses are only
    // that, and skip Foundation's normalisation (the costliest step of extraction otherwise).
    let normalized = needsNFKC(text) ? text.precomposedStringWithCompatibilityMapping : text
    for scalar in normalized.unicodeScalars {
      if invisible.contains(scalar.value) { continue }
      if isSpace(scalar) {
        pendingSpace = !output.isEmpty
        continue
      }
      if pendingSpace {
        output.append(" ")
        pendingSpace = false
      }
      if let replacement = typographic[scalar.value] {
        output.append(contentsOf: replacement.unicodeScalars)
      } else {
        output.append(scalar)
      }
    }
    return String(output)
  }

  static func needsNFKC(_ text: String) -> Bool {
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
  static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
    return value == 0xA0 || value == 0x1680 || (value >= 0x2000 && value <= 0x200A) || value == 0x2028
      || value == 0x2029 || value == 0x202F || value == 0x205F || value == 0x3000 || value == 0x85
  }

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
