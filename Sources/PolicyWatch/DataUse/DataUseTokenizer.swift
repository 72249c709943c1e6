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
  static func tokenize(normalized text: String) -> [DataUseToken] {
    var tokens: [DataUseToken] = []
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      if isWordCharacter(character) {
        var end = text.index(after: index)
        while end < text.endIndex {
          let next = text[end]
          if isWordCharacter(next) {
            end = text.index(after: end)
          } else if next == "'", text.index(after: end) < text.endIndex,
            isWordCharacter(text[text.index(after: end)])
          {
            end = text.index(after: end)
          } else {
            break
          }
        }
        tokens.append(DataUseToken(kind: .word, key: text[index..<end].lowercased(), range: index..<end))
        index = end
        continue
      }
      let next = text.index(after: index)
      switch character {
      case ".", "!", "?":
        let atEnd = next == text.endIndex || text[next].isWhitespace
        if atEnd && !(character == "." && isAbbreviation(tokens.last)) {
          tokens.append(DataUseToken(kind: .sentenceEnd, key: String(character), range: index..<next))
        }
      case ";", ":":
        tokens.append(DataUseToken(kind: .clauseEnd, key: String(character), range: index..<next))
      case ",":
        tokens.append(DataUseToken(kind: .comma, key: ",", range: index..<next))
      default:
        break
      }
      index = next
    }
    return tokens
  }

  private static func isWordCharacter(_ character: Character) -> Bool {
    character.isLetter || character.isNumber
  }

  private static let abbreviations: Set<String> = ["etc", "inc", "ltd", "co", "corp", "llc", "vs", "mr", "mrs", "dr"]

  private static func isAbbreviation(_ token: DataUseToken?) -> Bool {
    guard let token, token.isWord else { return false }
    return token.key.count == 1 || abbreviations.contains(token.key)
  }
}
