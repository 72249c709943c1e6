/// How a change brought a data-use finding: in a clause that was added, in a clause that was modified, or by
/// removing a clause that stated a protection ("we do not sell…"). The raw values are the JSON's.
public enum DataUseChange: String, Sendable, Codable, Equatable {
  case added, modified, removed
}

/// A piece of data-use language a change brought (or a protection it took away), as stored in events and shown in
/// every report.
public struct DataUseFinding: Sendable, Codable, Equatable {
  public var category: String
  public var polarity: DataUsePolarity
  public var change: DataUseChange
  /// The whole clause (for `removed`, the old clause).
  public var text: String
  public var section: [String]
  /// The words that triggered the finding, as they appear in the clause.
  public var match: String
  /// For a practice the old text already stated: the parties or kinds of data the new text adds to it ("now also
  /// with advertisers"). Nil when the practice itself is new.
  public var widened: [String]?

  public init(
    category: String, polarity: DataUsePolarity, change: DataUseChange, text: String, section: [String],
    match: String, widened: [String]? = nil
  ) {
    self.category = category
    self.polarity = polarity
    self.change = change
    self.text = text
    self.section = section
    self.match = match
    self.widened = widened
  }

  /// `AI_TRAINING`, or `NOT_SALE_OF_DATA` for a denial.
  public var label: String { polarity == .negated ? "NOT_" + category : category }

  /// The label as lists show it: `removed NOT_SALE_OF_DATA` for a protection taken away.
  public var listLabel: String { (change == .removed ? "removed " : "") + label }

  /// How reports describe the change: "added", "modified", "widened" or "removed protection".
  public var changeDescription: String {
    switch change {
    case .removed: "removed protection"
    case .modified where widened?.isEmpty == false: "widened"
    case .added, .modified: change.rawValue
    }
  }
}
