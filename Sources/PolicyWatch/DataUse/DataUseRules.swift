import Foundation

/// Whether a data-use statement asserts the practice ("we may sell") or denies it ("we do not sell").
public enum DataUsePolarity: String, Sendable, Codable {
  case affirmative, negated
}

/// A problem in a rules file. Every case names the rule (by id, or `#index` when it has none) and what is wrong.
public enum DataUseRulesError: Error, Sendable, Equatable, CustomStringConvertible {
  case unreadable(path: String, reason: String)
  case invalidJSON(reason: String)
  case notAnObject(what: String)
  case missingField(rule: String, field: String)
  case wrongType(rule: String, field: String, expected: String)
  case duplicateRuleID(String)
  case invalidCategory(rule: String, category: String)
  case invalidPolarity(rule: String, value: String)
  case emptySlot(rule: String, slot: Int)
  case invalidPattern(rule: String, pattern: String, reason: String)
  case unknownLexiconEntry(rule: String, name: String)
  case invalidWindow(rule: String, window: Int)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "cannot read rules file \(path): \(reason)"
    case .invalidJSON(let reason): "rules are not valid JSON: \(reason)"
    case .notAnObject(let what): "\(what) must be a JSON object"
    case .missingField(let rule, let field): "rule \(rule): missing field \"\(field)\""
    case .wrongType(let rule, let field, let expected): "rule \(rule): field \"\(field)\" must be \(expected)"
    case .duplicateRuleID(let id): "rule \(id): the id is used by more than one rule"
    case .invalidCategory(let rule, let category):
      "rule \(rule): category \"\(category)\" must be upper-case letters, digits and _ (e.g. AI_TRAINING)"
    case .invalidPolarity(let rule, let value):
      "rule \(rule): polarity \"\(value)\" must be \"detect\", \"affirmative\", \"negated\" or \"inverted\""
    case .emptySlot(let rule, let slot): "rule \(rule): slot \(slot) of \"all\" has no patterns"
    case .invalidPattern(let rule, let pattern, let reason): "rule \(rule): pattern \"\(pattern)\": \(reason)"
    case .unknownLexiconEntry(let rule, let name): "rule \(rule): \"@\(name)\" is not defined in \"lexicon\""
    case .invalidWindow(let rule, let window): "rule \(rule): window \(window) must be between 1 and 200"
    }
  }
}

/// One word of a pattern: the exact word, or a prefix (`shar*` matches share, shared, sharing).
enum WordPattern: Sendable, Hashable {
  case exact(String)
  case prefix(String)

