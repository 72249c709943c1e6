import PolicyWatchText

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
/// Myers' diff on token ids (capped at 1,000 edit steps; beyond that only the common prefix and suffix are kept
/// and the middle is one replacement). Consecutive edits are coalesced: a change block is one deleted run
/// followed by one inserted run.
///
/// Whitespace: each run carries the whitespace that precedes its words. For a replacement with whitespace before
/// it on both sides the whitespace goes to the preceding equal run, so deleted and inserted runs start with a
/// word; when only one side has it ("area and" → "area,") each run keeps its own (" and", ","). A pure insertion
/// or deletion starts with its separating space (a deletion at the very start ends with it). Joining the `equal`
/// and `inserted` texts gives the new text (without leading and trailing whitespace); joining `equal` and
/// `deleted` gives the old text up to the kind of whitespace.
///
/// Cost: one pass over the UTF-8 bytes of each text (no `Character` iteration, no String per token), Myers on
/// `Int` ids in buffers that a caller diffing many clauses reuses (`WordDiffScratch`), and one String per run.
public enum WordDiff {
  /// The word edits that turn `old` into `new` (the rules above).
  /// - Returns: equal, deleted and inserted runs, in text order.
  public static func diff(_ old: String, _ new: String) -> [WordEdit] {
    var scratch = WordDiffScratch()
    return diffWithCounts(old, new, scratch: &scratch).edits
  }

  /// The diff and its token counts: how many tokens each side has and how many are equal (the share of tokens
  /// kept, 2·equal / (old + new), is the order-aware similarity of the two texts).
  static func diffWithCounts(_ old: String, _ new: String) -> (
    edits: [WordEdit], equal: Int, oldCount: Int, newCount: Int
  ) {
    var scratch = WordDiffScratch()
    return diffWithCounts(old, new, scratch: &scratch)
  }

  /// As above, with buffers reused from earlier calls.
  static func diffWithCounts(_ old: String, _ new: String, scratch: inout WordDiffScratch) -> (
    edits: [WordEdit], equal: Int, oldCount: Int, newCount: Int
  ) {
    var old = old
    var new = new
    return old.withUTF8 { oldBytes in
      new.withUTF8 { newBytes in diff(oldBytes, newBytes, scratch: &scratch) }
    }
  }

  private static func diff(
    _ oldBytes: UnsafeBufferPointer<UInt8>, _ newBytes: UnsafeBufferPointer<UInt8>, scratch: inout WordDiffScratch
  ) -> (edits: [WordEdit], equal: Int, oldCount: Int, newCount: Int) {
    let oldCount = tokenize(oldBytes, into: &scratch.oldTokens, ids: &scratch.oldIds)
    let newCount = tokenize(newBytes, into: &scratch.newTokens, ids: &scratch.newIds)
    alignTokens(&scratch, oldCount: oldCount, newCount: newCount)

    // Every run is built from byte ranges of one side (consecutive ranges are contiguous, so they merge).
    var builder = EditBuilder(swapping: &scratch)
    let oldTokens = scratch.oldTokens[0..<oldCount]
    let newTokens = scratch.newTokens[0..<newCount]
    var oldCursor = 0
    var newCursor = 0
    for match in scratch.matches {
      builder.appendChange(
        deleted: oldTokens[oldCursor..<match.old], inserted: newTokens[newCursor..<match.new],
        nextOld: match.old < oldCount ? oldTokens[match.old].start : nil)
      let token = newTokens[match.new]
      builder.append(.equal, token.spaceStart, token.end)
      oldCursor = match.old + 1
      newCursor = match.new + 1
    }
    builder.appendChange(
      deleted: oldTokens[oldCursor...], inserted: newTokens[newCursor...], nextOld: nil)
    var edits: [WordEdit] = []
    edits.reserveCapacity(builder.kinds.count)
    for run in builder.kinds.indices {
      let bytes = builder.kinds[run] == .deleted ? oldBytes : newBytes
      let first = builder.firstPiece[run]
      let end = run + 1 < builder.kinds.count ? builder.firstPiece[run + 1] : builder.pieceStarts.count
      let text: String
      if end - first == 1 {
        text = String(
          decoding: UnsafeBufferPointer(rebasing: bytes[builder.pieceStarts[first]..<builder.pieceEnds[first]]),
          as: UTF8.self)
      } else {
        // Pieces start and end on token boundaries, so joining their bytes joins whole scalars.
        builder.joined.removeAll(keepingCapacity: true)
        for piece in first..<end {
          builder.joined.append(
            contentsOf: UnsafeBufferPointer(rebasing: bytes[builder.pieceStarts[piece]..<builder.pieceEnds[piece]]))
        }
        text = String(decoding: builder.joined, as: UTF8.self)
      }
      edits.append(WordEdit(kind: builder.kinds[run], text: text))
    }
    builder.giveBack(to: &scratch)
    return (edits, scratch.matches.count, oldCount, newCount)
  }

