import Foundation

/// Whether a data-use statement asserts the practice ("we may sell") or denies it ("we do not sell").
public enum DataUsePolarity: String, Sendable, Codable {
  case affirmative, negated
}

/// One word of a pattern: the exact word, a prefix (`shar*` matches share, shared, sharing), or `<name>`: a word
/// written with a capital that does not start its sentence and is not one of the rules' `notNames` ("used to improve
/// Orbit": a product's name).
enum WordPattern: Sendable, Hashable {
  case exact(String)
  case prefix(String)
  case name

  func matches(_ word: String) -> Bool {
    switch self {
    case .exact(let expected): word == expected
    case .prefix(let stem): word.hasPrefix(stem)
    case .name: false
    }
  }
}

/// A sequence of consecutive words ("third part*", "artificial intelligence").
typealias PhrasePattern = [WordPattern]

/// The index of a phrase in the rule set's `PhraseTable`.
typealias PhraseID = Int

/// Every distinct phrase of a rule set, stored once and indexed by first word, so a sentence is scanned once for
/// all phrases of all rules (rules share their lexicon lists) instead of once per rule and phrase.
struct PhraseTable: Sendable {
  private(set) var patterns: [PhrasePattern] = []
  private var ids: [PhrasePattern: PhraseID] = [:]
  private var byFirstWord: [String: [PhraseID]] = [:]
  /// Phrases whose first word is a prefix, grouped by the prefix's first character.
  private var byFirstPrefixCharacter: [Character: [PhraseID]] = [:]
  /// Phrases starting with `<name>`.
  private var startingWithName: [PhraseID] = []
  /// Words that are written with a capital without being names (see `DataUseRules.notNames`).
  var notNames: Set<String> = []

  mutating func intern(_ phrase: PhrasePattern) -> PhraseID {
    if let id = ids[phrase] { return id }
    let id = patterns.count
    patterns.append(phrase)
    ids[phrase] = id
    switch phrase[0] {
    case .exact(let word): byFirstWord[word, default: []].append(id)
    case .prefix(let stem): byFirstPrefixCharacter[stem.first!, default: []].append(id)
    case .name: startingWithName.append(id)
    }
    return id
  }

  /// Whether `tokens[position]` is a name for `<name>`: capitalised, not the first word of its sentence (which
  /// starts at `sentenceStart`), and not a word the rules list as capitalised without being a name.
  private func isName(_ tokens: [DataUseToken], at position: Int, sentenceStart: Int) -> Bool {
    let token = tokens[position]
    return token.kind == .word && token.capitalized && position > sentenceStart && !notNames.contains(token.key)
  }

  private func matches(_ pattern: WordPattern, _ tokens: [DataUseToken], at position: Int, sentenceStart: Int) -> Bool {
    if case .name = pattern { return isName(tokens, at: position, sentenceStart: sentenceStart) }
    return pattern.matches(tokens[position].key)
  }

  /// Where each phrase occurs in `tokens[range]` (token positions, inclusive), by phrase id, in text order.
  func scan(_ tokens: [DataUseToken], range: Range<Int>) -> [PhraseID: [ClosedRange<Int>]] {
    var found: [PhraseID: [ClosedRange<Int>]] = [:]
    for start in range where tokens[start].kind == .word || tokens[start].kind == .comma {
      let key = tokens[start].key
      var candidates = byFirstWord[key] ?? []
      if let first = key.first, let prefixed = byFirstPrefixCharacter[first] {
        candidates += prefixed.filter { patterns[$0][0].matches(key) }
      }
      if !startingWithName.isEmpty && isName(tokens, at: start, sentenceStart: range.lowerBound) {
        candidates += startingWithName
      }
      for id in candidates {
        let phrase = patterns[id]
        guard start + phrase.count <= range.upperBound else { continue }
        var matched = true
        for offset in 1..<phrase.count
        where !matches(phrase[offset], tokens, at: start + offset, sentenceStart: range.lowerBound) {
          matched = false
          break
        }
        if matched { found[id, default: []].append(start...(start + phrase.count - 1)) }
      }
    }
    return found
  }
}

