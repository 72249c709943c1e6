import Foundation
import PolicyWatchSupport

// Reading rules files: JSON (read by `JSONText`, so every problem is reported at its line and column), merged with
// the built-in rules, then compiled into a `DataUseRules`.
//
// Merging: a user's file adds to the built-in rules unless it says "replaceBuiltIn": true. Its lexicon entries add
// to or replace the built-in entries of the same name; its negation lists are added to the built-in lists (numbers
// replace them); its overrides are added; a rule with the id of a built-in rule replaces it where it stands, other
// rules come after the built-in ones; "disable" lists built-in rule ids to drop; "notNames" are added; its
// "skipQuestions" replaces the built-in setting.

/// A parsed rules file and where it came from, to report problems at their place.
struct RuleSource: Sendable {
  var file: String?
  var bytes: [UInt8]
  var root: JSONNode

  init(json: [UInt8], file: String?) throws(DataUseRulesError) {
    self.file = file
    bytes = json
    do {
      root = try JSONText.parse(json)
    } catch {
      throw .located(
        file: file, line: error.line, column: error.column, problem: .invalidJSON(reason: error.message))
    }
    guard root.members != nil else {
      throw .located(file: file, line: 1, column: 1, problem: .notAnObject(what: "the rules file"))
    }
  }

  func error(_ problem: DataUseRulesError, at node: JSONNode) -> DataUseRulesError {
    error(problem, offset: node.offset)
  }

  func error(_ problem: DataUseRulesError, offset: Int) -> DataUseRulesError {
    let (line, column) = JSONText.lineAndColumn(of: offset, in: bytes)
    return .located(file: file, line: line, column: column, problem: problem)
  }
}

/// The parts of one or more rules files, merged, each value with its source.
struct MergedRuleSet {
  struct Sourced {
    var node: JSONNode
    var source: RuleSource
  }

  var lexicon: [String: Sourced] = [:]
  var negationLists: [String: [Sourced]] = [:]
  var negationNumbers: [String: Sourced] = [:]
  var overrides: [(category: String, keyOffset: Int, value: Sourced)] = []
  var rules: [(id: String, rule: Sourced)] = []
  var notNames: [Sourced] = []
  var skipQuestions: Sourced?

  static let topLevelFields = [
    "version", "about", "lexicon", "negation", "overrides", "rules", "skipQuestions", "notNames", "replaceBuiltIn",
    "disable",
  ]
  static let negationListFields = [
    "cues", "ignore", "boundaries", "blockers", "cancellers", "conditionals", "exceptions", "governing",
  ]
  static let negationNumberFields = ["lookback", "reach"]
  static let ruleFields = [
    "id", "category", "veto", "vetoKeeps", "scope", "all", "window", "ordered", "exclude", "mask", "polarity", "weight",
    "override", "cancellable", "about",
  ]

  /// Whether a key is a comment (`_…` or `//…`), allowed anywhere.
  static func isComment(_ key: String) -> Bool { key.hasPrefix("_") || key.hasPrefix("//") }

  static func unknownField(
    _ member: JSONNode.Member, known: [String], rule: String, source: RuleSource
  ) -> DataUseRulesError {
    let suggestion = known.min { EditDistance.between($0, member.key) < EditDistance.between($1, member.key) }
      .flatMap { EditDistance.between($0, member.key) <= 2 ? $0 : nil }
    return source.error(.unknownField(rule: rule, field: member.key, suggestion: suggestion), offset: member.keyOffset)
  }

