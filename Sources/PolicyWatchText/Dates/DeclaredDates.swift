/// Whether a document says when it takes effect or when it was last changed.
public enum DeclaredDateKind: String, Sendable, Codable {
  /// "Effective September 18, 2024", "En vigueur le…", "Gültig ab…", "Vigente a partir del…", "In vigore dal…".
  case effective
  /// "Last updated: …", "Last modified", "Date of last revision", "Version date", "Dernière mise à jour", "Stand",
  /// "Última actualización", "Ultimo aggiornamento"…
  case updated
}

/// How much of a declared date the document gives.
public enum DeclaredDatePrecision: String, Sendable, Codable {
  /// "September 18, 2024".
  case day
  /// "Last updated: September 2024": `date` is then the first of the month.
  case month
}

/// A date a document states about itself.
public struct DeclaredDate: Sendable, Hashable, Codable {
  public var kind: DeclaredDateKind
  /// ISO calendar date, "2024-09-18" (the first of the month when `precision` is `month`).
  public var date: String
  /// `month` when the document gives only a month and a year; nil (absent from JSON) for a whole date.
  public var precision: DeclaredDatePrecision?
  /// A numeric date whose day/month order neither its numbers nor the page's language could settle
  /// ("03/04/2024" on a page without a language). `date` is then a guess: day first for "." and "-", month first
  /// for "/".
  public var ambiguous: Bool
  /// The text that matched, from the keyword to the end of the date, whitespace collapsed:
  /// "Effective September 18, 2024".
  public var phrase: String
  /// Index of the clause the date came from, when found in clauses.
  public var clauseIndex: Int?

  public init(
    kind: DeclaredDateKind, date: String, ambiguous: Bool, phrase: String, clauseIndex: Int? = nil,
    precision: DeclaredDatePrecision? = nil
  ) {
    self.kind = kind
    self.date = date
    self.precision = precision == .day ? nil : precision
    self.ambiguous = ambiguous
    self.phrase = phrase
    self.clauseIndex = clauseIndex
  }
}

/// Finds the dates a terms or privacy document declares about itself, in English, French, German, Spanish and
/// Italian.
///
/// Only dates attached to an effective/updated/revision keyword are reported ("Effective as of Sept. 18, 2024",
/// "Dernière mise à jour : 18/09/2024", "Stand: 18.09.2024"), or a short date line right under a keyword line;
/// other dates in the text ("users born after January 1, 2010") are not about the document. Linear in the text,
/// never throws or traps, whatever the input (see `DateScanner`).
public enum DeclaredDateParser {
  /// Dates declared in one text, in the order they appear. `language` is the page's language ("en", "en-US", "fr",
  /// "de"…), or nil; it decides how numeric dates such as 09/10/2024 are read.
  public static func find(in text: String, language: String?) -> [DeclaredDate] {
    DateScanner.scan(text, order: NumericDateOrder(language: language)).map { declaredDate($0, clauseIndex: nil) }
  }

  /// Dates declared in a document's clauses, in order, each with its `clauseIndex` (the clause holding the date);
  /// duplicates (same kind and date) are removed, keeping the first.
  ///
  /// The clauses are scanned as one text, one clause per line, so a heading "Effective date" followed by a
  /// paragraph holding only "18 September 2024" is found too.
  public static func find(in clauses: [Clause], language: String?) -> [DeclaredDate] {
    var joined = ""
    var clauseStarts: [Int] = []  // UTF-8 offset where each clause starts in `joined`
    var offset = 0
    for (index, clause) in clauses.enumerated() {
      if index > 0 {
        joined += "\n"
        offset += 1
      }
      clauseStarts.append(offset)
      joined += clause.text
      offset += clause.text.utf8.count
    }
    let scanned = DateScanner.scan(joined, order: NumericDateOrder(language: language))
    var seen: Set<String> = []
    var results: [DeclaredDate] = []
    for scanned in scanned {
      guard seen.insert("\(scanned.kind.rawValue) \(scanned.isoDate)").inserted else { continue }
      let clauseIndex = lastIndex(in: clauseStarts, notAbove: scanned.dateUTF8Start)
      results.append(declaredDate(scanned, clauseIndex: clauseIndex))
    }
    return results
  }

  private static func declaredDate(_ scanned: ScannedDate, clauseIndex: Int?) -> DeclaredDate {
    DeclaredDate(
      kind: scanned.kind, date: scanned.isoDate, ambiguous: scanned.ambiguous, phrase: scanned.phrase,
      clauseIndex: clauseIndex, precision: scanned.monthOnly ? .month : nil)
  }

  /// Binary search: the index of the last element of the sorted `starts` that is ≤ `offset`.
  private static func lastIndex(in starts: [Int], notAbove offset: Int) -> Int? {
    var low = 0
    var high = starts.count
    while low < high {
      let middle = (low + high) / 2
      if starts[middle] <= offset { low = middle + 1 } else { high = middle }
    }
    return low > 0 ? low - 1 : nil
  }
}
