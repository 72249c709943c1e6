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
/// Why a match came out affirmative or negated (token positions in the clause), for `classify --explain`.
enum PolarityReason: Sendable, Equatable {
  /// The rule fixes the polarity.
  case fixed
  /// No cue reaches the match.
  case noCue
  /// A cue in the same clause part, close enough.
  case cue(ClosedRange<Int>)
  /// A cue before a governing verb whose purpose ("to …", "for …") is the match.
  case governed(cue: ClosedRange<Int>, verb: ClosedRange<Int>)
  /// A cue followed by a canceller ("… without your consent"): a conditional practice.
  case cancelled(cue: ClosedRange<Int>, canceller: ClosedRange<Int>)
  /// A rule whose words deny the practice: the detected polarity, flipped.
  indirect case inverted(PolarityReason)
}

extension SentenceMatcher {
  func polarity(
    of span: ClosedRange<Int>, settings: NegationSettings, useBlockers: Bool = true, cancellable: Bool = true
  ) -> DataUsePolarity {
    decidePolarity(of: span, settings: settings, useBlockers: useBlockers, cancellable: cancellable).polarity
  }

  /// `useBlockers: false` is for rules whose own words are blockers (an inverted rule about honouring Do Not Track:
  /// in "we do not recognize or respond to DNT" the cue governs both verbs, it is not taken by the first one).
  /// `cancellable: false` keeps a denial negated whatever condition follows it.
  func decidePolarity(
    of span: ClosedRange<Int>, settings: NegationSettings, useBlockers: Bool = true, cancellable: Bool = true
  ) -> (polarity: DataUsePolarity, reason: PolarityReason) {
    let partStart = clausePartStart(of: span, settings: settings)
    let from = max(partStart, span.lowerBound - settings.lookback)
    var negatedBy: ClosedRange<Int>?
    for cue in occurrences(ofAny: settings.cues) where cue.lowerBound >= from && cue.upperBound <= span.upperBound {
      if isVoid(cue, before: span.lowerBound, partStart: partStart, settings: settings, useBlockers: useBlockers) {
        continue
      }
      negatedBy = cue
    }
    var reason = PolarityReason.noCue
    if let negatedBy {
      reason = .cue(negatedBy)
    } else if let governed = governingNegation(of: span, settings: settings, useBlockers: useBlockers) {
      reason = .governed(cue: governed.cue, verb: governed.verb)
    }
    let cue: ClosedRange<Int>
    switch reason {
    case .cue(let found), .governed(let found, _): cue = found
    default: return (.affirmative, reason)
    }
    if cancellable, let canceller = canceller(after: cue.upperBound, settings: settings) {
      return (.affirmative, .cancelled(cue: cue, canceller: canceller))
    }
    return (.negated, reason)
  }

  /// A denial at a distance: a cue right before a governing verb ("does not use", "will never share"), with the
  /// match reached through "to"/"for" after the verb, in the same clause part (commas of a list do not end it),
  /// within `settings.reach` tokens: "we do not use your messages, files, photos or contacts to train models".
  private func governingNegation(
    of span: ClosedRange<Int>, settings: NegationSettings, useBlockers: Bool
  ) -> (cue: ClosedRange<Int>, verb: ClosedRange<Int>)? {
    guard !settings.governing.isEmpty, settings.reach > 0 else { return nil }
    let partStart = clausePartStart(of: span, settings: settings, lookback: settings.reach)
    let from = max(partStart, span.lowerBound - settings.reach)
    let verbs = occurrences(ofAny: settings.governing)
    for cue in occurrences(ofAny: settings.cues).reversed()
    where cue.lowerBound >= from && cue.upperBound < span.lowerBound {
      guard
        let verb = verbs.first(where: {
          $0.lowerBound > cue.upperBound && $0.lowerBound <= cue.upperBound + 3 && $0.upperBound < span.lowerBound
        })
      else { continue }
      let linked = (verb.upperBound + 1...span.upperBound).contains {
        tokens[$0].key == "to" || tokens[$0].key == "for"
      }
      guard linked else { continue }
      if isVoid(cue, before: verb.lowerBound, partStart: partStart, settings: settings, useBlockers: useBlockers) {
        continue
      }
      return (cue, verb)
    }
    return nil
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
    canceller(after: position, settings: settings) != nil
  }

  private func canceller(after position: Int, settings: NegationSettings) -> ClosedRange<Int>? {
    let exceptions = occurrences(ofAny: settings.exceptions).filter { $0.lowerBound > position }
    return occurrences(ofAny: settings.cancellers).first { canceller in
      canceller.lowerBound > position && !exceptions.contains { $0.lowerBound < canceller.lowerBound }
    }
  }

  /// Where the clause part holding the end of the match starts: after the last `;`/`:` or boundary word before it
  /// (boundaries are looked for `lookback` tokens before the match, `settings.lookback` by default).
  private func clausePartStart(of span: ClosedRange<Int>, settings: NegationSettings, lookback: Int? = nil) -> Int {
    let lookback = lookback ?? settings.lookback
    var partStart = range.lowerBound
    for position in stride(from: span.upperBound, through: range.lowerBound, by: -1)
    where tokens[position].kind == .clauseEnd {
      partStart = position + 1
      break
    }
    for boundary in occurrences(ofAny: settings.boundaries)
    where boundary.lowerBound <= span.upperBound && boundary.lowerBound > span.lowerBound - lookback {
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
