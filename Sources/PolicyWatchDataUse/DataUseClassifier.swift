import PolicyWatchDiff
import PolicyWatchText

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

/// Classifies text: a transparent rule set finds data-use language and names the rule and words of every match; a
/// learned model (`DataUseModel`), when present, then decides the labels it knows, keeping or dropping the rules'
/// matches and adding what the rules missed, with the words that weighed most as evidence.
public struct DataUseClassifier: Sendable {
  public let rules: DataUseRules
  public let model: DataUseModel?

  /// - Parameters:
  ///   - rules: the rule set (the built-in rules, or an analyst's file merged with them).
  ///   - model: the learned model; nil for the rules alone.
  public init(rules: DataUseRules = .builtIn, model: DataUseModel? = .builtIn) {
    self.rules = rules
    self.model = model
  }

  /// The data-use language in `text`, one match per (category, polarity), in the order the matches first occur.
  ///
  /// When several rules or places match the same (category, polarity), the strongest is kept: the highest rule
  /// weight, then the most matched words, then the shortest span, then the earliest rule in the file. Sentences
  /// ending in "?" are skipped (a question states no practice), and inside a sentence a category listed in the
  /// rules' "overrides" hides the general categories it names (see `DataUseRules.overrides`), a veto rule hides the
  /// labels it names on its words, and the same words never give both X and NOT_X. Then the model, if any, decides
  /// the labels it knows.
  public func classify(_ text: String) -> [DataUseMatch] {
    var trace: DataUseTrace?
    return decide(text, trace: &trace, addFromModel: true)
  }

  /// The data-use language `text` states with words that name it: the rules' matches the model (if any) confirms,
  /// without the labels only the model finds. Change reports use this, so that every reported item quotes the words
  /// of a rule and a small rewording never makes a model's probability cross its threshold into a "new" practice.
  public func classifyWithEvidence(_ text: String) -> [DataUseMatch] {
    var trace: DataUseTrace?
    return decide(text, trace: &trace, addFromModel: false)
  }

  /// What the rules alone find (no learned model).
  func classifyByRules(_ text: String) -> [DataUseMatch] {
    var trace: DataUseTrace?
    return run(text, trace: &trace).matches
  }

  /// Classifies `text` and records why: every sentence, every rule that matched, how its polarity was decided, what
  /// was kept or dropped, and the model's verdicts (`policywatch classify --explain`).
  public func explain(_ text: String) -> DataUseExplanation {
    var trace: DataUseTrace? = DataUseTrace()
    let matches = decide(text, trace: &trace, addFromModel: true)
    return DataUseExplanation(matches: matches, sentences: trace?.sentences ?? [], model: trace?.model ?? [])
  }

  /// The rules, then the model.
  private func decide(_ text: String, trace: inout DataUseTrace?, addFromModel: Bool) -> [DataUseMatch] {
    let found = run(text, trace: &trace)
    trace?.finish(reported: found.matches)
    guard let model else { return found.matches }
    let words = DataUseFeatures.words(found.tokens)
    let concepts = DataUseFeatures.concepts(found.tokens, rules: rules)
    let verdict = model.verdict(
      words: words, concepts: concepts, ruleFeatures: DataUseFeatures.rules(found.matches), explain: true)
    var matches: [DataUseMatch] = []
    for match in found.matches {
      guard let index = model.labelIndex[match.label] else {
        matches.append(match)
        continue
      }
      let label = model.labels[index]
      let agrees = verdict.probabilities[index] >= label.keep
      trace?.model(
        label, verdict: verdict, index: index,
        outcome: agrees ? "confirmed the rules' match" : "dropped the rules' match")
      if agrees { matches.append(match) }
    }
    for (index, label) in model.labels.enumerated()
    where addFromModel && verdict.probabilities[index] >= label.threshold
      && !found.matches.contains(where: { $0.label == label.name || $0.category == label.category })
    {
      guard let evidence = evidence(for: index, verdict: verdict, tokens: found.tokens, display: found.display) else {
        continue
      }
      trace?.model(label, verdict: verdict, index: index, outcome: "added (the rules had not found it)")
      matches.append(
        DataUseMatch(category: label.category, polarity: label.polarity, match: evidence.words, rule: "model"))
    }
    if trace != nil {
      for (index, label) in model.labels.enumerated()
      where verdict.probabilities[index] < label.threshold && !found.matches.contains(where: { $0.label == label.name })
        && verdict.probabilities[index] >= label.threshold / 2
      {
        trace?.model(label, verdict: verdict, index: index, outcome: "below the threshold")
      }
    }
    // In text order, as the rules report them.
    let positions = Dictionary(
      matches.map { ($0.label, found.display.range(of: $0.match)?.lowerBound ?? found.display.endIndex) },
      uniquingKeysWith: { first, _ in first })
    return matches.sorted { (positions[$0.label]!, $0.label) < (positions[$1.label]!, $1.label) }
  }

