import PolicyWatchText

/// The features the learned data-use model reads from a clause (`DataUseModel`): its words and word pairs, and what
/// the rules found. The training script (`Scripts/train-classifier.py`) reads them from `policywatch-bench
/// classifier-features`, so training and classifying share this one definition.
public enum DataUseFeatures {
  /// Word features: `w:WORD` for every word and `b:WORD_WORD` for every two words next to each other in a sentence
  /// (lower-cased; numbers become `0`, a final "'s" is dropped), each with its count.
  /// - Parameter tokens: the clause's tokens (`DataUseTokenizer`).
  /// - Returns: the features and how often each occurs.
  static func words(_ tokens: [DataUseToken]) -> [String: Int] {
    var counts: [String: Int] = [:]
    var previous: String?
    for token in tokens {
      guard token.isWord else {
        // Sentence and clause ends break word pairs; commas do not.
        if token.kind != .comma { previous = nil }
        continue
      }
      let word = normalized(token.key)
      counts["w:" + word, default: 0] += 1
      if let previous { counts["b:" + previous + "_" + word, default: 0] += 1 }
      previous = word
    }
    return counts
  }

  /// Rule features: `r:RULE` for every rule whose match was reported and `l:LABEL` for every label the rules found.
  static func rules(_ matches: [DataUseMatch]) -> [String] {
    var features: [String] = []
    for match in matches {
      features.append("r:" + match.rule + (match.polarity == .negated ? ":not" : ""))
      features.append("l:" + match.label)
    }
    return features
  }

  /// Concept features: `x:NAME` for every lexicon entry of the rules (`@THIRDPARTY`, `@SHAREVERB`…) with a phrase in
  /// the text, counted per sentence, so that words the training data never showed still count when the rules' word
  /// lists know them.
  static func concepts(_ tokens: [DataUseToken], rules: DataUseRules) -> [String: Int] {
    var counts: [String: Int] = [:]
    var start = 0
    for end in tokens.indices where tokens[end].kind == .sentenceEnd || end == tokens.count - 1 {
      let sentence = start..<(tokens[end].kind == .sentenceEnd ? end : end + 1)
      start = end + 1
      guard !sentence.isEmpty else { continue }
      let matcher = SentenceMatcher(tokens: tokens, range: sentence, phrases: rules.phrases)
      for (name, phrases) in rules.lexiconPhrases where matcher.containsAny(phrases) {
        counts["x:" + name, default: 0] += 1
      }
    }
    return counts
  }

  /// Every feature of `text`, for the training script: word features with their counts, then rule features.
  /// - Parameters:
  ///   - text: a clause.
  ///   - classifier: the rules classifier whose matches become rule features.
  /// - Returns: feature names and counts, word features first.
  public static func all(_ text: String, classifier: DataUseClassifier) -> [(feature: String, count: Int)] {
    let tokens = DataUseTokenizer.tokenize(normalized: TextNormalization.key(text))
    var counts = words(tokens)
    counts.merge(concepts(tokens, rules: classifier.rules)) { $0 + $1 }
    return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
      + rules(classifier.classifyByRules(text)).map { ($0, 1) }
  }

  static func normalized(_ word: String) -> String {
    if word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return "0" }
    if word.hasSuffix("'s") && word.count > 2 { return String(word.dropLast(2)) }
    return word
  }
}
