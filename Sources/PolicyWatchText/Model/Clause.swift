/// What kind of block a clause came from.
public enum ClauseKind: String, Sendable, Hashable, Codable, CaseIterable {
  case heading
  case paragraph
  case listItem
  case tableRow
  case term  // <dt>
  case definition  // <dd>
  case quote  // <blockquote>
  case preformatted  // <pre>
}

/// A link found inside a clause, kept apart from its text (link targets are never part of a change).
public struct ClauseLink: Sendable, Hashable, Codable {
  public var text: String
  public var target: String

  public init(text: String, target: String) {
    self.text = text
    self.target = target
  }
}

/// One unit of a document's text: a heading, a paragraph, a list item, a table row…
public struct Clause: Sendable, Hashable, Codable {
  public var kind: ClauseKind
  /// The text as a person reads it; lines split by `<br>` are joined with "\n".
  public var text: String
  /// The comparison key: `TextNormalization.key(text)`. Two clauses are the same text when their keys are equal.
  public var key: String
  /// The headings above this clause, outermost first (display text). A heading's own path excludes itself.
  public var section: [String]
  /// Heading level (1–6) for headings; list nesting depth (1 = top-level list) for list items; 0 otherwise.
  public var level: Int
  public var links: [ClauseLink]
  /// The page of a `combine` document this clause came from (nil for single-page documents).
  public var source: String?

  public init(
    kind: ClauseKind, text: String, section: [String] = [], level: Int = 0, links: [ClauseLink] = [],
    source: String? = nil
  ) {
    self.kind = kind
    self.text = text
    self.key = TextNormalization.key(text)
    self.section = section
    self.level = level
    self.links = links
    self.source = source
  }
}