  /// Function words weigh in the model but name nothing: evidence is made of the other words.
  private static let functionWords: Set<String> = [
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as",
    "into",
    "we", "our", "us", "you", "your", "they", "their", "them", "it", "its", "this", "that", "these", "those", "which",
    "who", "may", "might", "will", "would", "can", "could", "shall", "should", "must", "is", "are", "was", "were", "be",
    "been", "being", "has", "have", "had", "do", "does", "did", "not", "no", "any", "all", "some", "such", "other",
    "also", "if", "when", "where", "than", "then", "so", "about", "up", "out", "there", "here", "0", "e", "g", "i",
  ]

  /// Whether a feature can be evidence: a word or word pair that is not only function words.
  private static func isEvidence(_ feature: String) -> Bool {
    if feature.hasPrefix("w:") { return !functionWords.contains(String(feature.dropFirst(2))) }
    guard feature.hasPrefix("b:") else { return false }
    return !feature.dropFirst(2).split(separator: "_").allSatisfy { functionWords.contains(String($0)) }
  }

  /// The words that weighed most for a label the model adds: in the sentence whose words weigh most, the span of its
  /// (up to three) strongest word features, or the strongest alone when they lie far apart.
  private func evidence(
    for label: Int, verdict: DataUseModel.Verdict, tokens: [DataUseToken], display: String
  ) -> (words: String, range: ClosedRange<Int>)? {
    let weights = Dictionary(
      verdict.contributions[label].filter { $0.contribution > 0 && Self.isEvidence($0.feature) }
        .map { ($0.feature, $0.contribution) }, uniquingKeysWith: { first, _ in first })
    guard !weights.isEmpty else { return nil }
    var best: (score: Double, spans: [(ClosedRange<Int>, Double)])?
    for sentence in sentences(tokens) {
      var spans: [(ClosedRange<Int>, Double)] = []
      var seen = Set<String>()
      var previous: (index: Int, word: String)?
      for index in sentence {
        let token = tokens[index]
        guard token.isWord else {
          if token.kind != .comma { previous = nil }
          continue
        }
        let word = DataUseFeatures.normalized(token.key)
        if let weight = weights["w:" + word], seen.insert("w:" + word).inserted {
          spans.append((index...index, weight))
        }
        if let previous, let weight = weights["b:" + previous.word + "_" + word],
          seen.insert("b:" + previous.word + "_" + word).inserted
        {
          spans.append((previous.index...index, weight))
        }
        previous = (index, word)
      }
      let score = spans.reduce(0) { $0 + $1.1 }
      if score > (best?.score ?? 0) { best = (score, spans) }
    }
    guard let spans = best?.spans.sorted(by: { $0.1 > $1.1 }).prefix(3), let strongest = spans.first else { return nil }
    var range = strongest.0
    let lower = spans.map(\.0.lowerBound).min()!
    let upper = spans.map(\.0.upperBound).max()!
    if upper - lower <= 12 { range = lower...upper }
    let words = String(display[tokens[range.lowerBound].range.lowerBound..<tokens[range.upperBound].range.upperBound])
    return (words, range)
  }