  /// Adds a file's contents. `base` is false for the first (complete) file and true for a file merged into it.
  mutating func add(_ source: RuleSource, merging: Bool) throws(DataUseRulesError) {
    let members = source.root.members ?? []
    for member in members where !Self.isComment(member.key) && !Self.topLevelFields.contains(member.key) {
      throw Self.unknownField(member, known: Self.topLevelFields, rule: "(file)", source: source)
    }
    if let disable = source.root["disable"] {
      guard let list = disable.array else {
        throw source.error(
          .wrongType(rule: "(file)", field: "disable", expected: "an array of rule ids"), at: disable)
      }
      for entry in list {
        guard let id = entry.string else {
          throw source.error(.wrongType(rule: "(file)", field: "disable", expected: "an array of rule ids"), at: entry)
        }
        guard merging, let index = rules.firstIndex(where: { $0.id == id }) else {
          throw source.error(.unknownRuleToDisable(id), at: entry)
        }
        rules.remove(at: index)
      }
    }
    if let lexiconNode = source.root["lexicon"] {
      guard let entries = lexiconNode.members else {
        throw source.error(.notAnObject(what: "\"lexicon\""), at: lexiconNode)
      }
      for entry in entries where !Self.isComment(entry.key) {
        lexicon[entry.key] = Sourced(node: entry.value, source: source)
      }
    }
    if let negation = source.root["negation"] {
      guard let entries = negation.members else { throw source.error(.notAnObject(what: "\"negation\""), at: negation) }
      for entry in entries where !Self.isComment(entry.key) {
        if Self.negationListFields.contains(entry.key) {
          negationLists[entry.key, default: []].append(Sourced(node: entry.value, source: source))
        } else if Self.negationNumberFields.contains(entry.key) {
          negationNumbers[entry.key] = Sourced(node: entry.value, source: source)
        } else {
          throw Self.unknownField(
            entry, known: Self.negationListFields + Self.negationNumberFields, rule: "negation", source: source)
        }
      }
    }
    if let overridesNode = source.root["overrides"] {
      guard let entries = overridesNode.members else {
        throw source.error(.notAnObject(what: "\"overrides\""), at: overridesNode)
      }
      for entry in entries where !Self.isComment(entry.key) {
        overrides.append((entry.key, entry.keyOffset, Sourced(node: entry.value, source: source)))
      }
    }
    if let names = source.root["notNames"] { notNames.append(Sourced(node: names, source: source)) }
    if let flag = source.root["skipQuestions"] { skipQuestions = Sourced(node: flag, source: source) }
    guard let ruleList = source.root["rules"] else {
      if merging { return }
      throw source.error(
        .wrongType(rule: "(file)", field: "rules", expected: "an array of rule objects"), offset: source.root.offset)
    }
    guard let entries = ruleList.array else {
      throw source.error(.wrongType(rule: "(file)", field: "rules", expected: "an array of rule objects"), at: ruleList)
    }
    var idsInThisFile = Set<String>()
    for (index, entry) in entries.enumerated() {
      guard entry.members != nil else { throw source.error(.notAnObject(what: "rule #\(index)"), at: entry) }
      guard let idNode = entry["id"] else {
        throw source.error(.missingField(rule: "#\(index)", field: "id"), at: entry)
      }
      guard let id = idNode.string, !id.isEmpty else {
        throw source.error(.wrongType(rule: "#\(index)", field: "id", expected: "a non-empty string"), at: idNode)
      }
      guard idsInThisFile.insert(id).inserted else { throw source.error(.duplicateRuleID(id), at: idNode) }
      let sourced = Sourced(node: entry, source: source)
      if merging, let existing = rules.firstIndex(where: { $0.id == id }) {
        rules[existing].rule = sourced
      } else {
        rules.append((id, sourced))
      }
    }
  }
}

/// Compiles merged rules files into patterns, expanding `@NAME` lexicon references.
struct RuleCompiler {
  var merged: MergedRuleSet
  var table = PhraseTable()

  init(_ merged: MergedRuleSet) { self.merged = merged }