  func matches(_ word: String) -> Bool {
    switch self {
    case .exact(let expected): word == expected
    case .prefix(let stem): word.hasPrefix(stem)
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

  mutating func intern(_ phrase: PhrasePattern) -> PhraseID {
    if let id = ids[phrase] { return id }
    let id = patterns.count
    patterns.append(phrase)
    ids[phrase] = id
    switch phrase[0] {
    case .exact(let word): byFirstWord[word, default: []].append(id)
    case .prefix(let stem): byFirstPrefixCharacter[stem.first!, default: []].append(id)
    }
    return id
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
      for id in candidates {
        let phrase = patterns[id]
        guard start + phrase.count <= range.upperBound else { continue }
        var matched = true
        for offset in 1..<phrase.count where !phrase[offset].matches(tokens[start + offset].key) {
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
  /// The categories the rules can report, in first-use order.
  public var categories: [String] {
    var seen = Set<String>()
    return rules.map(\.category).filter { seen.insert($0).inserted }
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

  public init(contentsOf path: String) throws {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw DataUseRulesError.unreadable(path: path, reason: error.localizedDescription)
    }
    try self.init(json: Array(data))
  }

  public init(json: [UInt8]) throws {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(json))
    } catch {
      throw DataUseRulesError.invalidJSON(reason: error.localizedDescription)
    }
    guard let root = object as? [String: Any] else { throw DataUseRulesError.notAnObject(what: "the rules file") }
    var parser = RuleParser()
    try parser.readLexicon(root["lexicon"])
    negation = try parser.readNegation(root["negation"])
    guard let ruleList = root["rules"] as? [Any] else {
      throw DataUseRulesError.wrongType(rule: "(file)", field: "rules", expected: "an array of rule objects")
    }
    var ids = Set<String>()
    rules = []
    for (index, entry) in ruleList.enumerated() {
      let rule = try parser.readRule(entry, index: index)
      guard ids.insert(rule.id).inserted else { throw DataUseRulesError.duplicateRuleID(rule.id) }
      rules.append(rule)
    }
    phrases = parser.table
    overrides = try parser.readOverrides(root["overrides"])
    skipQuestions = true
    if let raw = root["skipQuestions"] {
      guard let flag = raw as? Bool, String(describing: type(of: raw)) != "NSNumber" else {
        throw DataUseRulesError.wrongType(rule: "(file)", field: "skipQuestions", expected: "true or false")
      }
      skipQuestions = flag
    }
  }
}

/// Turns the JSON objects into compiled patterns, expanding `@NAME` lexicon references.
private struct RuleParser {
  var lexicon: [String: [String]] = [:]
  var table = PhraseTable()

  mutating func readLexicon(_ value: Any?) throws {
    guard let value else { return }
    guard let entries = value as? [String: Any] else { throw DataUseRulesError.notAnObject(what: "\"lexicon\"") }
    for (name, list) in entries {
      guard let words = list as? [String] else {
        throw DataUseRulesError.wrongType(rule: "lexicon", field: name, expected: "an array of strings")
      }
      lexicon[name] = words
    }
  }

  /// `"overrides": {"SALE_OF_DATA": ["THIRD_PARTY_SHARING"], …}`: specific category → general categories.
  func readOverrides(_ value: Any?) throws -> [String: Set<String>] {
    guard let value else { return [:] }
    guard let entries = value as? [String: Any] else { throw DataUseRulesError.notAnObject(what: "\"overrides\"") }
    var result: [String: Set<String>] = [:]
    for (category, list) in entries {
      guard let general = list as? [String] else {
        throw DataUseRulesError.wrongType(rule: "overrides", field: category, expected: "an array of categories")
      }
      for name in [category] + general where !Self.isCategory(name) {
        throw DataUseRulesError.invalidCategory(rule: "overrides", category: name)
      }
      result[category] = Set(general)
    }
    return result
  }

  static func isCategory(_ name: String) -> Bool {
    let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
    return !name.isEmpty && name.allSatisfy(allowed.contains) && !name.hasPrefix("NOT_")
  }

  mutating func readNegation(_ value: Any?) throws -> NegationSettings {
    let object = (value as? [String: Any]) ?? [:]
    if value != nil && value as? [String: Any] == nil { throw DataUseRulesError.notAnObject(what: "\"negation\"") }
    func list(_ field: String) throws -> [PhraseID] {
      guard let raw = object[field] else { return [] }
      guard let strings = raw as? [String] else {
        throw DataUseRulesError.wrongType(rule: "negation", field: field, expected: "an array of strings")
      }
      return try phrases(strings, rule: "negation")
    }
    var lookback = 8
    if let raw = object["lookback"] {
      guard let number = raw as? Int, (0...50).contains(number) else {
        throw DataUseRulesError.wrongType(rule: "negation", field: "lookback", expected: "an integer from 0 to 50")
      }
      lookback = number
    }
    return NegationSettings(
      cues: try list("cues"), ignore: try list("ignore"), boundaries: try list("boundaries"),
      blockers: try list("blockers"), cancellers: try list("cancellers"), conditionals: try list("conditionals"),
      exceptions: try list("exceptions"), lookback: lookback)
  }

  mutating func readRule(_ value: Any, index: Int) throws -> DataUseRule {
    guard let object = value as? [String: Any] else { throw DataUseRulesError.notAnObject(what: "rule #\(index)") }
    guard let rawID = object["id"] else { throw DataUseRulesError.missingField(rule: "#\(index)", field: "id") }
    guard let id = rawID as? String, !id.isEmpty else {
      throw DataUseRulesError.wrongType(rule: "#\(index)", field: "id", expected: "a non-empty string")
    }
    guard let rawCategory = object["category"] else {
      throw DataUseRulesError.missingField(rule: id, field: "category")
    }
    guard let category = rawCategory as? String else {
      throw DataUseRulesError.wrongType(rule: id, field: "category", expected: "a string")
    }
    guard Self.isCategory(category) else {
      throw DataUseRulesError.invalidCategory(rule: id, category: category)
    }
    guard let rawSlots = object["all"] else { throw DataUseRulesError.missingField(rule: id, field: "all") }
    guard let slotList = rawSlots as? [Any], !slotList.isEmpty else {
      throw DataUseRulesError.wrongType(rule: id, field: "all", expected: "a non-empty array of pattern lists")
    }
    var slots: [[PhraseID]] = []
    for (slotIndex, rawSlot) in slotList.enumerated() {
      // A slot may be a single pattern string or a list of alternatives.
      let strings: [String]
      if let single = rawSlot as? String {
        strings = [single]
      } else if let many = rawSlot as? [String] {
        strings = many
      } else {
        throw DataUseRulesError.wrongType(rule: id, field: "all[\(slotIndex)]", expected: "a string or strings")
      }
      let slot = try phrases(strings, rule: id)
      guard !slot.isEmpty else { throw DataUseRulesError.emptySlot(rule: id, slot: slotIndex) }
      slots.append(slot)
    }
    let window = try int(object["window"], field: "window", rule: id) ?? 12
    guard (1...200).contains(window) else { throw DataUseRulesError.invalidWindow(rule: id, window: window) }
    let weight = try int(object["weight"], field: "weight", rule: id) ?? 1
    var ordered = false
    if let raw = object["ordered"] {
      guard let flag = raw as? Bool, String(describing: type(of: raw)) != "NSNumber" else {
        throw DataUseRulesError.wrongType(rule: id, field: "ordered", expected: "true or false")
      }
      ordered = flag
    }
    var exclude: [PhraseID] = []
    if let raw = object["exclude"] {
      guard let strings = raw as? [String] else {
        throw DataUseRulesError.wrongType(rule: id, field: "exclude", expected: "an array of strings")
      }
      exclude = try phrases(strings, rule: id)
    }
    var mask: [PhraseID] = []
    if let raw = object["mask"] {
      guard let strings = raw as? [String] else {
        throw DataUseRulesError.wrongType(rule: id, field: "mask", expected: "an array of strings")
      }
      mask = try phrases(strings, rule: id)
    }
    var hidesGeneral = true
    if let raw = object["override"] {
      guard let flag = raw as? Bool, String(describing: type(of: raw)) != "NSNumber" else {
        throw DataUseRulesError.wrongType(rule: id, field: "override", expected: "true or false")
      }
      hidesGeneral = flag
    }
    var polarity = RulePolarity.detect
    if let raw = object["polarity"] {
      guard let text = raw as? String, let value = RulePolarity(rawValue: text) else {
        throw DataUseRulesError.invalidPolarity(rule: id, value: "\(raw)")
      }
      polarity = value
    }
    return DataUseRule(
      id: id, category: category, slots: slots, window: window, ordered: ordered, exclude: exclude, mask: mask,
      polarity: polarity, weight: weight, hidesGeneral: hidesGeneral)
  }

  private func int(_ raw: Any?, field: String, rule: String) throws -> Int? {
    guard let raw else { return nil }
    // JSONSerialization gives NSNumber (a boolean is a distinct subclass); reject booleans and fractions.
    let isBoolean = String(describing: type(of: raw)).contains("Boolean") || type(of: raw) == Bool.self
    guard let number = raw as? NSNumber, !isBoolean, number.doubleValue == Double(number.intValue) else {
      throw DataUseRulesError.wrongType(rule: rule, field: field, expected: "an integer")
    }
    return number.intValue
  }

  /// Expands, compiles and interns a list of patterns.
  mutating func phrases(_ strings: [String], rule: String) throws -> [PhraseID] {
    try expand(strings, rule: rule).map { table.intern(try compile($0, rule: rule)) }
  }

  /// Replaces `@NAME` by the lexicon entry's patterns (entries may reference other entries, to depth 8).
  func expand(_ strings: [String], rule: String, depth: Int = 0) throws -> [String] {
    var output: [String] = []
    for string in strings {
      if string.hasPrefix("@") {
        let name = String(string.dropFirst())
        guard let entry = lexicon[name], depth < 8 else {
          throw DataUseRulesError.unknownLexiconEntry(rule: rule, name: name)
        }
        output += try expand(entry, rule: rule, depth: depth + 1)
      } else {
        output.append(string)
      }
    }
    return output
  }

  /// Compiles "third part*" into word patterns, tokenised exactly like the text is.
  func compile(_ pattern: String, rule: String) throws -> PhrasePattern {
    var words: [WordPattern] = []
    for piece in pattern.split(separator: " ", omittingEmptySubsequences: true) {
      var text = String(piece)
      let isPrefix = text.hasSuffix("*")
      if isPrefix { text.removeLast() }
      if text.contains("*") {
        throw DataUseRulesError.invalidPattern(
          rule: rule, pattern: pattern, reason: "* may only end a word (\"\(piece)\")")
      }
      let tokens = DataUseTokenizer.tokenize(text).filter { $0.isWord || $0.kind == .comma }.map(\.key)
      guard !tokens.isEmpty else {
        throw DataUseRulesError.invalidPattern(rule: rule, pattern: pattern, reason: "\"\(piece)\" has no letters")
      }
      if isPrefix && tokens.count > 1 {
        throw DataUseRulesError.invalidPattern(
          rule: rule, pattern: pattern, reason: "a * prefix must be a single word (\"\(piece)\")")
      }
      words += tokens.dropLast().map { .exact($0) }
      words.append(isPrefix ? .prefix(tokens.last!) : .exact(tokens.last!))
    }
    guard !words.isEmpty else { throw DataUseRulesError.invalidPattern(rule: rule, pattern: pattern, reason: "empty") }
    return words
  }
}