  private static func alignTokens(_ scratch: inout WordDiffScratch, oldCount: Int, newCount: Int) {
    scratch.matches.removeAll(keepingCapacity: true)
    let old = scratch.oldIds[0..<oldCount]
    let new = scratch.newIds[0..<newCount]
    let found = old.withUnsafeBufferPointer { old in
      new.withUnsafeBufferPointer { new in
        SequenceAlignment.myers(
          old, new, maxD: 1_000, v: &scratch.myersV, trace: &scratch.myersTrace, matches: &scratch.matches)
      }
    }
    if found { return }
    // Too different for a bounded Myers run: keep the common prefix and suffix, replace the middle.
    scratch.matches.removeAll(keepingCapacity: true)
    var prefix = 0
    while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] {
      scratch.matches.append(.init(old: prefix, new: prefix))
      prefix += 1
    }
    let suffixStart = scratch.matches.count
    var i = old.count - 1
    var j = new.count - 1
    while i >= prefix, j >= prefix, old[i] == new[j] {
      scratch.matches.append(.init(old: i, new: j))
      i -= 1
      j -= 1
    }
    scratch.matches[suffixStart...].reverse()
  }

  /// A token as UTF-8 byte offsets into its text.
  struct Token {
    /// Where the whitespace before the token starts (equal to `start` when there is none).
    var spaceStart: Int
    var start: Int
    var end: Int
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

  /// The class of each ASCII byte, looked up through an unsafe buffer (one load per byte).
  private static let asciiClasses: [CharacterClass] = (0..<128).map { classifyASCII(UInt8($0)) }

  /// The class of an ASCII byte.
  private static func classifyASCII(_ byte: UInt8) -> CharacterClass {
    let folded = byte | 0x20
    if (folded >= UInt8(ascii: "a") && folded <= UInt8(ascii: "z"))
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    {
      return .word
    }
    if byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0D) { return .space }
    return byte == UInt8(ascii: ".") ? .dot : .punctuation
  }

  /// The class of the character at `offset` and its length in bytes; ASCII without decoding.
  @inline(__always)
  private static func classify(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> (CharacterClass, Int) {
    let byte = bytes[offset]
    if byte < 0x80 { return (classifyASCII(byte), 1) }
    let (scalar, length) = decode(bytes, offset)
    return (classify(scalar), length)
  }

  /// Decodes the scalar starting at `offset` of valid UTF-8 and returns it with its length in bytes.
  private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> (Unicode.Scalar, Int) {
    let lead = bytes[offset]
    if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
    for k in 1..<length where offset + k < bytes.count {
      value = value << 6 | (UInt32(bytes[offset + k]) & 0x3F)
    }
    return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
  }

  /// A token's identity: a 64-bit hash of the bytes `start..<end` of its normalised form, read 8 bytes at a time
  /// (little-endian words, the last one zero-padded: one unaligned load and a mask when the buffer extends 8 bytes
  /// past it, else assembled byte by byte to the same value), one multiply per word and a full-avalanche finish
  /// that also mixes in the length. Used directly as the id: with a few hundred tokens per clause a collision is
  /// vanishingly unlikely, and it saves interning every token.
  @inline(__always)
  private static func tokenID(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    let raw = UnsafeRawBufferPointer(bytes)
    var hash: UInt64 = 0
    var offset = start
    while offset + 8 <= end {
      hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
      offset += 8
    }
    var tail: UInt64 = 0
    if offset < end {
      if offset + 8 <= raw.count {
        tail = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        tail &= ~0 >> (64 - 8 * UInt64(end - offset))
      } else {
        var shift: UInt64 = 0
        for k in offset..<end {
          tail |= UInt64(raw[k]) << shift
          shift += 8
        }
      }
    }
    var z = (hash ^ tail ^ (UInt64(end - start) << 56)) &* 0xBF58_476D_1CE4_E5B9
    z ^= z >> 31
    z = z &* 0x94D0_49BB_1331_11EB
    return Int(truncatingIfNeeded: z ^ (z >> 29))
  }

  /// Splits `bytes` into tokens and their ids (both buffers are cleared first).
  /// Splits `bytes` into tokens and their ids, written to the start of `tokens` and `ids`, and returns how many
  /// there are. There is at most one token per byte: the buffers grow to that (once, for a caller that reuses
  /// them) and are then written through pointers, with no per-token append.
  static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: inout [Token], ids: inout [Int]) -> Int {
    if tokens.count < bytes.count || ids.count < bytes.count {
      let size = max(bytes.count, 2 * tokens.count)
      tokens = [Token](repeating: Token(spaceStart: 0, start: 0, end: 0), count: size)
      ids = [Int](repeating: 0, count: size)
    }
    return tokens.withUnsafeMutableBufferPointer { tokens in
      ids.withUnsafeMutableBufferPointer { ids in
        asciiClasses.withUnsafeBufferPointer { classes in tokenize(bytes, classes: classes, tokens: tokens, ids: ids) }
      }
    }
  }

  private static func tokenize(
    _ bytes: UnsafeBufferPointer<UInt8>, classes: UnsafeBufferPointer<CharacterClass>,
    tokens: UnsafeMutableBufferPointer<Token>, ids: UnsafeMutableBufferPointer<Int>
  ) -> Int {
    var tokenCount = 0
    var offset = 0
    var spaceStart = 0
    let count = bytes.count
    while offset < count {
      let byte = bytes[offset]
      let (kind, length) = byte < 0x80 ? (classes[Int(byte)], 1) : classify(bytes, offset)
      if kind == .space {
        offset += length
        continue
      }
      let start = offset
      var ascii = length == 1
      offset += length
      if kind == .word || kind == .dot {
        while offset < count {
          let byte = bytes[offset]
          if byte < 0x80 {
            // The common case, without the decoder.
            guard classes[Int(byte)] == kind else { break }
            offset += 1
            continue
          }
          let (nextKind, nextLength) = classify(bytes, offset)
          guard nextKind == kind else { break }
          ascii = false
          offset += nextLength
        }
      }
      let id: Int
      if ascii {
        id = tokenID(bytes, start, offset)
      } else {
        var key = TextNormalization.key(
          String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
        id = key.withUTF8 { tokenID($0, 0, $0.count) }
      }
      let spaceBefore = tokenCount == 0 ? start : spaceStart  // leading whitespace of the text is dropped
      tokens[tokenCount] = Token(spaceStart: spaceBefore, start: start, end: offset)
      ids[tokenCount] = id
      tokenCount += 1
      spaceStart = offset
    }
    return tokenCount
  }
}

