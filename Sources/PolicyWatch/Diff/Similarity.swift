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
    var signature = SIMD4<UInt64>.zero
    var previous: UInt64? = nil
    var repeats = 0
    for hash in hashes {
      if hash == previous {
        repeats += 1
        continue
      }
      previous = hash
      // The top bits choose the bit (the low bits already ordered the sort; any bits would do).
      let bit = Int(hash >> 56)
      signature[bit >> 6] |= 1 << UInt64(bit & 63)
    }
    self.signature = signature
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
    var hashes: [UInt64] = []
    var key = key
    key.withUTF8 { bytes in
      hashes.reserveCapacity(bytes.count / 5)
      // Word bytes are packed 8 at a time into `packed` and mixed in with one multiply per 8 bytes (a per-byte
      // FNV multiply chain was the slowest part of fingerprinting).
      var hash: UInt64 = 0
      var packed: UInt64 = 0
      var length: UInt64 = 0
      for byte in bytes {
        var folded = byte
        let isWord: Bool
        if byte >= 0x80 {
          isWord = true
        } else if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") {
          isWord = true
        } else if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
          isWord = true
          folded = byte | 0x20
        } else {
          isWord = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }
        if isWord {
          packed = packed << 8 | UInt64(folded)
          length &+= 1
          if length & 7 == 0 {
            hash = (hash ^ packed) &* 0x9E37_79B9_7F4A_7C15
            packed = 0
          }
        } else if length > 0 {
          hashes.append(Self.finish(hash ^ packed, length))
          hash = 0
          packed = 0
          length = 0
        }
      }
      if length > 0 { hashes.append(Self.finish(hash ^ packed, length)) }
    }
    hashes.sort()
    self.hashes = hashes
    computeSignature()
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

  /// The best Dice score two fingerprints of these sizes could reach; used to skip hopeless pairs.
  static func diceUpperBound(_ a: Int, _ b: Int) -> Double {
    guard a > 0, b > 0 else { return 0 }
    return Double(2 * min(a, b)) / Double(a + b)
  }
}