/// How a rule decides polarity: look for negation cues, or always report one polarity (for rules whose words
/// already carry it, such as "you may not scrape" → a restriction), or detect and invert, for rules whose words deny
/// the practice ("we honour Do Not Track" → negated tracking; "we do not respond to Do Not Track" → tracking).
enum RulePolarity: String, Sendable {
  case detect, affirmative, negated, inverted
}

/// One compiled rule: every slot must match inside one sentence, all within `window` tokens.
struct DataUseRule: Sendable {
  var id: String
  var category: String
  var slots: [[PhraseID]]
  var window: Int
  var ordered: Bool
  var exclude: [PhraseID]
  /// Words that slots may not match inside ("do not track" for a rule about the word "track").
  var mask: [PhraseID]
  var polarity: RulePolarity
  var weight: Int
  /// Whether this rule's matches hide the general categories its category overrides. False for a rule whose words
  /// are not a kind of the general practice (combining data received from elsewhere does not make the receipt an
  /// affiliate matter).
  var hidesGeneral: Bool = true
  /// Whether a canceller after a negated match ("… without your permission") turns it into a conditional practice.
  /// False for rules whose denial stands with its condition: "we will not train on your content without your
  /// permission" promises no training by default (the permission is reported by the consent rules).
  var cancellable: Bool = true
  /// For a veto rule (no category): the labels whose matches overlapping this rule's words are dropped ("customers
  /// may fine-tune our models": the customer acts, not the provider).
  var veto: Set<String> = []
  /// A veto of every label (`"veto": "*"`), but for the categories in `vetoKeeps`.
  var vetoesAll = false
  var vetoKeeps: Set<String> = []
  /// Whether the veto reaches every match of its sentence (`"scope": "sentence"`), not only those on its words.
  var vetoesSentence = false
  var isVeto: Bool { !veto.isEmpty || vetoesAll }

  /// Whether this veto rule drops matches of `label` (`NOT_X` or `X`).
  func vetoes(_ label: String) -> Bool {
    guard vetoesAll else { return veto.contains(label) }
    return !vetoKeeps.contains(label.hasPrefix("NOT_") ? String(label.dropFirst(4)) : label)
  }
}

/// Where negation is looked for and what cancels it (see `DataUseMatcher.polarity`).
struct NegationSettings: Sendable {
  /// Words that negate the statement they govern ("not", "never", "don't", "no").
  var cues: [PhraseID]
  /// Phrases containing a cue that do not negate ("not only", "not limited to", "whether or not").
  var ignore: [PhraseID]
  /// Words that start a new clause part, so a cue before them does not reach a match after them.
  var boundaries: [PhraseID]
  /// Words between a cue and the match that take the cue for themselves ("you cannot *opt out* of tracking").
  var blockers: [PhraseID]
  /// Phrases after a negated match that turn it into a conditional practice ("not … without your consent").
  var cancellers: [PhraseID]
  /// Words that open a condition ("if", "unless"): a cue after one of them, in the same clause part, negates the
  /// condition, not the practice ("cookies may not work if your browser does not accept them").
  var conditionals: [PhraseID] = []
  /// Words that open an exception ("except", "but"): a canceller after one belongs to the exception, so it does not
  /// turn the denial before it into a conditional practice ("never sold, except job applications, which are shared
  /// with recruiters unless you ask us not to": the sale stays denied).
  var exceptions: [PhraseID] = []
  /// How many tokens before the start of a match a cue may stand.
  var lookback: Int
  /// Verbs that carry a denial to a purpose further on: in "we do not use your messages, files, photos or contacts
  /// to train models", "not" governs "use", whose purpose ("to train…") is the match. A cue right before one of these
  /// verbs (two words at most) negates a match up to `reach` tokens later, through "to"/"for", in the same clause
  /// part.
  var governing: [PhraseID] = []
  /// How far (tokens from the cue to the start of the match) a governed denial reaches.
  var reach: Int = 40
}

