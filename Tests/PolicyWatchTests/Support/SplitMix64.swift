import PolicyWatchTestSupport

/// A small deterministic generator (SplitMix64), so generated fixtures and random cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A pseudo-random lower-case word of 3 to 8 letters.
  mutating func word() -> String {
    let letters = Array("abcdefghijklmnopqrstuvwxyz")
    let length = 3 + Int(next() % 6)
    return String((0..<length).map { _ in letters[Int(next() % 26)] })
  }

  /// `words` pseudo-random words and a full stop.
  mutating func sentence(words: Int) -> String {
    (0..<words).map { _ in word() }.joined(separator: " ") + "."
  }
}
