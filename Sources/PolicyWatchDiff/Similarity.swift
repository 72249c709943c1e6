/// Similarity of clause texts, for pairing removed and added clauses.
///
/// A clause is reduced to the sorted multiset of 64-bit hashes of its words (letters and digits, ASCII case
/// folded, punctuation ignored), computed in one pass over the UTF-8 bytes of its comparison key: no Strings are
/// allocated, so fingerprinting 20,000 clauses costs a few milliseconds. Similarity is the Dice coefficient of
/// the two multisets, 2·|A∩B| / (|A|+|B|), computed by merging the sorted arrays in O(|A|+|B|). Word order is
/// ignored on purpose (a reordered sentence is still "the same clause, modified"); the word diff shows the order.
/// Bytes ≥ 0x80 count as word characters: the comparison key has already mapped typographic punctuation to
/// ASCII, so what remains non-ASCII is letters of other scripts. Hash collisions can only raise a score.
///
/// Each fingerprint also carries a 256-bit signature (one bit per distinct word) so that most hopeless pairs are
/// rejected with four AND/popcount operations before the merge (`mayReach`).
struct WordFingerprint: Sendable {
  var hashes: [UInt64]
  var signature: SIMD4<UInt64> = .zero
  /// Words that repeat an earlier word of the clause (count − distinct count).
  var repeats = 0

  init(hashes: [UInt64]) {
    self.hashes = hashes
    computeSignature()
  }

  private mutating func computeSignature() {
    // Four plain words rather than SIMD lanes chosen by a variable index (which goes through memory).
    var s0: UInt64 = 0
    var s1: UInt64 = 0
    var s2: UInt64 = 0
    var s3: UInt64 = 0
    var repeats = 0
    hashes.withUnsafeBufferPointer { hashes in
      var previous: UInt64? = nil
      for hash in hashes {
        if hash == previous {
          repeats += 1
          continue
        }
        previous = hash
        // The top bits choose the bit (the low bits already ordered the sort; any bits would do).
        let bit: UInt64 = 1 << ((hash >> 56) & 63)
        switch hash >> 62 {
        case 0: s0 |= bit
        case 1: s1 |= bit
        case 2: s2 |= bit
        default: s3 |= bit
        }
      }
    }
    self.signature = SIMD4(s0, s1, s2, s3)
    self.repeats = repeats
  }

  /// An optimistic estimate of `commonCount(with:)`: the shared signature bits, plus the repeats of the smaller
  /// side and a margin of 2 for distinct common words that fell on the same bit. Used only to skip pairs whose
  /// estimate cannot reach what is needed; a pair that could is always compared exactly.
  func commonEstimate(_ other: WordFingerprint) -> Int {
    let shared = signature & other.signature
    let bits =
      shared[0].nonzeroBitCount + shared[1].nonzeroBitCount + shared[2].nonzeroBitCount
      + shared[3].nonzeroBitCount
    return bits + min(repeats, other.repeats) + 2
  }

  init(_ key: String) {
    var scratch: [UInt64] = []
    self.init(key, scratch: &scratch)
  }

  /// As above, collecting the word hashes in `scratch` (reused from one clause to the next, so the only allocation
  /// is the final, exactly sized array).
  init(_ key: String, scratch: inout [UInt64]) {
    var key = key
    let count = key.withUTF8 { bytes -> Int in
      // A word is followed by a non-word byte unless it ends the text: at most count / 2 + 1 words.
      let bound = bytes.count / 2 + 1
      if scratch.count < bound { scratch = [UInt64](repeating: 0, count: max(bound, 2 * scratch.count)) }
      return scratch.withUnsafeMutableBufferPointer { out in
        wordByteTable.withUnsafeBufferPointer { table in Self.hashWords(bytes, table: table, into: out) }
      }
    }
    hashes = scratch.withUnsafeMutableBufferPointer { buffer in
      let words = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
      Self.sort(words)
      return Array(words)
    }
    computeSignature()
  }

  /// Writes the hash of every word of `bytes` to `out` and returns how many there are.
  ///
  /// Word bytes are packed 8 at a time into `packed` and mixed in with one multiply per 8 bytes (a per-byte FNV
  /// multiply chain was the slowest part of fingerprinting).
  private static func hashWords(
    _ bytes: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt64>
  ) -> Int {
    var count = 0
    var hash: UInt64 = 0
    var packed: UInt64 = 0
    var length: UInt64 = 0
    for byte in bytes {
      // Word bytes: letters (ASCII case folded), digits and every byte ≥ 0x80; anything else ends a word.
      let folded = table[Int(byte)]
      if folded != 0 {
        packed = packed << 8 | UInt64(folded)
        length &+= 1
        if length & 7 == 0 {
          hash = (hash ^ packed) &* 0x9E37_79B9_7F4A_7C15
          packed = 0
        }
      } else if length > 0 {
        out[count] = finish(hash ^ packed, length)
        count += 1
        hash = 0
        packed = 0
        length = 0
      }
    }
    if length > 0 {
      out[count] = finish(hash ^ packed, length)
      count += 1
    }
    return count
  }

  /// Sorts in place: insertion sort for the few dozen words of a typical clause (no comparator calls, no
  /// temporary buffer), the standard library's sort above that. Either gives the one sorted order.
  static func sort(_ buffer: UnsafeMutableBufferPointer<UInt64>) {
    guard buffer.count <= 64 else {
      var buffer = buffer
      buffer.sort()
      return
    }
    var i = 1
    while i < buffer.count {
      let value = buffer[i]
      var j = i
      while j > 0, buffer[j - 1] > value {
        buffer[j] = buffer[j - 1]
        j -= 1
      }
      buffer[j] = value
      i += 1
    }
  }

