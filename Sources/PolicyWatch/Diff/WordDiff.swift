/// What happened to a run of words.
public enum WordEditKind: String, Sendable, Codable {
  case equal
  case inserted
  case deleted
}

/// A run of words (and the whitespace between them) that is equal, inserted or deleted.
public struct WordEdit: Sendable, Hashable, Codable {
  public var kind: WordEditKind
  /// Display text: from the new version for `equal` and `inserted`, from the old version for `deleted`.
  public var text: String

  public init(kind: WordEditKind, text: String) {
    self.kind = kind
    self.text = text
  }
}

/// Word-level diff of two texts.
///
/// Tokens are words (letters, digits and combining marks) and punctuation (one token per character, except that
/// a run of dots or an ellipsis is one token); whitespace is never a token, so it never shows as a change. Tokens
/// are compared by their normalised form (`TextNormalization.key`, computed only for non-ASCII tokens), so
/// typographic quotes, dashes or compatibility characters are equal to their plain forms. The alignment is
/// Myers' diff on interned token ids (capped at 1,000 edit steps; beyond that only the common prefix and suffix
/// are kept and the middle is one replacement). Consecutive edits are coalesced: a change block is one deleted
/// run followed by one inserted run.
///
/// Whitespace: each run carries the whitespace that precedes its words. For a replacement the whitespace before
/// it goes to the preceding equal run, so deleted and inserted runs start with a word; a pure insertion or
/// deletion starts with its separating space (a deletion at the very start ends with it). Joining the `equal`
/// and `inserted` texts gives the new text (without leading and trailing whitespace); joining `equal` and
/// `deleted` gives the old text up to whitespace.
public enum WordDiff {
  public static func diff(_ old: String, _ new: String) -> [WordEdit] {
    diffWithCounts(old, new).edits
  }

  /// The diff and its token counts: how many tokens each side has and how many are equal (the share of tokens
  /// kept, 2·equal / (old + new), is the order-aware similarity of the two texts).
  static func diffWithCounts(_ old: String, _ new: String) -> (
    edits: [WordEdit], equal: Int, oldCount: Int, newCount: Int
  ) {
    let oldBytes = Array(old.utf8)
    let newBytes = Array(new.utf8)
    let oldTokens = tokenize(oldBytes)
    let newTokens = tokenize(newBytes)
    let matches = alignTokens(oldTokens.map(\.id), newTokens.map(\.id))

    // Every run is built from byte ranges of one side (consecutive ranges are contiguous, so they merge).
    var builder = EditBuilder()
    var oldCursor = 0
    var newCursor = 0
    for match in matches {
      builder.appendChange(
        deleted: oldTokens[oldCursor..<match.old], inserted: newTokens[newCursor..<match.new],
        nextOld: match.old < oldTokens.count ? oldTokens[match.old].start : nil)
      let token = newTokens[match.new]
      builder.append(.equal, token.spaceStart..<token.end)
      oldCursor = match.old + 1
      newCursor = match.new + 1
    }
    builder.appendChange(
      deleted: oldTokens[oldCursor...], inserted: newTokens[newCursor...], nextOld: nil)
    var edits: [WordEdit] = []
    edits.reserveCapacity(builder.runs.count)
    for run in builder.runs {
      var text = ""
      for range in run.ranges {
        text += run.kind == .deleted ? substring(oldBytes, range) : substring(newBytes, range)
      }
      edits.append(WordEdit(kind: run.kind, text: text))
    }
    return (edits, matches.count, oldTokens.count, newTokens.count)
  }

  private static func substring(_ bytes: [UInt8], _ range: Range<Int>) -> String {
    String(decoding: bytes[range], as: UTF8.self)
  }

