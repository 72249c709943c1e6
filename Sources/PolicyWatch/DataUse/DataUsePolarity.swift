/// Decides whether a match is negated.
///
/// Scope: a cue ("not", "never", "don't", "no" …) negates a match only when it stands in the same clause part as the
/// end of the match (the part starts after the last `;`/`:`, sentence start or boundary word such as "but", "unless",
/// "except", "which", "and we"), and no more than `lookback` tokens before the start of the match (or inside it:
/// "data is not sold"). A cue inside an ignored phrase ("not limited to", "whether or not") does not count, nor one
/// separated from the match by a blocker that takes the negation for itself ("you cannot opt out of tracking": the
/// tracking is affirmed), nor one inside a condition ("the site may not work if your browser does not accept
/// cookies": the cookies are affirmed). A negated match followed later in the sentence by a canceller ("we will not
/// share your data without your consent", "… unless you agree") states a practice under a condition, so it is
/// affirmative, unless an exception word ("except", "but") stands between them: then the condition belongs to the
/// exception. The condition itself is reported by the consent rules. "without your consent" alone is not a cue.
extension SentenceMatcher {
  /// `useBlockers: false` is for rules whose own words are blockers (an inverted rule about honouring Do Not Track:
  /// in "we do not recognize or respond to DNT" the cue governs both verbs, it is not taken by the first one).
  func polarity(of span: ClosedRange<Int>, settings: NegationSettings, useBlockers: Bool = true) -> DataUsePolarity {
    let partStart = clausePartStart(of: span, settings: settings)
    let from = max(partStart, span.lowerBound - settings.lookback)
    var negatedAt: Int?
    for cue in occurrences(ofAny: settings.cues) where cue.lowerBound >= from && cue.upperBound <= span.upperBound {
      if isVoid(cue, before: span.lowerBound, partStart: partStart, settings: settings, useBlockers: useBlockers) {
        continue
      }
      negatedAt = cue.upperBound
    }
    guard let negatedAt else { return .affirmative }
    if hasCanceller(after: negatedAt, settings: settings) { return .affirmative }
    return .negated
  }

  /// For a rule whose own first words are the negation ("no cookies", "not … track"): whether that cue is void
  /// here, taken by a blocker before the practice words at `end` ("if you do not want us to use cookies"), inside a
  /// condition, in an ignored phrase, or cancelled later ("… without your consent"). Such a match states no denial.
  func isVoidNegation(_ cue: ClosedRange<Int>, practiceAt end: Int, settings: NegationSettings) -> Bool {
    let cues = occurrences(ofAny: settings.cues).filter { $0.overlaps(cue) }
    guard !cues.isEmpty else { return false }
    let partStart = clausePartStart(of: cue.lowerBound...end, settings: settings)
    return cues.allSatisfy { found in
      isVoid(found, before: end, partStart: partStart, settings: settings, useBlockers: true)
        || hasCanceller(after: found.upperBound, settings: settings)
    }
  }

  /// Whether a canceller follows the cue ending at `position` in the same statement: one after an exception word
  /// standing between them ("except", "but") belongs to the exception, not to the denial.
  private func hasCanceller(after position: Int, settings: NegationSettings) -> Bool {
    let exceptions = occurrences(ofAny: settings.exceptions).filter { $0.lowerBound > position }
    return occurrences(ofAny: settings.cancellers).contains { canceller in
      canceller.lowerBound > position && !exceptions.contains { $0.lowerBound < canceller.lowerBound }
    }
  }

  /// Where the clause part holding the end of the match starts: after the last `;`/`:` or boundary word before it.
  private func clausePartStart(of span: ClosedRange<Int>, settings: NegationSettings) -> Int {
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
    return partStart
  }

  /// A cue that does not negate what follows it up to `end`: part of an ignored phrase, taken by a blocker standing
  /// between it and `end`, or inside a condition opened in the same clause part.
  private func isVoid(
    _ cue: ClosedRange<Int>, before end: Int, partStart: Int, settings: NegationSettings, useBlockers: Bool
  ) -> Bool {
    if occurrences(ofAny: settings.ignore).contains(where: { $0.overlaps(cue) }) { return true }
    let blocked = occurrences(ofAny: settings.blockers).contains { blocker in
      blocker.lowerBound > cue.upperBound && blocker.upperBound < end
    }
    if useBlockers && blocked { return true }
    return occurrences(ofAny: settings.conditionals).contains {
      $0.lowerBound >= partStart && $0.upperBound < cue.lowerBound
    }
  }
}