/// Buffers for word diffs, reused from one diff to the next by a caller that diffs many clause pairs.
struct WordDiffScratch {
  var oldTokens: [WordDiff.Token] = []
  var newTokens: [WordDiff.Token] = []
  var oldIds: [Int] = []
  var newIds: [Int] = []
  var matches: [SequenceAlignment.Match] = []
  var myersV: [Int] = []
  var myersTrace: [Int] = []
  var runKinds: [WordEditKind] = []
  var runFirstPiece: [Int] = []
  var pieceStarts: [Int] = []
  var pieceEnds: [Int] = []
  var joined: [UInt8] = []
}

/// Appends runs as byte ranges ("pieces"), merging a run into the previous one of the same kind. Run `r` owns the
/// pieces from `firstPiece[r]` to the next run's first piece.
private struct EditBuilder {
  var kinds: [WordEditKind]
  var firstPiece: [Int]
  var pieceStarts: [Int]
  var pieceEnds: [Int]
  var joined: [UInt8]
  var isEmpty: Bool { kinds.isEmpty }

  /// Takes the scratch buffers (emptied) so that they can be filled without exclusive access to the scratch.
  init(swapping scratch: inout WordDiffScratch) {
    kinds = scratch.runKinds
    firstPiece = scratch.runFirstPiece
    pieceStarts = scratch.pieceStarts
    pieceEnds = scratch.pieceEnds
    joined = scratch.joined
    scratch.runKinds = []
    scratch.runFirstPiece = []
    scratch.pieceStarts = []
    scratch.pieceEnds = []
    scratch.joined = []
    kinds.removeAll(keepingCapacity: true)
    firstPiece.removeAll(keepingCapacity: true)
    pieceStarts.removeAll(keepingCapacity: true)
    pieceEnds.removeAll(keepingCapacity: true)
  }