  private static func alignTokens(_ old: [Int], _ new: [Int]) -> [SequenceAlignment.Match] {
    if let matches = SequenceAlignment.myers(old, 0..<old.count, new, 0..<new.count, maxD: 1_000) {
      return matches
    }
    // Too different for a bounded Myers run: keep the common prefix and suffix, replace the middle.
    var matches: [SequenceAlignment.Match] = []
    var prefix = 0
    while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] {
      matches.append(.init(old: prefix, new: prefix))
      prefix += 1
    }
    var suffix: [SequenceAlignment.Match] = []
    var i = old.count - 1
    var j = new.count - 1
    while i >= prefix, j >= prefix, old[i] == new[j] {
      suffix.append(.init(old: i, new: j))
      i -= 1
      j -= 1
    }
    return matches + suffix.reversed()
  }

  /// A token as UTF-8 byte offsets into its text.
  struct Token {
    /// Where the whitespace before the token starts (equal to `start` when there is none).
    var spaceStart: Int
    var start: Int
    var end: Int
    /// 64-bit FNV-1a hash of the token's normalised form. Used directly as the token's identity: with a few
    /// hundred tokens per clause a collision is vanishingly unlikely, and it saves interning every token.
    var id: Int
  }

  private enum CharacterClass {
    case space
    case word
    case dot
    case punctuation
  }

  private static func classify(_ scalar: Unicode.Scalar) -> CharacterClass {
    let value = scalar.value
    if value < 0x80 {
      switch UInt8(value) {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        return .word
      case UInt8(ascii: " "), 0x09...0x0D: return .space
      case UInt8(ascii: "."): return .dot
      default: return .punctuation
      }
    }
    if value == 0x2026 { return .dot }
    if TextNormalization.invisible.contains(value) || scalar.properties.isWhitespace { return .space }
    let properties = scalar.properties
    if properties.isAlphabetic || properties.numericType != nil { return .word }
    switch properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark: return .word
    default: return .punctuation
    }
  }

  /// The class of the character at `offset` and its length in bytes; ASCII without decoding.
  @inline(__always)
  private static func classify(_ bytes: [UInt8], _ offset: Int) -> (CharacterClass, Int) {
    let byte = bytes[offset]
    if byte < 0x80 {
      let folded = byte | 0x20
      if (folded >= UInt8(ascii: "a") && folded <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
      {
        return (.word, 1)
      }
      if byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0D) { return (.space, 1) }
      return (byte == UInt8(ascii: ".") ? .dot : .punctuation, 1)
    }
    let (scalar, length) = decode(bytes, offset)
    return (classify(scalar), length)
  }

  /// Decodes the scalar starting at `offset` of valid UTF-8 and returns it with its length in bytes.
  private static func decode(_ bytes: [UInt8], _ offset: Int) -> (Unicode.Scalar, Int) {
    let lead = bytes[offset]
    if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
    for k in 1..<length where offset + k < bytes.count {
      value = value << 6 | (UInt32(bytes[offset + k]) & 0x3F)
    }
    return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
  }

  private static func fnv1a<C: Sequence<UInt8>>(_ bytes: C) -> Int {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    return Int(truncatingIfNeeded: hash)
  }

  static func tokenize(_ bytes: [UInt8]) -> [Token] {
    var tokens: [Token] = []
    tokens.reserveCapacity(bytes.count / 4)
    var offset = 0
    var spaceStart = 0
    while offset < bytes.count {
      let (kind, length) = classify(bytes, offset)
      if kind == .space {
        offset += length
        continue
      }
      let start = offset
      var ascii = length == 1
      offset += length
      if kind == .word || kind == .dot {
        while offset < bytes.count {
          let (nextKind, nextLength) = classify(bytes, offset)
          guard nextKind == kind else { break }
          ascii = ascii && nextLength == 1
          offset += nextLength
        }
      }
      let id: Int
      if ascii {
        id = fnv1a(bytes[start..<offset])
      } else {
        id = fnv1a(TextNormalization.key(String(decoding: bytes[start..<offset], as: UTF8.self)).utf8)
      }
      let spaceBefore = tokens.isEmpty ? start : spaceStart  // leading whitespace of the text is dropped
      tokens.append(Token(spaceStart: spaceBefore, start: start, end: offset, id: id))
      spaceStart = offset
    }
    return tokens
  }
}

/// Appends runs as byte ranges, merging a run into the previous one of the same kind.
private struct EditBuilder {
  struct Run {
    var kind: WordEditKind
    var ranges: [Range<Int>]
  }
  var runs: [Run] = []
  var isEmpty: Bool { runs.isEmpty }

  /// One change block: the deleted tokens, then the inserted ones (see the whitespace rules on `WordDiff`).
  /// `nextOld` is where the next old token starts (for a deletion at the very start).
  mutating func appendChange(
    deleted: ArraySlice<WordDiff.Token>, inserted: ArraySlice<WordDiff.Token>, nextOld: Int?
  ) {
    guard let firstDeleted = deleted.first, let lastDeleted = deleted.last else {
      if let first = inserted.first, let last = inserted.last { append(.inserted, first.spaceStart..<last.end) }
      return
    }
    if let firstInserted = inserted.first, let lastInserted = inserted.last {
      if isEmpty {
        append(.deleted, firstDeleted.start..<lastDeleted.end)
        append(.inserted, firstInserted.spaceStart..<lastInserted.end)
      } else {
        append(.equal, firstInserted.spaceStart..<firstInserted.start)
        append(.deleted, firstDeleted.start..<lastDeleted.end)
        append(.inserted, firstInserted.start..<lastInserted.end)
      }
    } else if isEmpty, let nextOld {
      // A deletion at the very start keeps the space after it, so that equal + deleted still reads as the old
      // text ("Sometimes " + "we sell…").
      append(.deleted, firstDeleted.start..<nextOld)
    } else {
      append(.deleted, (isEmpty ? firstDeleted.start : firstDeleted.spaceStart)..<lastDeleted.end)
    }
  }

  mutating func append(_ kind: WordEditKind, _ range: Range<Int>) {
    if range.isEmpty { return }
    if let last = runs.indices.last, runs[last].kind == kind {
      if runs[last].ranges[runs[last].ranges.count - 1].upperBound == range.lowerBound {
        runs[last].ranges[runs[last].ranges.count - 1] =
          runs[last].ranges[runs[last].ranges.count - 1]
          .lowerBound..<range.upperBound
      } else {
        runs[last].ranges.append(range)
      }
    } else {
      runs.append(Run(kind: kind, ranges: [range]))
    }
  }
}