  mutating func compile() throws(DataUseRulesError) -> DataUseRules {
    // Lexicon entries are checked where they are defined, so an error names the file that wrote them.
    for (name, entry) in merged.lexicon {
      guard let list = entry.node.array, list.allSatisfy({ $0.string != nil }) else {
        throw entry.source.error(
          .wrongType(rule: "lexicon", field: name, expected: "an array of strings"), at: entry.node)
      }
    }
    var notNames = Set<String>()
    for entry in merged.notNames {
      for word in try strings(entry.node, field: "notNames", rule: "(file)", source: entry.source) {
        notNames.insert(word.lowercased())
      }
    }
    table.notNames = notNames
    // Every lexicon entry's phrases are interned too: the learned model counts them as concept features.
    var lexiconPhrases: [String: [PhraseID]] = [:]
    for name in merged.lexicon.keys.sorted() {
      let entry = merged.lexicon[name]!
      lexiconPhrases[name] = try phrases(["@" + name], rule: "lexicon", source: entry.source, node: entry.node)
    }
    let negation = try readNegation()
    var rules: [DataUseRule] = []
    for (_, entry) in merged.rules { rules.append(try readRule(entry.node, source: entry.source)) }
    var overrides: [String: Set<String>] = [:]
    var anyPolarity: [String: Set<String>] = [:]
    for (category, keyOffset, entry) in merged.overrides {
      guard RuleCompiler.isCategory(category) else {
        throw entry.source.error(.invalidCategory(rule: "overrides", category: category), offset: keyOffset)
      }
      for label in try strings(entry.node, field: category, rule: "overrides", source: entry.source) {
        // "NOT_X" hides negated X whatever the specific match's polarity; "X" hides X of the same polarity.
        if label.hasPrefix("NOT_"), RuleCompiler.isCategory(String(label.dropFirst(4))) {
          anyPolarity[category, default: []].insert(label)
        } else if RuleCompiler.isCategory(label) {
          overrides[category, default: []].insert(label)
        } else {
          throw entry.source.error(.invalidCategory(rule: "overrides", category: label), at: entry.node)
        }
      }
    }
    var skipQuestions = true
    if let entry = merged.skipQuestions {
      guard let flag = entry.node.bool else {
        throw entry.source.error(
          .wrongType(rule: "(file)", field: "skipQuestions", expected: "true or false"), at: entry.node)
      }
      skipQuestions = flag
    }
    var result = DataUseRules(
      rules: rules, negation: negation, phrases: table, overrides: overrides, skipQuestions: skipQuestions,
      overridesAnyPolarity: anyPolarity)
    result.lexiconPhrases = lexiconPhrases
    return result
  }

  static func isCategory(_ name: String) -> Bool {
    !name.isEmpty && !name.hasPrefix("NOT_")
      && name.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
  }

  private mutating func readNegation() throws(DataUseRulesError) -> NegationSettings {
    func list(_ field: String) throws(DataUseRulesError) -> [PhraseID] {
      var ids: [PhraseID] = []
      for entry in merged.negationLists[field] ?? [] {
        ids += try phrases(
          try strings(entry.node, field: field, rule: "negation", source: entry.source), rule: "negation",
          source: entry.source, node: entry.node)
      }
      return ids
    }
    func number(_ field: String, default value: Int, range: ClosedRange<Int>) throws(DataUseRulesError) -> Int {
      guard let entry = merged.negationNumbers[field] else { return value }
      guard let number = entry.node.number, number == number.rounded(), range.contains(Int(number)) else {
        throw entry.source.error(
          .wrongType(
            rule: "negation", field: field,
            expected: "an integer from \(range.lowerBound) to \(range.upperBound)"), at: entry.node)
      }
      return Int(number)
    }
    return NegationSettings(
      cues: try list("cues"), ignore: try list("ignore"), boundaries: try list("boundaries"),
      blockers: try list("blockers"), cancellers: try list("cancellers"), conditionals: try list("conditionals"),
      exceptions: try list("exceptions"), lookback: try number("lookback", default: 8, range: 0...50),
      governing: try list("governing"), reach: try number("reach", default: 40, range: 0...200))
  }

  private func strings(
    _ node: JSONNode, field: String, rule: String, source: RuleSource
  ) throws(DataUseRulesError) -> [String] {
    guard let list = node.array else {
      throw source.error(.wrongType(rule: rule, field: field, expected: "an array of strings"), at: node)
    }
    var result: [String] = []
    for element in list {
      guard let text = element.string else {
        throw source.error(.wrongType(rule: rule, field: field, expected: "an array of strings"), at: element)
      }
      result.append(text)
    }
    return result
  }

