// The parser of selectors into their syntax tree (CSSSyntax.swift).

/// A recursive-descent parser over the tokens of `CSSTokenizer`. Grammar (Selectors Level 4, §18):
///
///     list      = complex ( "," complex )*
///     complex   = [combinator] compound ( combinator compound )*      (leading combinator only inside :has)
///     compound  = [ident | "*"] ( hash | "." ident | attribute | ":" pseudo )*   (not empty)
///     attribute = "[" name [ matcher ( ident | string ) [ "i" | "s" ] ] "]"
///
/// Recursion happens only through functional pseudo-classes and is capped at `CSSSelector.maximumNesting`.
package struct CSSParser {
  private let selector: String
  private let scalars: [Unicode.Scalar]
  private let tokens: [CSSToken]
  private var index = 0

  package static func parse(_ selector: String) throws(CSSSelectorError) -> CSSSelectorList {
    let length = selector.unicodeScalars.count
    guard length <= CSSSelector.maximumLength else {
      throw CSSSelectorError(
        selector: selector, position: CSSSelector.maximumLength,
        message: "selector longer than \(CSSSelector.maximumLength) characters")
    }
    var parser = CSSParser(selector: selector, tokens: try CSSTokenizer.tokenize(selector))
    let list = try parser.parseList(depth: 0, relative: false)
    try checkComplexity(of: list, used: 0, selector: selector)
    return list
  }

  /// Bounds the nesting of the XPath the selector becomes, which libxml2 limits (its evaluation gives up
  /// between 400 and 800 nested predicates): each compound of a complex selector nests the conditions of the
  /// compounds on its left, and each `:not()`/`:is()`/`:has()` nests its selectors. The cost of a selector
  /// is the largest sum, along any nesting path, of the compound counts of its complex selectors plus one per
  /// functional pseudo-class; it may not exceed `CSSSelector.maximumComplexity`. Recursion is bounded by the
  /// parser's nesting limit.
  private static func checkComplexity(
    of list: CSSSelectorList, used: Int, selector: String
  ) throws(CSSSelectorError) {
    for complex in list.selectors {
      let count = complex.compounds.count
      if used + count > CSSSelector.maximumComplexity {
        let culprit = complex.compounds[max(0, min(count - 1, CSSSelector.maximumComplexity - used))]
        throw CSSSelectorError(
          selector: selector, position: culprit.position,
          message: "selector too complex (more than \(CSSSelector.maximumComplexity) nested compound selectors)")
      }
      for compound in complex.compounds {
        for simple in compound.simples {
          guard case .pseudoClass(let pseudoClass, _) = simple else { continue }
          switch pseudoClass {
          case .not(let inner), .is(let inner), .has(let inner):
            try checkComplexity(of: inner, used: used + count + 1, selector: selector)
          default:
            continue
          }
        }
      }
    }
  }

  private init(selector: String, tokens: [CSSToken]) {
    self.selector = selector
    self.scalars = Array(selector.unicodeScalars)
    self.tokens = tokens
  }

  // MARK: - Token helpers

  private var token: CSSToken { tokens[index] }

  private mutating func advance() {
    if index < tokens.count - 1 { index += 1 }
  }

  @discardableResult
  private mutating func skipWhitespace() -> Bool {
    guard token.kind == .whitespace else { return false }
    advance()
    return true
  }

  private func error(_ message: String, at position: Int? = nil) -> CSSSelectorError {
    CSSSelectorError(selector: selector, position: position ?? token.start, message: message)
  }

  /// The source text of a token, for messages.
  private func text(of token: CSSToken) -> String {
    String(String.UnicodeScalarView(scalars[token.start..<token.end]))
  }

  /// "unexpected …" for the current token.
  private func unexpected() -> CSSSelectorError {
    switch token.kind {
    case .end: error("unexpected end of selector")
    case .rightParen: error("unexpected \")\" (no matching \"(\")")
    case .rightBracket: error("unexpected \"]\" (no matching \"[\")")
    default: error("unexpected \"\(text(of: token))\"")
    }
  }

  private static func combinator(_ kind: CSSToken.Kind) -> CSSCombinator? {
    switch kind {
    case .delim(">"): .child
    case .delim("+"): .nextSibling
    case .delim("~"): .subsequentSibling
    default: nil
    }
  }

  // MARK: - Grammar

  /// A selector list, up to the end of the selector (depth 0) or up to and including the `)` closing the
  /// functional pseudo-class that contains it.
  private mutating func parseList(depth: Int, relative: Bool) throws(CSSSelectorError) -> CSSSelectorList {
    var selectors: [CSSComplexSelector] = []
    skipWhitespace()
    var after: String? = nil
    while true {
      selectors.append(try parseComplex(depth: depth, relative: relative, after: after))
      skipWhitespace()
      guard token.kind == .comma else { break }
      after = ","
      advance()
      skipWhitespace()
    }
    if depth == 0 {
      guard token.kind == .end else { throw unexpected() }
    } else {
      guard token.kind == .rightParen else {
        if token.kind == .end { throw error("expected \")\"") }
        throw unexpected()
      }
      advance()
    }
    return CSSSelectorList(selectors: selectors)
  }

  /// `after` names what precedes the selector, for the message when it is missing.
  private mutating func parseComplex(
    depth: Int, relative: Bool, after: String?
  ) throws(CSSSelectorError) -> CSSComplexSelector {
    var leading: CSSCombinator? = nil
    var after = after
    if relative, let combinator = Self.combinator(token.kind) {
      leading = combinator
      after = text(of: token)
      advance()
      skipWhitespace()
    }
    guard let first = try parseCompound(depth: depth) else { throw missingSelector(after: after) }
    var complex = CSSComplexSelector(leading: leading, compounds: [first], combinators: [])
    while true {
      let sawWhitespace = skipWhitespace()
      if let combinator = Self.combinator(token.kind) {
        let symbol = text(of: token)
        advance()
        skipWhitespace()
        guard let compound = try parseCompound(depth: depth) else { throw missingSelector(after: symbol) }
        complex.combinators.append(combinator)
        complex.compounds.append(compound)
      } else if sawWhitespace, let compound = try parseCompound(depth: depth) {
        complex.combinators.append(.descendant)
        complex.compounds.append(compound)
      } else {
        return complex
      }
    }
  }

  private func missingSelector(after: String?) -> CSSSelectorError {
    let what = after.map { "expected a selector after \"\($0)\"" } ?? "expected a selector"
    switch token.kind {
    case .end, .comma, .rightParen, .delim(">"), .delim("+"), .delim("~"): return error(what)
    default: return error("\(what), found \"\(text(of: token))\"")
    }
  }

  /// A compound selector, or nil (nothing consumed) when the current token cannot start one.
  private mutating func parseCompound(depth: Int) throws(CSSSelectorError) -> CSSCompoundSelector? {
    var compound = CSSCompoundSelector(element: nil, simples: [], position: token.start)
    var consumed = false
    switch token.kind {
    case .ident(let name):
      compound.element = Self.asciiLowercased(name)
      consumed = true
      advance()
    case .delim("*"):
      consumed = true
      advance()
    default:
      break
    }
    if token.kind == .delim("|") { throw error("namespace prefixes are not supported") }
    while true {
      switch token.kind {
      case .hash(let name, let isIdentifier):
        guard isIdentifier else {
          throw error("\"\(text(of: token))\" is not a valid id selector (an id selector cannot start with a digit)")
        }
        compound.simples.append(.id(name))
        advance()
      case .delim("."):
        advance()
        guard case .ident(let name) = token.kind else { throw error("expected a class name after \".\"") }
        compound.simples.append(.className(name))
        advance()
      case .leftBracket:
        compound.simples.append(.attribute(try parseAttribute()))
      case .colon:
        let position = token.start
        compound.simples.append(.pseudoClass(try parsePseudoClass(depth: depth), position: position))
      default:
        return consumed || !compound.simples.isEmpty ? compound : nil
      }
    }
  }

  private mutating func parseAttribute() throws(CSSSelectorError) -> CSSAttributeSelector {
    let open = token.start
    advance()
    skipWhitespace()
    func unclosed(_ parser: CSSParser) -> CSSSelectorError {
      parser.error("expected \"]\" to close the \"[\" at position \(open)")
    }
    let name: String
    switch token.kind {
    case .ident(let ident):
      name = Self.asciiLowercased(ident)
      advance()
    case .delim("*"), .delim("|"):
      throw error("namespace prefixes are not supported")
    case .end:
      throw unclosed(self)
    default:
      throw error("expected an attribute name after \"[\"")
    }
    if token.kind == .delim("|") { throw error("namespace prefixes are not supported") }
    skipWhitespace()
    let matchOperator: CSSAttributeSelector.Operator
    switch token.kind {
    case .rightBracket:
      advance()
      return CSSAttributeSelector(name: name, match: nil, caseInsensitive: false)
    case .delim("="):
      matchOperator = .equals
    case .match(let symbol):
      guard let known = CSSAttributeSelector.Operator(rawValue: symbol) else { throw unexpected() }
      matchOperator = known
    case .end:
      throw unclosed(self)
    default:
      throw error("expected \"]\" or one of =, ~=, |=, ^=, $=, *= after the attribute name")
    }
    advance()
    skipWhitespace()
    let value: String
    switch token.kind {
    case .ident(let text), .string(let text):
      value = text
      advance()
    case .end:
      throw unclosed(self)
    default:
      throw error("expected an attribute value (an identifier or a quoted string)")
    }
    skipWhitespace()
    var caseInsensitive = false
    if case .ident(let flag) = token.kind {
      switch Self.asciiLowercased(flag) {
      case "i": caseInsensitive = true
      case "s": caseInsensitive = false
      default: throw error("unknown attribute flag \"\(flag)\" (expected i or s)")
      }
      advance()
      skipWhitespace()
    }
    guard token.kind == .rightBracket else {
      if token.kind == .end { throw unclosed(self) }
      throw error("expected \"]\"")
    }
    advance()
    return CSSAttributeSelector(name: name, match: (matchOperator, value), caseInsensitive: caseInsensitive)
  }

  private static let pseudoElements: Set<String> = ["before", "after", "first-line", "first-letter"]

  private mutating func parsePseudoClass(depth: Int) throws(CSSSelectorError) -> CSSPseudoClass {
    let colon = token.start
    advance()
    switch token.kind {
    case .colon:
      advance()
      if case .ident(let name) = token.kind {
        throw error("unsupported pseudo-element ::\(name)", at: colon)
      }
      throw error("pseudo-elements are not supported", at: colon)
    case .ident(let rawName):
      let name = Self.asciiLowercased(rawName)
      advance()
      switch name {
      case "first-child": return .nthChild(CSSNth(a: 0, b: 1), fromEnd: false)
      case "last-child": return .nthChild(CSSNth(a: 0, b: 1), fromEnd: true)
      case "only-child": return .onlyChild
      case "first-of-type": return .nthOfType(CSSNth(a: 0, b: 1), fromEnd: false)
      case "last-of-type": return .nthOfType(CSSNth(a: 0, b: 1), fromEnd: true)
      case "only-of-type": return .onlyOfType
      case "empty": return .empty
      case "root": return .root
      case _ where Self.pseudoElements.contains(name):
        throw error("unsupported pseudo-element :\(name)", at: colon)
      default:
        throw error("unsupported pseudo-class :\(name)", at: colon)
      }
    case .function(let rawName):
      let name = Self.asciiLowercased(rawName)
      guard depth < CSSSelector.maximumNesting else {
        throw error("selector nested more than \(CSSSelector.maximumNesting) levels deep", at: colon)
      }
      switch name {
      case "not":
        advance()
        return .not(try parseList(depth: depth + 1, relative: false))
      case "is", "where":
        advance()
        return .is(try parseList(depth: depth + 1, relative: false))
      case "has":
        advance()
        return .has(try parseList(depth: depth + 1, relative: true))
      case "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type":
        let nth = try parseNthArgument(pseudoClass: name)
        let fromEnd = name.hasPrefix("nth-last")
        return name.hasSuffix("of-type") ? .nthOfType(nth, fromEnd: fromEnd) : .nthChild(nth, fromEnd: fromEnd)
      default:
        throw error("unsupported pseudo-class :\(name)()", at: colon)
      }
    default:
      throw error("expected a pseudo-class name after \":\"")
    }
  }

  /// Reads the `an+b` argument (current token: the function) from the source text up to the closing `)`,
  /// as the CSS Syntax spec (§6) defines it on source text: `odd`, `even`, `b`, `an`, `an+b`, `an - b`, `-n+b`,
  /// with no whitespace inside `an` or between a sign and its number except around the sign before `b`.
  private mutating func parseNthArgument(pseudoClass: String) throws(CSSSelectorError) -> CSSNth {
    let start = token.end
    advance()
    while true {
      switch token.kind {
      case .rightParen:
        let nth = try Self.parseNth(scalars[start..<token.start], selector: selector, pseudoClass: pseudoClass)
        advance()
        return nth
      case .end:
        throw error("expected \")\"")
      case .leftParen, .function, .leftBracket, .rightBracket:
        throw error("expected an+b, odd or even in :\(pseudoClass)()")
      default:
        advance()
      }
    }
  }

  /// The largest |a| or |b| accepted: far beyond any sibling count, and exact in XPath's doubles.
  static let nthLimit = 999_999_999

  static func parseNth(
    _ argument: ArraySlice<Unicode.Scalar>, selector: String, pseudoClass: String
  ) throws(CSSSelectorError) -> CSSNth {
    var index = argument.startIndex
    let end = argument.endIndex
    func fail(_ message: String, at position: Int) -> CSSSelectorError {
      CSSSelectorError(selector: selector, position: position, message: message)
    }
    func skipWhitespace() {
      while index < end, CSSTokenizer.isWhitespace(argument[index]) { index += 1 }
    }
    func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
      ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
    }
    func sign() -> Int? {
      guard index < end, argument[index] == "+" || argument[index] == "-" else { return nil }
      defer { index += 1 }
      return argument[index] == "-" ? -1 : 1
    }
    func digits() throws(CSSSelectorError) -> Int? {
      let first = index
      var value = 0
      while index < end, CSSTokenizer.isDigit(argument[index]) {
        value = value * 10 + Int(argument[index].value - 48)
        index += 1
        if value > nthLimit { throw fail("number too large in :\(pseudoClass)()", at: first) }
      }
      return index > first ? value : nil
    }
    let expected = "expected an+b, odd or even in :\(pseudoClass)()"
    skipWhitespace()
    let wordStart = index
    var word = ""
    while index < end, CSSTokenizer.isNameCharacter(argument[index]), !CSSTokenizer.isDigit(argument[index]) {
      word.unicodeScalars.append(lower(argument[index]))
      index += 1
    }
    if word == "odd" || word == "even" {
      skipWhitespace()
      guard index == end else { throw fail(expected, at: index) }
      return word == "odd" ? CSSNth(a: 2, b: 1) : CSSNth(a: 2, b: 0)
    }
    index = wordStart
    let aSign = sign()
    let aDigits = try digits()
    guard index < end, lower(argument[index]) == "n" else {
      // No `n`: the argument is just b.
      guard let aDigits else { throw fail(expected, at: index) }
      skipWhitespace()
      guard index == end else {
        let rest = index
        skipWhitespace()
        if index < end, argument[index...].starts(with: "of".unicodeScalars) {
          throw fail("\":\(pseudoClass)(… of selector)\" is not supported", at: rest)
        }
        throw fail(expected, at: rest)
      }
      return CSSNth(a: 0, b: (aSign ?? 1) * aDigits)
    }
    index += 1  // the n
    let a = (aSign ?? 1) * (aDigits ?? 1)
    skipWhitespace()
    if index == end { return CSSNth(a: a, b: 0) }
    let signPosition = index
    guard let bSign = sign() else {
      if argument[index...].starts(with: "of".unicodeScalars) {
        throw fail("\":\(pseudoClass)(… of selector)\" is not supported", at: index)
      }
      throw fail(expected, at: index)
    }
    skipWhitespace()
    let digitsPosition = index
    guard let bDigits = try digits() else { throw fail(expected, at: max(digitsPosition, signPosition + 1)) }
    skipWhitespace()
    guard index == end else {
      if argument[index...].starts(with: "of".unicodeScalars) {
        throw fail("\":\(pseudoClass)(… of selector)\" is not supported", at: index)
      }
      throw fail(expected, at: index)
    }
    return CSSNth(a: a, b: bSign * bDigits)
  }

  /// HTML names match ASCII case-insensitively (non-ASCII letters are not folded, as in browsers).
  static func asciiLowercased(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { ("A"..."Z").contains($0) }) else { return text }
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      result.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar)
    }
    return String(result)
  }
}
