/// The order in which reports list data-use language: the most consequential first, so that a subject line, a
/// summary or a feed entry leads with what a reader most needs to know.
///
/// The order (documented in the README): AI training; sale of data; sharing with third parties; biometric and
/// sensitive data; location data; children's data; advertising and profiling; tracking; sharing within the corporate
/// family; the licence over users' content; disclosure to governments; international transfers; retention; new
/// purposes; business transfers; scraping rules; choices and consent. Categories of an analyst's own rules come
/// after these, alphabetically. Within a category, new language that states the practice comes first, then a
/// protection taken away ("we do not sell" gone), then a new protection.
public enum DataUseImportance {
  public static let order = [
    "AI_TRAINING", "SALE_OF_DATA", "THIRD_PARTY_SHARING", "BIOMETRIC_SENSITIVE_DATA", "LOCATION_DATA", "CHILDREN",
    "ADVERTISING_PROFILING", "TRACKING", "AFFILIATE_SHARING_COMBINATION", "USER_CONTENT_LICENSE",
    "GOVERNMENT_LEGAL_DISCLOSURE", "INTERNATIONAL_TRANSFER", "DATA_RETENTION", "PURPOSE_EXPANSION",
    "BUSINESS_TRANSFER", "SCRAPING_CRAWLING", "CHOICE_OPTOUT_CONSENT",
  ]

  private static let rankOfCategory: [String: Int] = Dictionary(
    uniqueKeysWithValues: order.enumerated().map { ($1, $0) })

  /// Where a category stands in `order` (categories not in it come after, in the caller's tie-break).
  public static func rank(of category: String) -> Int { rankOfCategory[category] ?? order.count }

  /// The findings in order of importance (a stable sort: equal findings keep the document's order).
  /// - Parameter findings: a change's findings.
  /// - Returns: the same findings, the most consequential first.
  public static func sorted(_ findings: [DataUseFinding]) -> [DataUseFinding] {
    findings.enumerated().sorted { a, b in
      key(a.element, a.offset) < key(b.element, b.offset)
    }.map(\.element)
  }

  /// The labels (`AI_TRAINING`, `NOT_SALE_OF_DATA`…) in order of importance.
  public static func sortedLabels(_ labels: some Sequence<String>) -> [String] {
    Array(Set(labels)).sorted { a, b in
      let (categoryA, negatedA) = split(a)
      let (categoryB, negatedB) = split(b)
      return (rank(of: categoryA), categoryA, negatedA ? 1 : 0) < (rank(of: categoryB), categoryB, negatedB ? 1 : 0)
    }
  }

  private static func split(_ label: String) -> (category: String, negated: Bool) {
    let plain = label.hasPrefix("removed ") ? String(label.dropFirst(8)) : label
    return plain.hasPrefix("NOT_") ? (String(plain.dropFirst(4)), true) : (plain, false)
  }

  private static func key(_ finding: DataUseFinding, _ offset: Int) -> (Int, String, Int, Int) {
    let kind =
      switch (finding.change, finding.polarity) {
      case (.removed, _): 1
      case (_, .affirmative): 0
      case (_, .negated): 2
      }
    return (rank(of: finding.category), finding.category, kind, offset)
  }
}
