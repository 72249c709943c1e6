/// Which of the dates a document declares is the document's own: the date PolicyWatch reports for a version.
///
/// A page states many dates with a keyword: its own ("Effective September 18, 2024" under the title), a law's in a
/// state-specific section ("the Colorado Privacy Act, effective July 1, 2023"), the date the company renamed
/// itself, a supplemental notice's further down, the previous version's "Effective" line kept below an upcoming
/// version. The document's own date is, in this order:
/// 1. a date in the opening of the document (its first page's clauses up to the first heading after some body text,
///    at most `headClauses` clauses or `headBytes` bytes), then in the opening of one of its other pages
///    (`combine`);
/// 2. a date in a sentence about the whole document ("this policy", "these terms", "our notice" was updated…);
/// 3. a date line among the last `tailClauses` clauses ("Last updated: …" at the end);
/// 4. another date line, then another date, outside sections for a region or a supplement.
/// Never a date about a previous version (said before the date, or in a section on previous versions), a law (a
/// sentence naming an act, regulation or law and not the document), or a change of name. Within a rank, a date
/// line or a sentence about the whole document comes before a date in another sentence ("Terms related to X are
/// effective…"), an effective date before an updated date, and a later date before an earlier one: when a page
/// holds an upcoming and a current version, the upcoming one is the version's date (the recorder flags it
/// `upcoming` when it is later than the day the version was first seen).
public enum DocumentDate {
  static let headClauses = 15
  static let headBytes = 1_500
  static let tailClauses = 5
  /// A paragraph this long is body text (shorter ones in an opening are menus, links and notes).
  static let bodyBytes = 100

  /// The document's own date among the dates found in it, by the ranks above.
  /// - Parameters:
  ///   - dates: the declared dates found in the text.
  ///   - clauses: the document's clauses, to tell where each date stands.
  /// - Returns: the date to show with the version, or nil.
  public static func choose(_ dates: [DeclaredDate], clauses: [Clause]) -> DeclaredDate? {
    guard !dates.isEmpty else { return nil }
    let places = self.places(clauses)
    var best: (rank: [Int], date: DeclaredDate)? = nil
    for date in dates {
      let clause = date.clauseIndex.flatMap { clauses.indices.contains($0) ? clauses[$0] : nil }
      let context = Context(date: date, clause: clause)
      if context.aboutPreviousVersion || context.aboutALaw || context.aboutARename { continue }
      let place = date.clauseIndex.flatMap { places[$0] } ?? .body
      let tier: Int
      switch place {
      case .head(let firstPage): tier = firstPage ? 1 : 2
      case .tail where context.isLine: tier = context.aboutTheDocument ? 3 : 4
      default:
        if context.inSpecialSection { continue }
        tier = context.aboutTheDocument ? 3 : context.isLine ? 5 : 6
      }
      let rank = [
        tier, context.isLine || context.aboutTheDocument ? 0 : 1, date.kind == .effective ? 0 : 1,
        -(Int(date.date.replacingOccurrences(of: "-", with: "")) ?? 0), date.precision == .month ? 1 : 0,
      ]
      if best.map({ rank.lexicographicallyPrecedes($0.rank) }) ?? true { best = (rank, date) }
    }
    return best?.date
  }

  enum Place: Equatable {
    case head(firstPage: Bool)
    case tail
    case body
  }

  /// The place of each clause in its page (`source`): its opening, its end, or its body.
  static func places(_ clauses: [Clause]) -> [Int: Place] {
    var places: [Int: Place] = [:]
    var pageOrder: [String?] = []
    /// Per page: clauses and bytes seen, and whether body text started (a paragraph of `bodyBytes` or more, or
    /// `4 × bodyBytes` of paragraphs).
    var counts: [String?: (clauses: Int, bytes: Int, body: Bool, ended: Bool)] = [:]
    var paragraphBytes: [String?: Int] = [:]
    var last: [String?: [Int]] = [:]
    for (index, clause) in clauses.enumerated() {
      if counts[clause.source] == nil {
        counts[clause.source] = (0, 0, false, false)
        pageOrder.append(clause.source)
      }
      var seen = counts[clause.source] ?? (0, 0, false, false)
      // The opening ends at the first heading after body text.
      if clause.kind == .heading && seen.body { seen.ended = true }
      if !seen.ended && seen.clauses < headClauses && seen.bytes < headBytes {
        places[index] = .head(firstPage: pageOrder.first == clause.source)
      }
      seen.clauses += 1
      seen.bytes += clause.text.utf8.count
      if clause.kind != .heading {
        paragraphBytes[clause.source, default: 0] += clause.text.utf8.count
        if clause.text.utf8.count >= bodyBytes || paragraphBytes[clause.source, default: 0] >= 4 * bodyBytes {
          seen.body = true
        }
      }
      counts[clause.source] = seen
      last[clause.source, default: []].append(index)
    }
    for indices in last.values {
      for index in indices.suffix(tailClauses) where places[index] == nil { places[index] = .tail }
    }
    return places
  }