/// A parsed, validated rule set. The format is documented in `BuiltInRules.swift`.
public struct DataUseRules: Sendable {
  var rules: [DataUseRule]
  var negation: NegationSettings
  var phrases: PhraseTable
  /// Category → the more general categories it overrides. When both match in one sentence with the same polarity,
  /// only the specific one is reported ("we do not sell or share your data" is about sale, not sharing in general).
  var overrides: [String: Set<String>]
  /// Whether sentences that end with "?" are skipped: a question ("Do we sell your data?") states no practice.
  var skipQuestions: Bool
  /// Category → labels (`X` or `NOT_X`) hidden whatever the specific match's polarity: a ban on others using the
  /// site's content to train AI (SCRAPING_CRAWLING) is not the provider denying AI training (NOT_AI_TRAINING).
  var overridesAnyPolarity: [String: Set<String>] = [:]
  /// Each lexicon entry's phrases (the concepts the learned model counts: `x:THIRDPARTY`…).
  var lexiconPhrases: [String: [PhraseID]] = [:]
  /// The categories the rules can report, in first-use order.
  public var categories: [String] {
    var seen = Set<String>()
    return rules.filter { !$0.isVeto }.map(\.category).filter { seen.insert($0).inserted }
  }
  /// The ids of all rules, in file order.
  public var ruleIDs: [String] { rules.map(\.id) }

  /// The rules shipped with PolicyWatch (`policywatch classify --print-rules` prints them).
  public static let builtIn: DataUseRules = {
    do {
      return try DataUseRules(json: Array(builtInDataUseRulesJSON.utf8))
    } catch {
      fatalError("the built-in data-use rules are invalid: \(error)")
    }
  }()

  /// The JSON text of the built-in rules, for users to copy and edit.
  public static var builtInJSON: String { builtInDataUseRulesJSON }

  init(
    rules: [DataUseRule], negation: NegationSettings, phrases: PhraseTable, overrides: [String: Set<String>],
    skipQuestions: Bool, overridesAnyPolarity: [String: Set<String>]
  ) {
    self.rules = rules
    self.negation = negation
    self.phrases = phrases
    self.overrides = overrides
    self.skipQuestions = skipQuestions
    self.overridesAnyPolarity = overridesAnyPolarity
  }

  /// Reads an analyst's rules file (see `BuiltInRules.swift` for the format): it is merged with the built-in rules
  /// (its rules added, or replacing the built-in rule of the same id; `"disable"` drops built-in rules), unless it
  /// says `"replaceBuiltIn": true`.
  /// - Parameter path: the file.
  /// - Throws: `DataUseRulesError`: `.unreadable`, or a problem `located` at its line and column in the file.
  public init(contentsOf path: String) throws(DataUseRulesError) {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .unreadable(path: path, reason: error.localizedDescription)
    }
    try self.init(merging: Array(data), file: path)
  }

  /// Reads rules given as JSON text, merged with the built-in rules unless the text says `"replaceBuiltIn": true`.
  /// - Parameters:
  ///   - json: the rules file's bytes.
  ///   - file: the name used in error messages.
  /// - Throws: `DataUseRulesError.located` naming the line and column of the problem.
  public init(merging json: [UInt8], file: String? = nil) throws(DataUseRulesError) {
    let source = try RuleSource(json: json, file: file)
    var merged = MergedRuleSet()
    if let replace = source.root["replaceBuiltIn"] {
      guard let flag = replace.bool else {
        throw source.error(.wrongType(rule: "(file)", field: "replaceBuiltIn", expected: "true or false"), at: replace)
      }
      if !flag { try merged.add(Self.builtInSource, merging: false) }
      try merged.add(source, merging: !flag)
    } else {
      try merged.add(Self.builtInSource, merging: false)
      try merged.add(source, merging: true)
    }
    var compiler = RuleCompiler(merged)
    self = try compiler.compile()
  }

  /// Reads a complete rule set from JSON text (nothing merged: this is how the built-in rules are read).
  /// - Throws: `DataUseRulesError.located` naming the line and column of the problem.
  public init(json: [UInt8], file: String? = nil) throws(DataUseRulesError) {
    var merged = MergedRuleSet()
    try merged.add(try RuleSource(json: json, file: file), merging: false)
    var compiler = RuleCompiler(merged)
    self = try compiler.compile()
  }

  private static let builtInSource: RuleSource = {
    do {
      return try RuleSource(json: Array(builtInDataUseRulesJSON.utf8), file: "(built-in rules)")
    } catch {
      fatalError("the built-in data-use rules are invalid: \(error)")
    }
  }()
}
