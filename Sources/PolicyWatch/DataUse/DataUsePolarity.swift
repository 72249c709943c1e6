/// Decides whether a match is negated.
///
/// Scope: a cue ("not", "never", "don't", "no" …) negates a match only when it stands in the same clause part as the
/// end of the match (the part starts after the last `;`/`:`, sentence start or boundary word such as "but", "unless",
/// "except", "which", "and we"), and no more than `lookback` tokens before the start of the match (or inside it:
/// "data is not sold"). A cue inside an ignored phrase ("not limited to", "whether or not") does not count, nor one
/// separated from the match by a blocker that takes the negation for itself ("you cannot opt out of tracking": the
/// tracking is affirmed). A negated match followed later in the sentence by a canceller ("we will not share your
/// data without your consent", "… unless you agree") states a practice under a condition, so it is affirmative; the
/// condition itself is reported by the consent rules. "without your consent" alone is not a cue at all.
extension SentenceMatcher {
  /// `useBlockers: false` is for rules whose own words are blockers (an inverted rule about honouring Do Not Track:
  /// in "we do not recognize or respond to DNT" the cue governs both verbs, it is not taken by the first one).
  func polarity(of span: ClosedRange<Int>, settings: NegationSettings, useBlockers: Bool = true) -> DataUsePolarity {
    // The clause part holding the end of the match.
    var partStart = range.lowerBound
    for position in stride(from: span.upperBound, through: range.lowerBound, by: -1)
    where tokens[position].kind == .clauseEnd {
      partStart = position + 1
      break
    }
    for boundary in occurrences(ofAny: settings.boundaries)
    where boundary.lowerBound <= span.upperBound && boundary.lowerBound > span.lowerBound - settings.lookback {
      // A boundary inside the match only cuts when it precedes the match's last word.
      if boundary.upperBound < span.upperBound { partStart = max(partStart, boundary.lowerBound) }
    }
    let from = max(partStart, span.lowerBound - settings.lookback)
    let ignored = occurrences(ofAny: settings.ignore)
    let blockers = useBlockers ? occurrences(ofAny: settings.blockers) : []
    var negatedAt: Int?
    for cue in occurrences(ofAny: settings.cues) where cue.lowerBound >= from && cue.upperBound <= span.upperBound {
      if ignored.contains(where: { $0.overlaps(cue) }) { continue }
      if blockers.contains(where: { $0.lowerBound > cue.upperBound && $0.upperBound < span.lowerBound }) { continue }
      negatedAt = cue.upperBound
    }
    guard let negatedAt else { return .affirmative }
    if occurrences(ofAny: settings.cancellers).contains(where: { $0.lowerBound > negatedAt }) { return .affirmative }
    return .negated
  }
}
