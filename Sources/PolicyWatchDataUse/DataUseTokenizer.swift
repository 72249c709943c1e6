import PolicyWatchText

/// A word or a punctuation mark of a clause, with where it stands in the normalised display text.
struct DataUseToken: Sendable {
  enum Kind: Sendable, Equatable {
    case word
    /// `.`/`!`/`?` ending a sentence.
    case sentenceEnd
    /// `;` or `:` ending a clause part.
    case clauseEnd
    case comma
  }
  var kind: Kind
  /// Lower-cased text (the `TextNormalization.looseKey` of the token).
  var key: String
  /// Range in the `TextNormalization.key` of the clause (case kept, for showing what matched).
  var range: Range<String.Index>
  /// Whether the word starts with an upper-case letter as written (for `<name>` patterns: "used to improve Orbit").
  var capitalized = false

  var isWord: Bool { kind == .word }
}

/// Splits text into words and the punctuation that ends sentences and clause parts.
///
/// Words are runs of letters and digits, with apostrophes inside them kept ("don't", "user's"). Hyphens, slashes,
/// quotes and brackets separate words and are dropped, so "fine-tune" and "fine tune" are the same two words and
/// "(AI)" is just "ai". A full stop ends a sentence only when followed by a space or the end of the text and not
/// after a single letter ("e.g.", "U.S.") or a common abbreviation ("etc.", "Inc.").
enum DataUseTokenizer {
  static func tokenize(_ text: String) -> [DataUseToken] {
    tokenize(normalized: TextNormalization.key(text))
  }

  /// Tokenises text that is already a `TextNormalization.key`.
  ///
  /// Walks Unicode scalars, not Characters (grapheme breaking was most of the classifier's time): a word is a run
  /// of letters and digits, with the combining marks that follow them and inner apostrophes ("don't").
  static func tokenize(normalized text: String) -> [DataUseToken] {
    var tokens: [DataUseToken] = []
    let scalars = text.unicodeScalars
    var index = scalars.startIndex
    let end = scalars.endIndex
    while index < end {
      let scalar = scalars[index]
      let next = scalars.index(after: index)
      if isWordScalar(scalar) {
        var stop = next
        while stop < end {
          let following = scalars[stop]
          if isWordScalar(following) || isMark(following) {
            stop = scalars.index(after: stop)
          } else if following == "'", scalars.index(after: stop) < end,
            isWordScalar(scalars[scalars.index(after: stop)])
          {
            stop = scalars.index(after: stop)
          } else {
            break
          }
        }
        tokens.append(
          DataUseToken(
            kind: .word, key: lowercased(scalars[index..<stop]), range: index..<stop,
            capitalized: scalar.properties.isUppercase))
        index = stop
        continue
      }
      switch scalar {
      case ".", "!", "?":
        let atEnd = next == end || scalars[next].properties.isWhitespace
        if atEnd && !(scalar == "." && isAbbreviation(tokens.last)) {
          tokens.append(DataUseToken(kind: .sentenceEnd, key: String(scalar), range: index..<next))
        }
      case ";", ":":
        tokens.append(DataUseToken(kind: .clauseEnd, key: String(scalar), range: index..<next))
      case ",":
        tokens.append(DataUseToken(kind: .comma, key: ",", range: index..<next))
      default:
        break
      }
      index = next
    }
    return tokens
  }

  /// What `Character.isLetter || Character.isNumber` says of a character starting with this scalar.
  @inline(__always)
  private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x80 {
      return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || (value >= 0x30 && value <= 0x39)
    }
    return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
  }

  /// Combining marks, which belong to the character before them.
  @inline(__always)
  private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
    guard scalar.value >= 0x300 else { return false }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark: return true
    default: return false
    }
  }

  private static func lowercased(_ word: Substring.UnicodeScalarView) -> String {
    if word.allSatisfy({ $0.value < 0x80 }) {
      return String(
        decoding: word.map { $0.value >= 0x41 && $0.value <= 0x5A ? UInt8($0.value + 0x20) : UInt8($0.value) },
        as: UTF8.self)
    }
    return String(String.UnicodeScalarView(word)).lowercased()
  }

  private static let abbreviations: Set<String> = ["etc", "inc", "ltd", "co", "corp", "llc", "vs", "mr", "mrs", "dr"]

  private static func isAbbreviation(_ token: DataUseToken?) -> Bool {
    guard let token, token.isWord else { return false }
    return token.key.count == 1 || abbreviations.contains(token.key)
  }
}
