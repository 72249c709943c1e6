/// One piece of data-use language found in a text.
public struct DataUseMatch: Sendable, Hashable, Codable {
  /// The category, e.g. "AI_TRAINING".
  public var category: String
  public var polarity: DataUsePolarity
  /// The words that matched, from the first matched word to the last, as they appear in the (whitespace- and
  /// typography-normalised) text.
  public var match: String
  /// The id of the rule that matched, so every label can be explained.
  public var rule: String

  public init(category: String, polarity: DataUsePolarity, match: String, rule: String) {
    self.category = category
    self.polarity = polarity
    self.match = match
    self.rule = rule
  }

  /// The label used in reports and `policywatch classify`: the category, prefixed `NOT_` when negated.
  public var label: String { polarity == .negated ? "NOT_" + category : category }
}

/// Classifies text against a transparent rule set: every result names its rule and the words it matched.
public struct DataUseClassifier: Sendable {
  public let rules: DataUseRules

  public init(rules: DataUseRules = .builtIn) {
    self.rules = rules
  }

  /// The data-use language in `text`, one match per (category, polarity), in the order the matches first occur.
  ///
  /// When several rules or places match the same (category, polarity), the strongest is kept: the highest rule
  /// weight, then the most matched words, then the shortest span, then the earliest rule in the file.
  public func classify(_ text: String) -> [DataUseMatch] {
    let display = TextNormalization.key(text)
    let tokens = DataUseTokenizer.tokenize(normalized: display)
    struct Candidate {
      var match: DataUseMatch
      var position: Int
      var strength: (Int, Int, Int, Int)
    }
    var best: [String: Candidate] = [:]
    for sentence in sentences(tokens) {
      let matcher = SentenceMatcher(tokens: tokens, range: sentence, phrases: rules.phrases)
      for (ruleIndex, rule) in rules.rules.enumerated() {
        for slots in matcher.matches(rule) {
          let span = slots.map(\.lowerBound).min()!...slots.map(\.upperBound).max()!
          let polarity: DataUsePolarity
          switch rule.polarity {
          case .affirmative: polarity = .affirmative
          case .negated: polarity = .negated
          case .detect: polarity = matcher.polarity(of: span, settings: rules.negation)
          case .inverted:
            let detected = matcher.polarity(of: span, settings: rules.negation)
            polarity = detected == .negated ? .affirmative : .negated
          }
          let words = slots.reduce(0) { $0 + $1.count }
          let text = String(
            display[tokens[span.lowerBound].range.lowerBound..<tokens[span.upperBound].range.upperBound])
          let candidate = Candidate(
            match: DataUseMatch(category: rule.category, polarity: polarity, match: text, rule: rule.id),
            position: span.lowerBound,
            strength: (rule.weight, words, -span.count, -ruleIndex))
          let key = candidate.match.label
          if let current = best[key] {
            let position = min(current.position, candidate.position)
            if candidate.strength > current.strength {
              best[key] = Candidate(match: candidate.match, position: position, strength: candidate.strength)
            } else {
              best[key]?.position = position
            }
          } else {
            best[key] = candidate
          }
        }
      }
    }
    return best.values.sorted { ($0.position, $0.match.label) < ($1.position, $1.match.label) }.map(\.match)
  }

  /// The labels of `classify(text)`, e.g. ["THIRD_PARTY_SHARING", "NOT_SALE_OF_DATA"].
  public func labels(_ text: String) -> [String] { classify(text).map(\.label) }

  private func sentences(_ tokens: [DataUseToken]) -> [Range<Int>] {
    var result: [Range<Int>] = []
    var start = 0
    for (index, token) in tokens.enumerated() where token.kind == .sentenceEnd {
      if index > start { result.append(start..<index) }
      start = index + 1
    }
    if start < tokens.count { result.append(start..<tokens.count) }
    return result
  }
}
