/// Turns a parsed selector into XPath 1.0. A selector is matched right to left, as browsers do: the path
/// visits every element that passes the subject compound's node test once, and a predicate checks the rest of
/// the selector through the reverse axes (`div > p.x` is `/descendant::p[… and parent::div]`; `a + b` is
/// `/descendant::b[preceding-sibling::*[1]/self::a]`). Measured on a 0.55 MB real page, this was 2 to 8 times
/// faster than left-to-right paths (`/descendant::div/descendant::p`), whose overlapping node sets libxml2 has
/// to merge, and it cannot blow up on `li ~ li ~ li` over long sibling lists the way those merges do.
///
/// Only `:has()` uses a left-to-right path (its selectors start at the element being tested and must stay
/// inside it). Positional predicates appear only as the last predicate of a step (`preceding-sibling::*[1]`),
/// where libxml2 stops the axis early and no enclosing predicate can see positions; `:nth-*` count siblings.
/// Conditions joined with `and` are each a primary expression or parenthesised, so no operator precedence
/// can regroup them.
package struct CSSXPathTranslator {
  /// The selector as written, for error messages.
  let selector: String

  package init(selector: String) { self.selector = selector }

  /// The selector list as a union of one path per selector, over the descendants of the document node
  /// (`absolute`) or of the context node.
  package func path(for list: CSSSelectorList, absolute: Bool) throws(CSSSelectorError) -> String {
    var paths: [String] = []
    for complex in list.selectors {
      let (test, conditions) = try match(complex, inheritedType: nil)
      let predicate = conditions.isEmpty ? "" : "[\(conditions.joined(separator: " and "))]"
      paths.append((absolute ? "/" : "") + "descendant::\(test)\(predicate)")
    }
    return paths.joined(separator: " | ")
  }

  /// A location path from the element `:has()` tests, left to right (`:has(> a b)` is `child::a/descendant::b`).
  private func hasPath(for complex: CSSComplexSelector) throws(CSSSelectorError) -> String {
    var steps: [String] = []
    for (offset, compound) in complex.compounds.enumerated() {
      let combinator = offset == 0 ? complex.leading ?? .descendant : complex.combinators[offset - 1]
      let (test, nameConditions) = nodeTest(compound.element)
      let conditions = try nameConditions + conditions(for: compound, type: compound.element)
      let predicate = conditions.isEmpty ? "" : "[\(conditions.joined(separator: " and "))]"
      switch combinator {
      case .descendant: steps.append("descendant::\(test)\(predicate)")
      case .child: steps.append("child::\(test)\(predicate)")
      case .subsequentSibling: steps.append("following-sibling::\(test)\(predicate)")
      case .nextSibling: steps.append("following-sibling::*[1]/self::\(test)\(predicate)")
      }
    }
    return steps.joined(separator: "/")
  }

  /// A boolean expression true when the context element matches `complex`.
  private func condition(for complex: CSSComplexSelector, inheritedType: String?) throws(CSSSelectorError) -> String {
    let (test, conditions) = try match(complex, inheritedType: inheritedType)
    let all = (test == "*" ? [] : ["self::\(test)"]) + conditions
    return all.isEmpty ? "true()" : all.joined(separator: " and ")
  }

  /// The node test for the subject (rightmost) compound of `complex`, and the conditions an element passing
  /// it must meet to match `complex`. `inheritedType` is the element name known from the compound around a
  /// `:not()`/`:is()`, used by `*-of-type` in the subject compound.
  private func match(
    _ complex: CSSComplexSelector, inheritedType: String?
  ) throws(CSSSelectorError) -> (test: String, conditions: [String]) {
    // Built from the leftmost compound inwards, so the nesting needs no recursion: each step is a predicate
    // of the step for the compound to its right.
    var step: String? = nil
    for (offset, compound) in complex.compounds.dropLast().enumerated() {
      let (test, nameConditions) = nodeTest(compound.element)
      var conditions = try nameConditions + conditions(for: compound, type: compound.element)
      let own = conditions.isEmpty ? "" : "[\(conditions.joined(separator: " and "))]"
      let combinator = complex.combinators[offset]
      if let left = step, offset > 0, Self.nearestSuffices(combinator, left: complex.combinators[offset - 1]) {
        // Only the nearest candidate needs checking against the compounds further left. Without `[1]`,
        // `li ~ li ~ li ~ li` nests one scan of the siblings per combinator (time grows as n^depth).
        let axis = combinator == .descendant ? "ancestor" : "preceding-sibling"
        step = "\(axis)::\(test)\(own)[1]/self::*[\(left)]"
        continue
      }
      if let step { conditions.append(step) }
      let predicate = conditions.isEmpty ? "" : "[\(conditions.joined(separator: " and "))]"
      switch combinator {
      case .descendant: step = "ancestor::\(test)\(predicate)"
      case .child: step = "parent::\(test)\(predicate)"
      case .subsequentSibling: step = "preceding-sibling::\(test)\(predicate)"
      case .nextSibling:
        // `preceding-sibling::*[1]` is the nearest element (`preceding-sibling::a[1]` would be the nearest
        // `a`); the test follows in a separate step so that libxml2 stops the axis at the first element.
        step = "preceding-sibling::*[1]/self::\(test)\(predicate)"
      }
    }
    let subject = complex.compounds[complex.compounds.count - 1]
    let (test, nameConditions) = nodeTest(subject.element)
    var conditions = try nameConditions + self.conditions(for: subject, type: subject.element ?? inheritedType)
    if let step { conditions.append(step) }
    return (test, conditions)
  }

  /// Whether, among the candidates a reverse axis offers for a compound (its ancestors for a descendant
  /// combinator, its preceding siblings for `~`), the nearest one satisfies the relation to the compounds on
  /// its left whenever any candidate does. True when that relation is monotone along the axis: a deeper
  /// ancestor has every ancestor a higher one has; a later sibling has every preceding sibling and the same
  /// parent and ancestors as an earlier one. (`>` and `+` on the left are not monotone.)
  static func nearestSuffices(_ combinator: CSSCombinator, left: CSSCombinator) -> Bool {
    switch combinator {
    case .descendant: left == .descendant
    case .subsequentSibling: left == .subsequentSibling || left == .descendant || left == .child
    case .child, .nextSibling: false
    }
  }

  /// The node test for an element name, and a condition when the name is not a plain XPath name
  /// (`a\:b`, `\31 23`, non-ASCII): then the test is `*` and `name()` is compared instead.
  private func nodeTest(_ element: String?) -> (test: String, conditions: [String]) {
    guard let element else { return ("*", []) }
    if Self.isPlainName(element) { return (element, []) }
    return ("*", [Self.literal(element).map { "name() = \($0)" } ?? "false()"])
  }

  /// The conditions of a compound's simple selectors; `type` is the element name `*-of-type` counts.
  private func conditions(for compound: CSSCompoundSelector, type: String?) throws(CSSSelectorError) -> [String] {
    var conditions: [String] = []
    for simple in compound.simples {
      switch simple {
      case .id(let id):
        conditions.append(Self.literal(id).map { "@id = \($0)" } ?? "false()")
      case .className(let name):
        conditions.append(Self.tokenListCondition(attribute: "@class", token: name))
      case .attribute(let attribute):
        conditions.append(Self.condition(for: attribute))
      case .pseudoClass(let pseudoClass, let position):
        conditions.append(try condition(for: pseudoClass, type: type, position: position))
      }
    }
    return conditions
  }

  private func condition(
    for pseudoClass: CSSPseudoClass, type: String?, position: Int
  ) throws(CSSSelectorError) -> String {
    switch pseudoClass {
    case .nthChild(let nth, let fromEnd):
      return Self.nthCondition(nth, siblings: (fromEnd ? "following-sibling::" : "preceding-sibling::") + "*")
    case .nthOfType(let nth, let fromEnd):
      let siblings = try typedSiblings(type, position: position)
      return Self.nthCondition(nth, siblings: (fromEnd ? "following-sibling::" : "preceding-sibling::") + siblings)
    case .onlyChild:
      return "not(preceding-sibling::*) and not(following-sibling::*)"
    case .onlyOfType:
      let siblings = try typedSiblings(type, position: position)
      return "not(preceding-sibling::\(siblings)) and not(following-sibling::\(siblings))"
    case .empty:
      // Selectors Level 3 (what browsers do): no element and no text child at all, whitespace included;
      // comments and processing instructions do not count.
      return "not(*) and not(text())"
    case .root:
      return "not(parent::*)"
    case .not(let list):
      var alternatives: [String] = []
      for complex in list.selectors {
        alternatives.append(try condition(for: complex, inheritedType: type))
      }
      return "not(\(alternatives.joined(separator: " or ")))"
    case .is(let list):
      var alternatives: [String] = []
      for complex in list.selectors {
        alternatives.append(try condition(for: complex, inheritedType: type))
      }
      return "(\(alternatives.joined(separator: " or ")))"
    case .has(let list):
      var alternatives: [String] = []
      for complex in list.selectors {
        alternatives.append(try hasPath(for: complex))
      }
      return "(\(alternatives.joined(separator: " or ")))"
    }
  }

  /// The node test (with predicate) for siblings of the same type, for `*-of-type`. XPath 1.0 cannot compare
  /// a sibling's name with the context element's name (no `current()`), so the type must be known here.
  private func typedSiblings(_ type: String?, position: Int) throws(CSSSelectorError) -> String {
    guard let type else {
      let scalars = Array(selector.unicodeScalars)
      var name = ""
      var index = position + 1
      while index < scalars.count, CSSTokenizer.isNameCharacter(scalars[index]) {
        name.unicodeScalars.append(scalars[index])
        index += 1
      }
      throw CSSSelectorError(
        selector: selector, position: position,
        message: ":\(name) needs a type selector in the same compound selector (e.g. p:\(name))")
    }
    let (test, conditions) = nodeTest(type)
    return conditions.isEmpty ? test : "\(test)[\(conditions.joined(separator: " and "))]"
  }

  /// True when the element's 1-based position k among `siblings` before it (or after it) plus one is a·n+b for
  /// some n ≥ 0. With c = count(siblings) = k - 1: for a = 0, c = b - 1; for a > 0, c ≥ b - 1 and
  /// (c + 1 - b) mod a = 0; for a < 0, c ≤ b - 1 and (b - 1 - c) mod -a = 0. XPath's `mod` truncates, so the
  /// range test comes first and the dividend is never negative when it matters.
  static func nthCondition(_ nth: CSSNth, siblings: String) -> String {
    let (a, b) = (nth.a, nth.b)
    let count = "count(\(siblings))"
    if a == 0 {
      if b < 1 { return "false()" }
      return b == 1 ? "not(\(siblings))" : "\(count) = \(b - 1)"
    }
    var conditions: [String] = []
    if a > 0 {
      if b > 1 { conditions.append("\(count) >= \(b - 1)") }
      if a != 1 {
        let offset = 1 - b
        let dividend = offset == 0 ? count : offset > 0 ? "(\(count) + \(offset))" : "(\(count) - \(-offset))"
        conditions.append("\(dividend) mod \(a) = 0")
      }
    } else {
      if b < 1 { return "false()" }
      conditions.append("\(count) <= \(b - 1)")
      if a != -1 { conditions.append("(\(b - 1) - \(count)) mod \(-a) = 0") }
    }
    return conditions.isEmpty ? "true()" : conditions.joined(separator: " and ")
  }

  /// `[name]`, `[name op value]`, with the ` i` flag comparing ASCII-lowercased values.
  static func condition(for attribute: CSSAttributeSelector) -> String {
    let node: String
    if isPlainName(attribute.name) {
      node = "@\(attribute.name)"
    } else if let name = literal(attribute.name) {
      node = "@*[name() = \(name)]"
    } else {
      return "false()"
    }
    guard let (matchOperator, rawValue) = attribute.match else { return node }
    let value = attribute.caseInsensitive ? CSSParser.asciiLowercased(rawValue) : rawValue
    let subject = attribute.caseInsensitive ? "translate(\(node), '\(uppercase)', '\(lowercase)')" : node
    let condition: String
    switch matchOperator {
    case .equals:
      condition = literal(value).map { "\(subject) = \($0)" } ?? "false()"
    case .includes:
      condition = tokenListCondition(attribute: subject, token: value)
    case .dashMatch:
      guard let exact = literal(value), let prefix = literal(value + "-") else { return "false()" }
      condition = "(\(subject) = \(exact) or starts-with(\(subject), \(prefix)))"
    case .prefix:
      condition = value.isEmpty ? "false()" : literal(value).map { "starts-with(\(subject), \($0))" } ?? "false()"
    case .suffix:
      // XPath 1.0 has no ends-with; compare the tail. libxml2's string-length counts characters (scalars).
      let length = value.unicodeScalars.count
      condition =
        value.isEmpty
        ? "false()"
        : literal(value).map { "substring(\(subject), string-length(\(subject)) - \(length - 1)) = \($0)" }
          ?? "false()"
    case .substring:
      condition = value.isEmpty ? "false()" : literal(value).map { "contains(\(subject), \($0))" } ?? "false()"
    }
    // A translated missing attribute is the empty string, which `=` and `|=` could match: require presence.
    if attribute.caseInsensitive && condition != "false()" { return "(\(node) and \(condition))" }
    return condition
  }

  private static let uppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  private static let lowercase = "abcdefghijklmnopqrstuvwxyz"

  /// `~=` and `.class`: `token` is one of the whitespace-separated words of the value. A token that is empty
  /// or contains whitespace matches nothing. The plain `contains()` first is only a fast filter: it rejects
  /// most elements without building the padded, normalised copy of the value (twice as fast on real pages).
  static func tokenListCondition(attribute: String, token: String) -> String {
    guard !token.isEmpty, !token.unicodeScalars.contains(where: CSSTokenizer.isWhitespace),
      let bare = literal(token), let padded = literal(" \(token) ")
    else { return "false()" }
    return "contains(\(attribute), \(bare)) and contains(concat(' ', normalize-space(\(attribute)), ' '), \(padded))"
  }

  /// A name XPath accepts as a name test (conservatively: ASCII letters, digits, `_`, `-`, `.`, not starting
  /// with a digit, `-` or `.`). Other names are compared through `name()`.
  package static func isPlainName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first,
      ("a"..."z").contains(first) || ("A"..."Z").contains(first) || first == "_"
    else { return false }
    return name.unicodeScalars.allSatisfy { scalar in
      ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        || scalar == "_" || scalar == "-" || scalar == "."
    }
  }

  /// An XPath string literal for `value`: quoted with `'` or `"`, or `concat()` of pieces when it contains
  /// both. nil when the value contains a character XML forbids (libxml2 rejects it in a literal, and no parsed
  /// document can contain it, so the comparison can only be false).
  package static func literal(_ value: String) -> String? {
    // Scalars, not Characters: a quote followed by a combining mark is one Character but still ends a literal.
    let scalars = value.unicodeScalars
    guard scalars.allSatisfy(isXMLCharacter) else { return nil }
    if !scalars.contains("'") { return "'\(value)'" }
    if !scalars.contains("\"") { return "\"\(value)\"" }
    // Both quotes: split at every `'`, quote the pieces with `'` and the apostrophes with `"`.
    var pieces: [String] = []
    for (offset, piece) in scalars.split(separator: "'", omittingEmptySubsequences: false).enumerated() {
      if offset > 0 { pieces.append("\"'\"") }
      if !piece.isEmpty { pieces.append("'\(String(String.UnicodeScalarView(piece)))'") }
    }
    return "concat(\(pieces.joined(separator: ", ")))"
  }

  /// XML 1.0 `Char`: tab, newline, carriage return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
  static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
    default: false
    }
  }
}
