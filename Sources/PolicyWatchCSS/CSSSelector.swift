/// A CSS selector that could not be parsed or cannot be translated to XPath 1.0.
public struct CSSSelectorError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The selector as given.
  public var selector: String
  /// 0-based offset of the problem in the selector, counted in Unicode scalars (the same as characters for
  /// ASCII and nearly all real selectors). The end of the selector is `selector.unicodeScalars.count`.
  public var position: Int
  /// What is wrong, e.g. "unsupported pseudo-class :hover" or "expected a name".
  public var message: String

  public init(selector: String, position: Int, message: String) {
    self.selector = selector
    self.position = position
    self.message = message
  }

  public var description: String {
    "invalid CSS selector \"\(selector)\" at position \(position): \(message)"
  }
}

/// Translates CSS selectors (Selectors Level 3, plus `:is()`, `:where()`, `:has()` and attribute flags from
/// Level 4) into XPath 1.0 expressions for libxml2, evaluated on HTML documents whose element and attribute
/// names libxml2's HTML parser has lowercased.
///
/// The work is done in three stages: `CSSTokenizer` (CSS Syntax Level 3 tokens, escapes decoded, comments
/// skipped), `CSSParser` (tokens into a `CSSSelectorList` syntax tree, with every error located), and
/// `CSSXPathTranslator` (tree into XPath). Supported:
/// - type and universal selectors, `#id`, `.class`, `[a]`, `[a=v]`, `[a~=v]`, `[a|=v]`, `[a^=v]`, `[a$=v]`,
///   `[a*=v]` (quoted or identifier values, CSS escapes, ` i`/` s` flags);
/// - the combinators descendant, `>`, `+`, `~`, and comma-separated lists (their union, in document order);
/// - `:not()`, `:is()`, `:where()` (selector lists), `:has()` (relative selector lists);
/// - `:first-child`, `:last-child`, `:only-child`, `:nth-child()`, `:nth-last-child()` (`an+b`, `odd`, `even`),
///   `:first-of-type`, `:last-of-type`, `:only-of-type`, `:nth-of-type()`, `:nth-last-of-type()`, `:empty`,
///   `:root`.
///
/// Not supported, and reported as errors: pseudo-elements, namespaces, user-action and form pseudo-classes
/// (`:hover`, `:checked`…), `:nth-child(… of S)`, and the `*-of-type` pseudo-classes on a compound without a
/// type selector (XPath 1.0 cannot compare an element's name with its siblings' names without `current()`).
///
/// Hostile input is bounded: selectors longer than `maximumLength` scalars, functional pseudo-classes nested
/// deeper than `maximumNesting` and selectors nesting more than `maximumComplexity` compounds are errors.
/// Tokenizing, parsing and translating take one pass each (the XPath grows linearly with the selector, except
/// that `*-of-type` inside `:not()` repeats the type name of the compound around it).
public enum CSSSelector {
  /// The longest selector accepted, in Unicode scalars.
  public static let maximumLength = 8192
  /// The deepest nesting of functional pseudo-classes (`:not(:is(:not(…)))`) accepted.
  public static let maximumNesting = 32
  /// The most compound selectors accepted in one complex selector (`a b c` has three), counting, inside
  /// `:not()`, `:is()` and `:has()`, those of the selectors around them plus one per pseudo-class: the XPath
  /// nests that deep, and libxml2 refuses to evaluate XPath nested a few hundred levels deep.
  public static let maximumComplexity = 256

  /// An absolute XPath selecting, in document order, every element matching the selector (a comma group
  /// selects the union). Works with `HTMLDocument.select(xpath:)` from the document root.
  public static func xpath(for selector: String) throws(CSSSelectorError) -> String {
    let list = try CSSParser.parse(selector)
    return try CSSXPathTranslator(selector: selector).path(for: list, absolute: true)
  }

  /// The same, but relative to a context node, for selecting inside an element: it selects the descendants
  /// of the context node that match the selector. As with the DOM's `Element.querySelectorAll`, only the
  /// matched elements must be inside the context; the rest of the selector is matched against the whole
  /// document (from a `<div>` context, `div p` also selects `p`s whose only `div` ancestor is the context).
  public static func relativeXPath(for selector: String) throws(CSSSelectorError) -> String {
    let list = try CSSParser.parse(selector)
    return try CSSXPathTranslator(selector: selector).path(for: list, absolute: false)
  }
}
