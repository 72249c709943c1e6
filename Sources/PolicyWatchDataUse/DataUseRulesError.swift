/// A problem in a rules file. Every case names the rule (by id, or `#index` when it has none) and what is wrong;
/// `located` adds the file, line and column where the problem is (`rules.json:12:9: rule ai.x: …`).
public indirect enum DataUseRulesError: Error, Sendable, Equatable, CustomStringConvertible {
  case unreadable(path: String, reason: String)
  case invalidJSON(reason: String)
  case notAnObject(what: String)
  case missingField(rule: String, field: String)
  case wrongType(rule: String, field: String, expected: String)
  case unknownField(rule: String, field: String, suggestion: String?)
  case duplicateRuleID(String)
  case invalidCategory(rule: String, category: String)
  case invalidPolarity(rule: String, value: String)
  case emptySlot(rule: String, slot: Int)
  case invalidPattern(rule: String, pattern: String, reason: String)
  case unknownLexiconEntry(rule: String, name: String)
  case invalidWindow(rule: String, window: Int)
  case unknownRuleToDisable(String)
  /// A problem at a place in a file (`file` is nil for rules given as text).
  case located(file: String?, line: Int, column: Int, problem: DataUseRulesError)

  /// The problem without its place.
  public var problem: DataUseRulesError {
    if case .located(_, _, _, let problem) = self { return problem.problem }
    return self
  }

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "cannot read rules file \(path): \(reason)"
    case .invalidJSON(let reason): "rules are not valid JSON: \(reason)"
    case .notAnObject(let what): "\(what) must be a JSON object"
    case .missingField(let rule, let field): "rule \(rule): missing field \"\(field)\""
    case .wrongType(let rule, let field, let expected): "rule \(rule): field \"\(field)\" must be \(expected)"
    case .unknownField(let rule, let field, let suggestion):
      "rule \(rule): unknown field \"\(field)\"" + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? "")
    case .duplicateRuleID(let id): "rule \(id): the id is used by more than one rule"
    case .invalidCategory(let rule, let category):
      "rule \(rule): category \"\(category)\" must be upper-case letters, digits and _ (e.g. AI_TRAINING)"
    case .invalidPolarity(let rule, let value):
      "rule \(rule): polarity \"\(value)\" must be \"detect\", \"affirmative\", \"negated\" or \"inverted\""
    case .emptySlot(let rule, let slot): "rule \(rule): slot \(slot) of \"all\" has no patterns"
    case .invalidPattern(let rule, let pattern, let reason): "rule \(rule): pattern \"\(pattern)\": \(reason)"
    case .unknownLexiconEntry(let rule, let name): "rule \(rule): \"@\(name)\" is not defined in \"lexicon\""
    case .invalidWindow(let rule, let window): "rule \(rule): window \(window) must be between 1 and 200"
    case .unknownRuleToDisable(let id):
      "\"disable\": there is no built-in rule \"\(id)\" (policywatch classify --print-rules lists them)"
    case .located(let file, let line, let column, let problem):
      "\(file ?? "rules"):\(line):\(column): \(problem.description)"
    }
  }
}