  func run(_ text: String, trace: inout DataUseTrace?) -> (
    matches: [DataUseMatch], tokens: [DataUseToken], display: String
  ) {
    let display = TextNormalization.key(text)
    let tokens = DataUseTokenizer.tokenize(normalized: display)
    func words(_ span: ClosedRange<Int>) -> String {
      String(display[tokens[span.lowerBound].range.lowerBound..<tokens[span.upperBound].range.upperBound])
    }
    func describe(_ reason: PolarityReason) -> String {
      switch reason {
      case .fixed: "fixed by the rule"
      case .noCue: "affirmative: no negation cue reaches the match"
      case .cue(let cue): "negated by “\(words(cue))”"
      case .governed(let cue, let verb):
        "negated at a distance: “\(words(cue))” governs “\(words(verb))”, whose purpose is the match"
      case .cancelled(let cue, let canceller):
        "affirmative: “\(words(cue))” is cancelled by the condition “\(words(canceller))” (a practice under a condition)"
      case .inverted(let detected):
        "inverted: the rule's words deny the practice, and its verb was " + describe(detected)
      }
    }
    var best: [String: Candidate] = [:]
    for sentence in sentences(tokens) {
      let sentenceText =
        sentence.isEmpty
        ? ""
        : String(
          display[tokens[sentence.lowerBound].range.lowerBound..<tokens[sentence.upperBound - 1].range.upperBound])
      if rules.skipQuestions && sentence.upperBound < tokens.count && tokens[sentence.upperBound].key == "?" {
        trace?.sentences.append(.init(text: sentenceText, skipped: "a question states no practice"))
        continue
      }
      if isHeadingLike(sentence, tokens: tokens, display: display) {
        trace?.sentences.append(.init(text: sentenceText, skipped: "a short title-cased heading states no practice"))
        continue
      }
      trace?.sentences.append(.init(text: sentenceText, skipped: nil))
      let matcher = SentenceMatcher(tokens: tokens, range: sentence, phrases: rules.phrases)
      // Veto rules first: the words they match cannot carry the labels they name.
      var vetoes: [(rule: DataUseRule, span: ClosedRange<Int>)] = []
      for rule in rules.rules where rule.isVeto {
        for slots in matcher.matches(rule) {
          vetoes.append((rule, slots.map(\.lowerBound).min()!...slots.map(\.upperBound).max()!))
        }
      }
      var found: [String: Candidate] = [:]
      // Every span each label matched in this sentence (not only the strongest), for the overlap test below.
      var spans: [String: [ClosedRange<Int>]] = [:]
      // The spans of the rules that may hide general categories (see `DataUseRule.hidesGeneral`).
      var hiding: [String: [ClosedRange<Int>]] = [:]
      for (ruleIndex, rule) in rules.rules.enumerated() where !rule.isVeto {
        for slots in matcher.matches(rule) {
          let span = slots.map(\.lowerBound).min()!...slots.map(\.upperBound).max()!
          // A rule whose first words are the negation ("not … cookies") states no denial when that negation is
          // taken by something else ("if you do not want us to use cookies"): see `isVoidNegation`.
          if rule.polarity == .negated, slots.count > 1,
            matcher.isVoidNegation(slots[0], practiceAt: slots.last!.lowerBound, settings: rules.negation)
          {
            trace?.record(
              rule: rule, words: words(span), polarity: .negated, reason: describe(.fixed), outcome: .voidNegation)
            continue
          }
          let polarity: DataUsePolarity
          let reason: PolarityReason
          switch rule.polarity {
          case .affirmative: (polarity, reason) = (.affirmative, .fixed)
          case .negated: (polarity, reason) = (.negated, .fixed)
          case .detect:
            (polarity, reason) = matcher.decidePolarity(
              of: span, settings: rules.negation, cancellable: rule.cancellable)
          case .inverted:
            // The negation of an inverted rule governs its verb (the first slot): in "do not alter their practices
            // when they receive a DNT signal" the "when" after the verb must not cut the cue off.
            let detected = matcher.decidePolarity(of: slots[0], settings: rules.negation, useBlockers: false)
            (polarity, reason) = (detected.polarity == .negated ? .affirmative : .negated, .inverted(detected.reason))
          }
          let label = polarity == .negated ? "NOT_" + rule.category : rule.category
          if let veto = vetoes.first(where: {
            $0.rule.vetoes(label) && ($0.rule.vetoesSentence || $0.span.overlaps(span))
          }) {
            trace?.record(
              rule: rule, words: words(span), polarity: polarity, reason: describe(reason),
              outcome: .vetoed(by: veto.rule.id, words: words(veto.span)))
            continue
          }
          let candidate = Candidate(
            match: DataUseMatch(category: rule.category, polarity: polarity, match: words(span), rule: rule.id),
            position: span.lowerBound, span: span,
            strength: (rule.weight, slots.reduce(0) { $0 + $1.count }, -span.count, -ruleIndex),
            rulePolarity: rule.polarity)
          trace?.record(
            rule: rule, words: candidate.match.match, polarity: polarity, reason: describe(reason), outcome: .found)
          spans[label, default: []].append(span)
          if rule.hidesGeneral { hiding[label, default: []].append(span) }
          Self.keepStronger(candidate, in: &found)
        }
      }
      // The most specific category wins on the same words: a general category is dropped when a category that
      // overrides it matched with the same polarity on overlapping words ("we do not sell or share your data" is
      // about sale; "disclose it to law enforcement" is a legal disclosure, not third-party sharing in general); an
      // override naming NOT_X hides the denial whatever the specific match's polarity ("you may not use the site's
      // content to train AI" bans scraping, it does not deny AI training). A denial outweighs a loose affirmative
      // match of the same category in the same sentence ("we use no cookies, pixels or other trackers": the later
      // words are beyond the negation's reach, not a practice). Only a later affirmative match is outweighed: one
      // before the denial ("we may use your location …, but we do not collect your precise geolocation") states a
      // practice of its own. A sentence in which an inverted rule finds the practice affirmed ("we do not respond to
      // DNT signals, as nobody agrees what it means to comply with DNT") is about that: its other mentions of
      // honouring the signal explain the refusal, they do not deny the practice. And the same words never give both
      // X and NOT_X: of two such matches on overlapping words the stronger stays.
      // Clause parts: a boundary word or a ";" separates statements ("we do not share it with advertisers, but we
      // share it with our hosting provider" states both).
      let cuts =
        matcher.occurrences(ofAny: rules.negation.boundaries).map(\.lowerBound)
        + sentence.filter { tokens[$0].kind == .clauseEnd }
      func separated(_ a: Candidate, _ b: Candidate) -> Bool {
        let from = min(a.span.upperBound, b.span.upperBound)
        let to = max(a.span.lowerBound, b.span.lowerBound)
        return from <= to && cuts.contains { (from...to).contains($0) }
      }
      var kept: [Candidate] = []
      for candidate in found.values.sorted(by: { $0.position < $1.position }) {
        let overriding = found.values.first { other in
          (other.match.polarity == candidate.match.polarity
            && overlap(hiding[other.match.label], spans[candidate.match.label])
            && rules.overrides[other.match.category]?.contains(candidate.match.category) == true)
            || (rules.overridesAnyPolarity[other.match.category]?.contains(candidate.match.label) == true
              && overlap(hiding[other.match.label], spans[candidate.match.label]))
            || (other.match.category == candidate.match.category && other.match.polarity == .negated && other.detected
              && candidate.match.polarity == .affirmative && other.position <= candidate.position
              && !separated(other, candidate))
            || (other.match.category == candidate.match.category && other.inverted && candidate.inverted
              && other.match.polarity == .affirmative && candidate.match.polarity == .negated)
            || (other.match.category == candidate.match.category && other.match.polarity != candidate.match.polarity
              && other.span.overlaps(candidate.span) && Self.outranks(other, candidate))
        }
        if let overriding {
          trace?.drop(candidate.match, because: .overridden(by: overriding.match.label, rule: overriding.match.rule))
        } else {
          kept.append(candidate)
        }
      }
      // X and NOT_X left in one clause part contradict each other ("it is not intended to treat medical conditions,
      // and it should not replace medical advice"): the one that outranks stays.
      kept = kept.filter { candidate in
        !kept.contains { other in
          other.match.category == candidate.match.category && other.match.polarity != candidate.match.polarity
            && !separated(other, candidate) && Self.outranks(other, candidate)
        }
      }
      for candidate in kept { Self.keepStronger(candidate, in: &best) }
    }
    let matches = best.values.sorted { ($0.position, $0.match.label) < ($1.position, $1.match.label) }.map(\.match)
    return (matches, tokens, display)
  }

