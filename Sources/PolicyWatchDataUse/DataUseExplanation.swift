/// Why `DataUseClassifier` labelled a text as it did (`policywatch classify --explain`): per sentence, every rule
/// that matched, the words, how polarity was decided, and whether the match was kept, vetoed or overridden; then the
/// labels reported.
public struct DataUseExplanation: Sendable {
  /// One rule that matched in a sentence.
  public struct Step: Sendable {
    public var rule: String
    public var label: String
    public var words: String
    /// How polarity was decided, in words ("negated by “not”", "no negation cue before the match"…).
    public var polarity: String
    /// "reported", "weaker than another match of LABEL", "vetoed by RULE on “…”", "overridden by LABEL (RULE)"…
    public var outcome: String
  }

  /// One sentence of the text and the steps the classifier took on it.
  public struct Sentence: Sendable {
    public var text: String
    /// Why the sentence was not classified, if it was not.
    public var skipped: String?
    public var steps: [Step] = []
  }

  /// What `classify` returns for the text.
  public var matches: [DataUseMatch]
  public var sentences: [Sentence]
  /// Evidence of the learned model, when one is used (`DataUseModel`): per category, the probability and the
  /// features that weighed most.
  public var model: [ModelEvidence] = []

  /// The learned model's verdict on one category: its probability, the threshold it must reach, and why.
  public struct ModelEvidence: Sendable {
    public var category: String
    public var probability: Double
    public var threshold: Double
    /// The features present in the text with the largest contributions, strongest first.
    public var features: [(feature: String, weight: Double)]

    public init(
      category: String, probability: Double, threshold: Double, features: [(feature: String, weight: Double)],
      outcome: String
    ) {
      self.category = category
      self.probability = probability
      self.threshold = threshold
      self.features = features
      self.outcome = outcome
    }
    /// What the model's verdict did: "added", "confirmed", "dropped the rules' match", "below the threshold".
    public var outcome: String
  }

  /// The explanation as text for a person.
  public var rendered: String {
    var lines: [String] = []
    for (index, sentence) in sentences.enumerated() {
      lines.append("sentence \(index + 1): \(sentence.text)")
      if let skipped = sentence.skipped {
        lines.append("  skipped: \(skipped)")
        continue
      }
      if sentence.steps.isEmpty { lines.append("  no rule matched") }
      for step in sentence.steps {
        lines.append("  \(step.label)  rule \(step.rule)  “\(step.words)”")
        lines.append("    polarity: \(step.polarity)")
        lines.append("    \(step.outcome)")
      }
    }
    for evidence in model {
      let features = evidence.features.map { "\($0.feature) \(formatWeight($0.weight))" }.joined(separator: ", ")
      lines.append(
        "model: \(evidence.category) p=\(formatProbability(evidence.probability)) "
          + "(threshold \(formatProbability(evidence.threshold))): \(evidence.outcome)"
          + (features.isEmpty ? "" : "; strongest features: \(features)"))
    }
    lines.append("labels: " + (matches.isEmpty ? "(none)" : matches.map(\.label).joined(separator: " ")))
    return lines.joined(separator: "\n")
  }

  private func formatProbability(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    return "0." + (hundredths < 10 ? "0" : "") + String(min(hundredths, 99))
  }

  private func formatWeight(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return (rounded >= 0 ? "+" : "") + String(rounded)
  }
}

/// What the classifier records while explaining (see `DataUseExplanation`).
struct DataUseTrace {
  enum Outcome {
    case found
    case voidNegation
    case vetoed(by: String, words: String)
  }

  enum Drop {
    case overridden(by: String, rule: String)
  }

  var sentences: [DataUseExplanation.Sentence] = []
  var model: [DataUseExplanation.ModelEvidence] = []

  mutating func model(_ label: DataUseModel.Label, verdict: DataUseModel.Verdict, index: Int, outcome: String) {
    let strongest = verdict.contributions[index].sorted { abs($0.contribution) > abs($1.contribution) }.prefix(6)
    model.append(
      .init(
        category: label.name, probability: verdict.probabilities[index],
        threshold: outcome.contains("rules' match") ? label.keep : label.threshold,
        features: strongest.map { ($0.feature, $0.contribution) }, outcome: outcome))
  }

  mutating func record(
    rule: DataUseRule, words: String, polarity: DataUsePolarity, reason: String, outcome: Outcome
  ) {
    guard !sentences.isEmpty else { return }
    let label = polarity == .negated ? "NOT_" + rule.category : rule.category
    let text: String
    switch outcome {
    case .found: text = "matched"
    case .voidNegation: text = "dropped: the rule's own negation is taken by something else (a condition or a blocker)"
    case .vetoed(let veto, let vetoWords): text = "dropped: vetoed by rule \(veto) on “\(vetoWords)”"
    }
    sentences[sentences.count - 1].steps.append(
      .init(rule: rule.id, label: label, words: words, polarity: reason, outcome: text))
  }

  /// Marks the matched steps of `match`'s label in the current sentence as dropped.
  mutating func drop(_ match: DataUseMatch, because drop: Drop) {
    guard !sentences.isEmpty else { return }
    let text: String
    switch drop {
    case .overridden(let label, let rule): text = "dropped: overridden by \(label) (rule \(rule)) on the same words"
    }
    for index in sentences[sentences.count - 1].steps.indices
    where sentences[sentences.count - 1].steps[index].label == match.label
      && sentences[sentences.count - 1].steps[index].outcome == "matched"
    {
      sentences[sentences.count - 1].steps[index].outcome = text
    }
  }

  /// Marks the steps that matched and were kept as reported or as weaker duplicates.
  mutating func finish(reported: [DataUseMatch]) {
    let byLabel = Dictionary(reported.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
    for sentence in sentences.indices {
      for step in sentences[sentence].steps.indices where sentences[sentence].steps[step].outcome == "matched" {
        let current = sentences[sentence].steps[step]
        if let kept = byLabel[current.label], kept.rule == current.rule, kept.match == current.words {
          sentences[sentence].steps[step].outcome = "reported"
        } else {
          sentences[sentence].steps[step].outcome =
            "not reported: \(current.label) is reported from a stronger match"
            + (byLabel[current.label].map { " (rule \($0.rule), “\($0.match)”)" } ?? "")
        }
      }
    }
  }
}