  func giveBack(to scratch: inout WordDiffScratch) {
    scratch.runKinds = kinds
    scratch.runFirstPiece = firstPiece
    scratch.pieceStarts = pieceStarts
    scratch.pieceEnds = pieceEnds
    scratch.joined = joined
  }

  /// One change block: the deleted tokens, then the inserted ones (see the whitespace rules on `WordDiff`).
  /// `nextOld` is where the next old token starts (for a deletion at the very start).
  mutating func appendChange(
    deleted: ArraySlice<WordDiff.Token>, inserted: ArraySlice<WordDiff.Token>, nextOld: Int?
  ) {
    guard let firstDeleted = deleted.first, let lastDeleted = deleted.last else {
      if let first = inserted.first, let last = inserted.last { append(.inserted, first.spaceStart, last.end) }
      return
    }
    if let firstInserted = inserted.first, let lastInserted = inserted.last {
      let oldSpace = firstDeleted.start > firstDeleted.spaceStart
      let newSpace = firstInserted.start > firstInserted.spaceStart
      if isEmpty {
        append(.deleted, firstDeleted.start, lastDeleted.end)
        append(.inserted, firstInserted.spaceStart, lastInserted.end)
      } else if oldSpace == newSpace {
        // Whitespace before the block on both sides (or on neither): it is common text.
        append(.equal, firstInserted.spaceStart, firstInserted.start)
        append(.deleted, firstDeleted.start, lastDeleted.end)
        append(.inserted, firstInserted.start, lastInserted.end)
      } else {
        // On one side only ("area and" → "area,"): each run keeps its own, so both readings keep their spaces.
        append(.deleted, firstDeleted.spaceStart, lastDeleted.end)
        append(.inserted, firstInserted.spaceStart, lastInserted.end)
      }
    } else if isEmpty, let nextOld {
      // A deletion at the very start keeps the space after it, so that equal + deleted still reads as the old
      // text ("Sometimes " + "we sell…").
      append(.deleted, firstDeleted.start, nextOld)
    } else {
      append(.deleted, isEmpty ? firstDeleted.start : firstDeleted.spaceStart, lastDeleted.end)
    }
  }

  /// Appends the bytes `start..<end` to a run of `kind` (nothing when empty).
  mutating func append(_ kind: WordEditKind, _ start: Int, _ end: Int) {
    if start >= end { return }
    if let last = kinds.last, last == kind {
      if pieceEnds[pieceEnds.count - 1] == start {
        pieceEnds[pieceEnds.count - 1] = end
      } else {
        pieceStarts.append(start)
        pieceEnds.append(end)
      }
    } else {
      kinds.append(kind)
      firstPiece.append(pieceStarts.count)
      pieceStarts.append(start)
      pieceEnds.append(end)
    }
  }
}