  private mutating func readRule(_ node: JSONNode, source: RuleSource) throws(DataUseRulesError) -> DataUseRule {
    let id = node["id"]?.string ?? "?"
    for member in node.members ?? []
    where !MergedRuleSet.isComment(member.key) && !MergedRuleSet.ruleFields.contains(member.key) {
      throw MergedRuleSet.unknownField(member, known: MergedRuleSet.ruleFields, rule: id, source: source)
    }
    var category = ""
    var veto: Set<String> = []
    var vetoesAll = false
    var vetoKeeps: Set<String> = []
    var vetoesSentence = false
    if let vetoNode = node["veto"], vetoNode.string == "*" {
      vetoesAll = true
      if let keepsNode = node["vetoKeeps"] {
        for name in try strings(keepsNode, field: "vetoKeeps", rule: id, source: source) {
          guard RuleCompiler.isCategory(name) else {
            throw source.error(.invalidCategory(rule: id, category: name), at: keepsNode)
          }
          vetoKeeps.insert(name)
        }
      }
    } else if let vetoNode = node["veto"] {
      for label in try strings(vetoNode, field: "veto", rule: id, source: source) {
        let name = label.hasPrefix("NOT_") ? String(label.dropFirst(4)) : label
        guard RuleCompiler.isCategory(name) else {
          throw source.error(.invalidCategory(rule: id, category: label), at: vetoNode)
        }
        veto.insert(label)
      }
      guard !veto.isEmpty else {
        throw source.error(.wrongType(rule: id, field: "veto", expected: "a non-empty array of labels"), at: vetoNode)
      }
    }
    if node["veto"] != nil {
      if let categoryNode = node["category"] {
        throw source.error(.wrongType(rule: id, field: "category", expected: "absent in a veto rule"), at: categoryNode)
      }
      if let scopeNode = node["scope"] {
        guard let scope = scopeNode.string, scope == "sentence" || scope == "words" else {
          throw source.error(.wrongType(rule: id, field: "scope", expected: "\"words\" or \"sentence\""), at: scopeNode)
        }
        vetoesSentence = scope == "sentence"
      }
    } else {
      guard let categoryNode = node["category"] else {
        throw source.error(.missingField(rule: id, field: "category"), at: node)
      }
      guard let text = categoryNode.string else {
        throw source.error(.wrongType(rule: id, field: "category", expected: "a string"), at: categoryNode)
      }
      guard RuleCompiler.isCategory(text) else {
        throw source.error(.invalidCategory(rule: id, category: text), at: categoryNode)
      }
      category = text
    }
    guard let slotsNode = node["all"] else { throw source.error(.missingField(rule: id, field: "all"), at: node) }
    guard let slotList = slotsNode.array, !slotList.isEmpty else {
      throw source.error(
        .wrongType(rule: id, field: "all", expected: "a non-empty array of pattern lists"), at: slotsNode)
    }
    var slots: [[PhraseID]] = []
    for (slotIndex, slotNode) in slotList.enumerated() {
      // A slot may be a single pattern string or a list of alternatives.
      let patterns: [String]
      if let single = slotNode.string {
        patterns = [single]
      } else if let many = slotNode.array, many.allSatisfy({ $0.string != nil }) {
        patterns = many.compactMap(\.string)
      } else {
        throw source.error(
          .wrongType(rule: id, field: "all[\(slotIndex)]", expected: "a string or strings"), at: slotNode)
      }
      let slot = try phrases(patterns, rule: id, source: source, node: slotNode)
      guard !slot.isEmpty else { throw source.error(.emptySlot(rule: id, slot: slotIndex), at: slotNode) }
      slots.append(slot)
    }
    let window = try integer(node["window"], field: "window", rule: id, source: source) ?? 12
    guard (1...200).contains(window) else {
      throw source.error(.invalidWindow(rule: id, window: window), at: node["window"] ?? node)
    }
    let weight = try integer(node["weight"], field: "weight", rule: id, source: source) ?? 1
    let ordered = try flag(node["ordered"], field: "ordered", rule: id, source: source) ?? false
    let hidesGeneral = try flag(node["override"], field: "override", rule: id, source: source) ?? true
    let cancellable = try flag(node["cancellable"], field: "cancellable", rule: id, source: source) ?? true
    var exclude: [PhraseID] = []
    if let excludeNode = node["exclude"] {
      exclude = try phrases(
        try strings(excludeNode, field: "exclude", rule: id, source: source), rule: id, source: source,
        node: excludeNode)
    }
    var mask: [PhraseID] = []
    if let maskNode = node["mask"] {
      mask = try phrases(
        try strings(maskNode, field: "mask", rule: id, source: source), rule: id, source: source, node: maskNode)
    }
    var polarity = RulePolarity.detect
    if let polarityNode = node["polarity"] {
      guard let text = polarityNode.string, let value = RulePolarity(rawValue: text) else {
        let shown = polarityNode.string ?? polarityNode.kindDescription
        throw source.error(.invalidPolarity(rule: id, value: shown), at: polarityNode)
      }
      polarity = value
    }
    return DataUseRule(
      id: id, category: category, slots: slots, window: window, ordered: ordered, exclude: exclude, mask: mask,
      polarity: polarity, weight: weight, hidesGeneral: hidesGeneral, cancellable: cancellable, veto: veto,
      vetoesAll: vetoesAll, vetoKeeps: vetoKeeps, vetoesSentence: vetoesSentence)
  }

