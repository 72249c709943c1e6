/// Finds where a rule's slots match in one sentence.
///
/// Algorithm: the sentence is scanned once for every phrase of the rule set (`PhraseTable.scan`: candidates by first
/// word, then the following words compared). Then each occurrence of the first slot is an anchor, and every other
/// slot takes its occurrence nearest the anchor (for `ordered` rules the first one after the previous slot). A
/// combination counts when its slots do not overlap and all of them start within `window` tokens. This is linear in
/// anchors × slots × occurrences, with no backtracking: a sentence has tens of tokens, and a rule that needs a
/// subtler search should be two rules.
struct SentenceMatcher {
  let tokens: [DataUseToken]
  let range: Range<Int>
  private let found: [PhraseID: [ClosedRange<Int>]]
  /// One bit per phrase of the table: set when the phrase occurs in the sentence. Most rules need a phrase the
  /// sentence lacks; testing bits rejects them without hashing or allocating (most of the classifier's time
  /// otherwise).
  private let present: [UInt64]

  init(tokens: [DataUseToken], range: Range<Int>, phrases: PhraseTable) {
    self.tokens = tokens
    self.range = range
    found = phrases.scan(tokens, range: range)
    var present = [UInt64](repeating: 0, count: (phrases.patterns.count + 63) / 64)
    for id in found.keys where id >= 0 && id < phrases.patterns.count { present[id >> 6] |= 1 << UInt64(id & 63) }
    self.present = present
  }

  /// Whether any of the phrases occurs in the sentence.
  @inline(__always)
  func containsAny(_ phrases: [PhraseID]) -> Bool {
    for id in phrases where id >= 0 && id >> 6 < present.count && present[id >> 6] & (1 << UInt64(id & 63)) != 0 {
      return true
    }
    return false
  }

  /// Every place any of the phrases occurs in the sentence, as token positions (inclusive), in text order.
  func occurrences(ofAny phrases: [PhraseID]) -> [ClosedRange<Int>] {
    guard containsAny(phrases) else { return [] }
    return phrases.flatMap { found[$0] ?? [] }.sorted { $0.lowerBound < $1.lowerBound }
  }

  /// The combinations of slot occurrences that satisfy the rule, at most one per anchor.
  func matches(_ rule: DataUseRule) -> [[ClosedRange<Int>]] {
    for slot in rule.slots where !containsAny(slot) { return [] }
    if !rule.exclude.isEmpty && containsAny(rule.exclude) { return [] }
    let masked = rule.mask.isEmpty ? [] : occurrences(ofAny: rule.mask)
    var perSlot: [[ClosedRange<Int>]] = []
    for slot in rule.slots {
      let found = occurrences(ofAny: slot).filter { occurrence in !masked.contains { $0.overlaps(occurrence) } }
      if found.isEmpty { return [] }
      perSlot.append(found)
    }
    var results: [[ClosedRange<Int>]] = []
    for anchor in perSlot[0] {
      var chosen = [anchor]
      for slot in perSlot.dropFirst() {
        let candidate: ClosedRange<Int>?
        if rule.ordered {
          // The first occurrence after the previous slot, the longest of those starting there.
          let after = slot.filter { $0.lowerBound > chosen.last!.upperBound }
          candidate = after.min { ($0.lowerBound, -$0.count) < ($1.lowerBound, -$1.count) }
        } else {
          candidate =
            slot
            .filter { occurrence in !chosen.contains { $0.overlaps(occurrence) } }
            .min { (distance($0, anchor), -$0.count) < (distance($1, anchor), -$1.count) }
        }
        guard let candidate else { break }
        chosen.append(candidate)
      }
      guard chosen.count == perSlot.count else { continue }
      // The window bounds where the slots start, so a long phrase in a one-slot rule needs no wide window.
      let starts = chosen.map(\.lowerBound)
      if starts.max()! - starts.min()! + 1 <= rule.window { results.append(chosen) }
    }
    return results
  }

  private func distance(_ a: ClosedRange<Int>, _ b: ClosedRange<Int>) -> Int {
    a.overlaps(b) ? 0 : (a.lowerBound > b.upperBound ? a.lowerBound - b.upperBound : b.lowerBound - a.upperBound)
  }
}