  /// Of X and NOT_X found on overlapping words, which one stands: a denial found by a negation cue beats an
  /// affirmative; then the match whose words contain the other's ("you cannot opt out of seeing non-personalized ads"
  /// is about personalised ads; "excluded from model training" denies the training it names); otherwise the stronger.
  private static func outranks(_ a: Candidate, _ b: Candidate) -> Bool {
    let aCue = a.rulePolarity == .detect && a.match.polarity == .negated
    let bCue = b.rulePolarity == .detect && b.match.polarity == .negated
    if aCue != bCue { return aCue }
    let aContains = a.span.lowerBound <= b.span.lowerBound && a.span.upperBound >= b.span.upperBound
    let bContains = b.span.lowerBound <= a.span.lowerBound && b.span.upperBound >= a.span.upperBound
    if aContains != bContains { return aContains }
    return a.strength > b.strength
  }

  private struct Candidate {
    var match: DataUseMatch
    var position: Int
    var span: ClosedRange<Int>
    var strength: (Int, Int, Int, Int)
    /// How the rule that matched decides polarity.
    var rulePolarity: RulePolarity
    /// Whether the polarity was found by negation cues (not fixed by the rule, nor inverted from its words).
    var detected: Bool { rulePolarity == .detect || rulePolarity == .negated }
    /// Whether the match comes from an inverted rule (words that deny the practice, such as honouring DNT).
    var inverted: Bool { rulePolarity == .inverted }
  }