  private func integer(
    _ node: JSONNode?, field: String, rule: String, source: RuleSource
  ) throws(DataUseRulesError) -> Int? {
    guard let node else { return nil }
    guard let number = node.number, number == number.rounded(), abs(number) < 1e9 else {
      throw source.error(.wrongType(rule: rule, field: field, expected: "an integer"), at: node)
    }
    return Int(number)
  }

  private func flag(
    _ node: JSONNode?, field: String, rule: String, source: RuleSource
  ) throws(DataUseRulesError) -> Bool? {
    guard let node else { return nil }
    guard let value = node.bool else {
      throw source.error(.wrongType(rule: rule, field: field, expected: "true or false"), at: node)
    }
    return value
  }

  /// Expands, compiles and interns a list of patterns.
  private mutating func phrases(
    _ patterns: [String], rule: String, source: RuleSource, node: JSONNode
  ) throws(DataUseRulesError) -> [PhraseID] {
    var ids: [PhraseID] = []
    for pattern in try expand(patterns, rule: rule, source: source, node: node) {
      ids.append(table.intern(try compile(pattern, rule: rule, source: source, node: node)))
    }
    return ids
  }

  /// Replaces `@NAME` by the lexicon entry's patterns (entries may reference other entries, to depth 8).
  private func expand(
    _ patterns: [String], rule: String, source: RuleSource, node: JSONNode, depth: Int = 0
  ) throws(DataUseRulesError) -> [String] {
    var output: [String] = []
    for pattern in patterns {
      guard pattern.hasPrefix("@") else {
        output.append(pattern)
        continue
      }
      let name = String(pattern.dropFirst())
      guard let entry = merged.lexicon[name], depth < 8 else {
        throw source.error(.unknownLexiconEntry(rule: rule, name: name), at: node)
      }
      output += try expand(
        entry.node.array?.compactMap(\.string) ?? [], rule: rule, source: source, node: node, depth: depth + 1)
    }
    return output
  }

  /// Compiles "third part*" into word patterns, tokenised exactly like the text is; `<name>` stands for a name.
  private func compile(
    _ pattern: String, rule: String, source: RuleSource, node: JSONNode
  ) throws(DataUseRulesError) -> PhrasePattern {
    func invalid(_ reason: String) -> DataUseRulesError {
      source.error(.invalidPattern(rule: rule, pattern: pattern, reason: reason), at: node)
    }
    var words: [WordPattern] = []
    for piece in pattern.split(separator: " ", omittingEmptySubsequences: true) {
      if piece == "<name>" {
        words.append(.name)
        continue
      }
      var text = String(piece)
      let isPrefix = text.hasSuffix("*")
      if isPrefix { text.removeLast() }
      if text.contains("*") { throw invalid("* may only end a word (\"\(piece)\")") }
      let tokens = DataUseTokenizer.tokenize(text).filter { $0.isWord || $0.kind == .comma }.map(\.key)
      guard !tokens.isEmpty else { throw invalid("\"\(piece)\" has no letters") }
      if isPrefix && tokens.count > 1 { throw invalid("a * prefix must be a single word (\"\(piece)\")") }
      words += tokens.dropLast().map { .exact($0) }
      words.append(isPrefix ? .prefix(tokens.last!) : .exact(tokens.last!))
    }
    guard !words.isEmpty else { throw invalid("empty") }
    return words
  }
}