  /// Final mix of a word's packed bytes and its length (so "ab" and "\0ab" differ), spreading every input bit.
  @inline(__always)
  private static func finish(_ value: UInt64, _ length: UInt64) -> UInt64 {
    var z = (value ^ (length << 56)) &* 0xBF58_476D_1CE4_E5B9
    z ^= z >> 31
    z = z &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 29)
  }

  var count: Int { hashes.count }

  /// The multiset union (the fingerprint of two clauses read as one).
  func combined(with other: WordFingerprint) -> WordFingerprint {
    var merged: [UInt64] = []
    merged.reserveCapacity(hashes.count + other.hashes.count)
    var i = 0
    var j = 0
    while i < hashes.count, j < other.hashes.count {
      if hashes[i] <= other.hashes[j] {
        merged.append(hashes[i])
        i += 1
      } else {
        merged.append(other.hashes[j])
        j += 1
      }
    }
    merged.append(contentsOf: hashes[i...])
    merged.append(contentsOf: other.hashes[j...])
    return WordFingerprint(hashes: merged)
  }

  /// Size of the multiset intersection: a branch-free merge of the two sorted arrays.
  func commonCount(with other: WordFingerprint) -> Int {
    hashes.withUnsafeBufferPointer { a in
      other.hashes.withUnsafeBufferPointer { b in
        var i = 0
        var j = 0
        var common = 0
        while i < a.count, j < b.count {
          let x = a[i]
          let y = b[j]
          common &+= x == y ? 1 : 0
          i &+= x <= y ? 1 : 0
          j &+= y <= x ? 1 : 0
        }
        return common
      }
    }
  }

  /// The `count` smallest distinct hashes: a bottom-k (MinHash-style) sample. Two clauses sharing a fraction J
  /// of their distinct words share one of these samples with probability about 1 − (1 − J)^count.
  func sample(_ count: Int) -> ArraySlice<UInt64> {
    var end = 0
    var distinct = 0
    var previous: UInt64? = nil
    while end < hashes.count, distinct < count || hashes[end] == previous {
      if hashes[end] != previous {
        distinct += 1
        previous = hashes[end]
      }
      end += 1
    }
    return hashes[..<end]
  }

  /// Dice coefficient in 0…1 (0 when either side has no words).
  func dice(_ other: WordFingerprint) -> Double {
    let total = count + other.count
    guard count > 0, other.count > 0 else { return 0 }
    return Double(2 * commonCount(with: other)) / Double(total)
  }
}

/// Inverted index from the sampled word hashes of the new clauses of a gap to their ranks in the gap, each list in
/// rank order. Built in two linear passes over the samples into one flat array (compressed rows), with an
/// open-addressing table on the hashes (already well mixed, so their low bits pick the slot): no per-word arrays
/// and no Dictionary in the pairing loop.
struct SampleIndex {
  private var slotHashes: [UInt64]
  private var slotWords: [Int32]  // -1: empty
  private var mask: Int
  /// Word w's ranks are `ranks[starts[w]..<starts[w + 1]]`.
  private var starts: [Int32] = []
  private(set) var ranks: [Int32] = []

  /// `samples[q]` is the sample (sorted hashes, repeats allowed) of the new clause at rank q.
  init(samples: [ArraySlice<UInt64>]) {
    var total = 0
    for sample in samples { total += sample.count }
    var size = 16
    while size < 2 * total { size <<= 1 }
    slotHashes = [UInt64](repeating: 0, count: size)
    slotWords = [Int32](repeating: -1, count: size)
    mask = size - 1
    var counts: [Int32] = []
    var entryWords: [Int32] = []
    entryWords.reserveCapacity(total)
    for sample in samples {
      var previous: UInt64? = nil
      for hash in sample where hash != previous {
        previous = hash
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slotWords[slot] >= 0, slotHashes[slot] != hash { slot = (slot + 1) & mask }
        if slotWords[slot] < 0 {
          slotWords[slot] = Int32(counts.count)
          slotHashes[slot] = hash
          counts.append(0)
        }
        counts[Int(slotWords[slot])] += 1
        entryWords.append(slotWords[slot])
      }
    }
    starts = [Int32](repeating: 0, count: counts.count + 1)
    for word in counts.indices { starts[word + 1] = starts[word] + counts[word] }
    var cursor = starts
    ranks = [Int32](repeating: 0, count: entryWords.count)
    var entry = 0
    for (rank, sample) in samples.enumerated() {
      var previous: UInt64? = nil
      for hash in sample where hash != previous {
        previous = hash
        let word = Int(entryWords[entry])
        ranks[Int(cursor[word])] = Int32(rank)
        cursor[word] += 1
        entry += 1
      }
    }
  }

  /// The positions in `ranks` of the list of `hash` (nil when no sample holds it).
  func list(_ hash: UInt64) -> Range<Int>? {
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let word = slotWords[slot]
      if word < 0 { return nil }
      if slotHashes[slot] == hash { return Int(starts[Int(word)])..<Int(starts[Int(word) + 1]) }
      slot = (slot + 1) & mask
    }
  }
}

/// For each byte: its case-folded value when it is a word byte of `WordFingerprint` (ASCII letters and digits,
/// every byte ≥ 0x80), 0 otherwise. Read through an unsafe buffer: one load per byte, no bounds check.
private let wordByteTable: [UInt8] = (0...255).map { (value: Int) -> UInt8 in
  let byte = UInt8(value)
  if byte >= 0x80 || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) { return byte }
  if (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") { return byte | 0x20 }
  return 0
}