  private func overlap(_ a: [ClosedRange<Int>]?, _ b: [ClosedRange<Int>]?) -> Bool {
    guard let a, let b else { return false }
    return a.contains { first in b.contains { $0.overlaps(first) } }
  }

  /// Keeps, per label, the strongest candidate, positioned at the earliest place the label matched.
  private static func keepStronger(_ candidate: Candidate, in best: inout [String: Candidate]) {
    let key = candidate.match.label
    guard let current = best[key] else {
      best[key] = candidate
      return
    }
    let position = min(current.position, candidate.position)
    if candidate.strength > current.strength {
      var stronger = candidate
      stronger.position = position
      best[key] = stronger
    } else {
      best[key]?.position = position
    }
  }

  /// The labels of `classify(text)`, e.g. ["THIRD_PARTY_SHARING", "NOT_SALE_OF_DATA"].
  public func labels(_ text: String) -> [String] { classify(text).map(\.label) }

  /// A short title-cased fragment with no sentence end ("Privacy, Cookies and Security") is a heading: it names a
  /// topic, it does not state a practice.
  private func isHeadingLike(_ sentence: Range<Int>, tokens: [DataUseToken], display: String) -> Bool {
    guard sentence.upperBound >= tokens.count || tokens[sentence.upperBound].kind != .sentenceEnd else { return false }
    let words = tokens[sentence].filter(\.isWord)
    guard words.count <= 8 else { return false }
    return words.allSatisfy { word in
      word.key.count <= 3 || display[word.range].first.map { $0.isUppercase || $0.isNumber } == true
    }
  }

  func sentences(_ tokens: [DataUseToken]) -> [Range<Int>] {
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

extension DataUseClassifier {
  /// The categories for which naming a new kind of party makes a practice wider ("… with our partners" → "… with our
  /// partners and advertisers"); for every other category only a new kind of data does.
  static let partyScopedCategories: Set<String> = [
    "THIRD_PARTY_SHARING", "SALE_OF_DATA", "AFFILIATE_SHARING_COMBINATION", "AI_TRAINING", "ADVERTISING_PROFILING",
    "TRACKING", "INTERNATIONAL_TRANSFER", "USER_CONTENT_LICENSE", "LOCATION_DATA", "BIOMETRIC_SENSITIVE_DATA",
  ]

  /// The lexicon entries whose words make a practice of `category` wider: `SCOPE` (kinds of data) and, for the
  /// categories that name recipients, `SCOPE_PARTIES`.
  static func scopeLexicons(for category: String) -> [String] {
    partyScopedCategories.contains(category) ? ["SCOPE", "SCOPE_PARTIES"] : ["SCOPE"]
  }

  /// The parties and kinds of data (the rules' `SCOPE` and `SCOPE_PARTIES` lexicon entries) that `text` names,
  /// lower-cased.
  /// - Parameters:
  ///   - text: a clause or several.
  ///   - category: whose scope (see `scopeLexicons(for:)`).
  /// - Returns: the words of every scope phrase found.
  public func scope(in text: String, category: String) -> Set<String> {
    scope(in: text, lexicons: Self.scopeLexicons(for: category), where: { _ in true })
  }

  /// The scope words of the sentence of `text` that holds `match`'s words (the whole text when none does).
  public func scope(of match: DataUseMatch, in text: String) -> Set<String> {
    let display = TextNormalization.key(text)
    let tokens = DataUseTokenizer.tokenize(normalized: display)
    let holding = sentences(tokens).first { sentence in
      guard !sentence.isEmpty else { return false }
      let start = tokens[sentence.lowerBound].range.lowerBound
      let end = tokens[sentence.upperBound - 1].range.upperBound
      return display[start..<end].contains(match.match)
    }
    let lexicons = Self.scopeLexicons(for: match.category)
    guard let holding else { return scope(in: text, lexicons: lexicons, where: { _ in true }) }
    return scope(in: text, lexicons: lexicons, where: { $0 == holding })
  }

  private func scope(in text: String, lexicons: [String], where include: (Range<Int>) -> Bool) -> Set<String> {
    let phrases = lexicons.flatMap { rules.lexiconPhrases[$0] ?? [] }
    guard !phrases.isEmpty else { return [] }
    let display = TextNormalization.key(text)
    let tokens = DataUseTokenizer.tokenize(normalized: display)
    var words = Set<String>()
    for sentence in sentences(tokens) where include(sentence) {
      let matcher = SentenceMatcher(tokens: tokens, range: sentence, phrases: rules.phrases)
      for occurrence in matcher.occurrences(ofAny: phrases) {
        words.insert(occurrence.map { tokens[$0].key }.joined(separator: " "))
      }
    }
    return words
  }
}
