// The syntax tree of a selector (Selectors Level 4 grammar, the subset PolicyWatch translates), read by the
// translator to XPath (CSSXPathTranslator) and by the fast matcher of PolicyWatchExtract.

/// `a, b, c`: matches what any of its selectors matches.
package struct CSSSelectorList: Equatable {
  package var selectors: [CSSComplexSelector]
}

package enum CSSCombinator: Equatable {
  /// Whitespace.
  case descendant
  /// `>`
  case child
  /// `+`
  case nextSibling
  /// `~`
  case subsequentSibling
}

/// Compound selectors joined by combinators: `combinators[i]` sits between `compounds[i]` and `compounds[i + 1]`.
package struct CSSComplexSelector: Equatable {
  /// Only in the relative selectors of `:has()` (`:has(> p)`); nil elsewhere.
  package var leading: CSSCombinator?
  package var compounds: [CSSCompoundSelector]
  package var combinators: [CSSCombinator]
}

/// A type selector and simple selectors with no combinator between them: `p.note[lang]:first-child`.
package struct CSSCompoundSelector: Equatable {
  /// The element name, ASCII-lowercased; nil for `*` or no type selector.
  package var element: String?
  package var simples: [CSSSimpleSelector]
  /// Offset of its first token in the selector.
  package var position: Int
}

package enum CSSSimpleSelector: Equatable {
  case id(String)
  case className(String)
  case attribute(CSSAttributeSelector)
  /// A pseudo-class and the offset of its `:` (to locate errors found while translating).
  case pseudoClass(CSSPseudoClass, position: Int)
}

package struct CSSAttributeSelector: Equatable {
  package enum Operator: String, Equatable {
    case equals = "="
    case includes = "~="
    case dashMatch = "|="
    case prefix = "^="
    case suffix = "$="
    case substring = "*="
  }
  /// The attribute name, ASCII-lowercased.
  package var name: String
  /// nil for `[name]` (presence).
  package var match: (operator: Operator, value: String)?
  /// The ` i` flag: compare values ASCII case-insensitively.
  package var caseInsensitive: Bool

  package static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.name == rhs.name && lhs.match?.operator == rhs.match?.operator && lhs.match?.value == rhs.match?.value
      && lhs.caseInsensitive == rhs.caseInsensitive
  }
}

/// The `an+b` argument of the `:nth-*` pseudo-classes: matches the elements at 1-based positions a·n+b, n ≥ 0.
package struct CSSNth: Equatable {
  package var a: Int
  package var b: Int
}

package enum CSSPseudoClass: Equatable {
  /// `:nth-child(an+b)` (`:first-child` is `0n+1`), or `:nth-last-child()` when `fromEnd`.
  case nthChild(CSSNth, fromEnd: Bool)
  /// `:nth-of-type(an+b)` (`:first-of-type` is `0n+1`), or `:nth-last-of-type()` when `fromEnd`.
  case nthOfType(CSSNth, fromEnd: Bool)
  case onlyChild
  case onlyOfType
  case empty
  case root
  case not(CSSSelectorList)
  /// `:is()` and `:where()` (they differ only in specificity, which does not matter here).
  case `is`(CSSSelectorList)
  /// `:has()`; its selectors are relative (they may start with a combinator; the default is descendant).
  case has(CSSSelectorList)
}