  /// What the clause around a date says about it.
  struct Context {
    var isLine = false
    var aboutTheDocument = false
    var aboutPreviousVersion = false
    var aboutALaw = false
    var aboutARename = false
    var inSpecialSection = false

    init(date: DeclaredDate, clause: Clause?) {
      guard let clause else { return }
      let text = clause.text.lowercased()
      let phrase = date.phrase.lowercased()
      let words = DateLine.words(of: text).map(String.init)
      let phraseWords = DateLine.words(of: phrase).count
      // Words before the date's phrase in its clause (the phrase may start in the clause above).
      let before: [String]
      if let range = text.range(of: phrase) {
        before = DateLine.words(of: String(text[..<range.lowerBound])).map(String.init)
      } else if let keyword = DateLine.words(of: phrase).first, let index = words.firstIndex(of: String(keyword)) {
        before = Array(words[..<index])
      } else {
        before = []
      }
      isLine = words.count - phraseWords <= DateLine.maxTrailingWords
      aboutTheDocument = Self.namesTheDocument(words)
      aboutPreviousVersion =
        Self.namesAPreviousVersion(Array(before.suffix(8)))
        || clause.section.contains { Self.namesAPreviousVersion(DateLine.words(of: $0.lowercased()).map(String.init)) }
      aboutALaw = !aboutTheDocument && words.contains { Self.lawWords.contains($0) }
      aboutARename =
        words.contains { Self.renameWords.contains($0) }
        || Self.renamePhrases.contains { text.contains($0) }
      inSpecialSection = clause.section.contains { heading in
        let headingWords = DateLine.words(of: heading.lowercased()).map(String.init)
        return headingWords.contains { Self.specialSectionWords.contains($0) }
          || Self.states.contains { heading.lowercased().contains($0) }
      }
    }

    /// "this policy", "these terms", "our privacy notice", "the agreement", "this version".
    static func namesTheDocument(_ words: [String]) -> Bool {
      for (index, word) in words.enumerated() where determiners.contains(word) {
        for next in words.dropFirst(index + 1).prefix(3) where documentNouns.contains(next) { return true }
      }
      return false
    }

    /// "previous version", "prior terms", "archived versions".
    static func namesAPreviousVersion(_ words: [String]) -> Bool {
      for (index, word) in words.enumerated() where previousWords.contains(word) {
        for next in words.dropFirst(index + 1).prefix(2) where documentNouns.contains(next) { return true }
      }
      return false
    }

    static let determiners: Set<String> = ["this", "these", "our", "the"]
    static let documentNouns: Set<String> = [
      "policy", "terms", "agreement", "notice", "statement", "conditions", "version", "document", "addendum",
    ]
    static let previousWords: Set<String> = ["previous", "prior", "past", "earlier", "archived", "former", "old"]
    static let lawWords: Set<String> = [
      "act", "regulation", "directive", "law", "laws", "statute", "ccpa", "cpra", "gdpr", "ordinance", "bill",
    ]
    static let renameWords: Set<String> = ["formerly", "renamed", "rebranded"]
    static let renamePhrases = ["changed its name", "changed our name", "name change", "now known as"]
    static let specialSectionWords: Set<String> = [
      "residents", "resident", "supplemental", "supplement", "addendum", "annex", "appendix", "exhibit", "region",
      "regional", "jurisdiction", "jurisdictions", "state", "states",
    ]
    static let states = [
      "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
      "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine",
      "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska",
      "nevada", "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
      "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
      "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming",
    ]
  }
}
