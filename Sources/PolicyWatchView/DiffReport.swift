import Foundation
import PolicyWatchDataUse
import PolicyWatchDiff
import PolicyWatchStore
import PolicyWatchText

/// Everything the viewer shows about the difference between two versions of a document. Its JSON encoding is
/// `policywatch diff --format json` (schema `policywatch-diff/1`, documented in README.md): fields are only ever
/// added within a schema version.
public struct DiffReport: Sendable, Codable, Equatable {
  public static let schemaName = "policywatch-diff/1"

  /// One of the two versions compared.
  public struct Side: Sendable, Codable, Equatable {
    public var version: String
    public var firstSeen: Date
    /// The last fetch that still showed the text before this version (only for `to`, when known).
    public var lastSeenBefore: Date?
    /// The document's own date (effective, else updated), ISO `YYYY-MM-DD`.
    public var declaredDate: String?
    public var declaredDates: [DeclaredDateSummary]
    public var title: String?
  }

  /// A date the document declares: its kind (effective, updated), the date, and the words that state it.
  public struct DeclaredDateSummary: Sendable, Codable, Equatable {
    public var kind: String
    public var date: String
    public var phrase: String
  }

  /// Data-use language found in one clause of the diff.
  public struct Mark: Sendable, Codable, Equatable {
    public var category: String
    public var polarity: DataUsePolarity
    /// The words that matched.
    public var match: String
    /// True when the data-use report counts it as new in this change (or, in a removed clause, as a lost protection).
    public var new: Bool

    /// `AI_TRAINING`, `NOT_SALE_OF_DATA`.
    public var label: String { polarity == .negated ? "NOT_" + category : category }
  }

  /// One clause (or two, for split/merged) of the diff.
  public struct Entry: Sendable, Codable, Equatable {
    /// `added`, `removed`, `modified`, `moved`, `split`, `merged`, `headingRenamed`, `unchanged`.
    public var kind: ClauseChangeKind
    /// `heading`, `paragraph`, `listItem`… of the new clause (the old one when removed).
    public var clauseKind: ClauseKind
    /// Heading level or list depth.
    public var level: Int
    /// Section path in the new version (the old one for a removed clause).
    public var section: [String]
    /// Section path in the old version, when it differs.
    public var oldSection: [String]?
    public var oldIndices: [Int]
    public var newIndices: [Int]
    /// Old text (nil for added clauses); split/merged parts joined with "\n".
    public var old: String?
    /// New text (nil for removed clauses).
    public var new: String?
    /// Word diff old → new (modified, split, merged, headingRenamed).
    public var words: [WordEdit]?
    /// Data-use language in the new text (in the old text for a removed clause).
    public var dataUse: [Mark]

    public var isChange: Bool { kind != .unchanged }
  }

  public var schema = DiffReport.schemaName
  public var service: String
  public var document: String
  public var from: Side
  public var to: Side
  /// The kind of the event that brought `to` (`change`, `flap`, `technical`, `first`).
  public var event: EventKind?
  public var flags: [ChangeFlag]
  public var identical: Bool
  public var counts: ClauseDiffCounts
  /// The new data-use language this difference brings (and protections it removes), as in the change event.
  public var dataUse: [DataUseFinding]
  /// Every clause in new-document order, unchanged ones included (JSON keeps only the changes).
  public var entries: [Entry]
  /// The document's address (its page; the first page of a `combine` document), as fetched for `to`.
  public var url: String?
  /// For a `combine` document: every page's URL, by page id.
  public var pageURLs: [String: String]?

  /// The changed entries.
  public var changes: [Entry] { entries.filter(\.isChange) }

  /// Where to read the document: its URL, or each page's (by page id) for a `combine` document.
  public var addresses: [(page: String?, url: String)] {
    if let pageURLs, pageURLs.count > 1 {
      return pageURLs.sorted { $0.key < $1.key }.map { (page: $0.key, url: $0.value) }
    }
    return url.map { [(page: nil, url: $0)] } ?? []
  }

  enum CodingKeys: String, CodingKey {
    case schema, service, document, url, pageURLs, from, to, event, flags, identical, counts, dataUse, changes
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    schema = try container.decode(String.self, forKey: .schema)
    service = try container.decode(String.self, forKey: .service)
    document = try container.decode(String.self, forKey: .document)
    from = try container.decode(Side.self, forKey: .from)
    to = try container.decode(Side.self, forKey: .to)
    event = try container.decodeIfPresent(EventKind.self, forKey: .event)
    flags = try container.decode([ChangeFlag].self, forKey: .flags)
    identical = try container.decode(Bool.self, forKey: .identical)
    counts = try container.decode(ClauseDiffCounts.self, forKey: .counts)
    dataUse = try container.decode([DataUseFinding].self, forKey: .dataUse)
    entries = try container.decode([Entry].self, forKey: .changes)
    url = try container.decodeIfPresent(String.self, forKey: .url)
    pageURLs = try container.decodeIfPresent([String: String].self, forKey: .pageURLs)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(schema, forKey: .schema)
    try container.encode(service, forKey: .service)
    try container.encode(document, forKey: .document)
    try container.encodeIfPresent(url, forKey: .url)
    try container.encodeIfPresent(pageURLs, forKey: .pageURLs)
    try container.encode(from, forKey: .from)
    try container.encode(to, forKey: .to)
    try container.encodeIfPresent(event, forKey: .event)
    try container.encode(flags, forKey: .flags)
    try container.encode(identical, forKey: .identical)
    try container.encode(counts, forKey: .counts)
    try container.encode(dataUse, forKey: .dataUse)
    try container.encode(changes, forKey: .changes)
  }

  /// Pretty JSON with sorted keys and ISO dates, ending in a newline.
  public func json() -> String { String(decoding: StoreJSON.pretty(self), as: UTF8.self) }
}

extension DiffReport {
  /// Compares two stored versions. `event` is the event that brought `new` (its flags are used when `old` is the
  /// version right before it; otherwise `silent` is recomputed from the two declared dates).
  public static func make(
    service: String, document: String, old: VersionRecord, new: VersionRecord, event: StoreEvent?,
    classifier: DataUseClassifier = DataUseClassifier()
  ) -> DiffReport {
    let diff = ClauseDiff.compare(old: old.clauses, new: new.clauses)
    let identical = old.id == new.id || !diff.hasChanges
    let findings =
      identical ? [] : DataUseReport.findings(old: old.clauses, new: new.clauses, diff: diff, classifier: classifier)
    var entries: [Entry] = []
    for change in diff.changes {
      entries.append(entry(change, old: old.clauses, new: new.clauses, findings: findings, classifier: classifier))
    }
    var flags: [ChangeFlag] = []
    let adjacent = event != nil && event?.previousVersion == old.id && event?.version == new.id
    if let event, adjacent {
      flags = event.flags
    } else if !identical {
      if old.declaredDate == new.declaredDate { flags.append(.silent) }
      if event?.flags.contains(.backdated) == true { flags.append(.backdated) }
    }
    return DiffReport(
      service: service, document: document, from: side(old, lastSeenBefore: nil),
      to: side(new, lastSeenBefore: event?.version == new.id ? event?.lastSeenBefore : nil),
      event: event?.version == new.id ? event?.kind : nil, flags: flags, identical: identical, counts: diff.counts,
      dataUse: findings, entries: entries)
  }

  init(
    service: String, document: String, from: Side, to: Side, event: EventKind?, flags: [ChangeFlag],
    identical: Bool, counts: ClauseDiffCounts, dataUse: [DataUseFinding], entries: [Entry]
  ) {
    self.service = service
    self.document = document
    self.from = from
    self.to = to
    self.event = event
    self.flags = flags
    self.identical = identical
    self.counts = counts
    self.dataUse = dataUse
    self.entries = entries
  }

  static func side(_ record: VersionRecord, lastSeenBefore: Date?) -> Side {
    Side(
      version: record.id, firstSeen: record.firstSeen, lastSeenBefore: lastSeenBefore,
      declaredDate: record.declaredDate,
      declaredDates: record.declaredDates.map {
        DeclaredDateSummary(kind: $0.kind.rawValue, date: $0.date, phrase: $0.phrase)
      },
      title: record.title)
  }

  private static func entry(
    _ change: ClauseChange, old: [Clause], new: [Clause], findings: [DataUseFinding], classifier: DataUseClassifier
  ) -> Entry {
    let oldClauses = change.oldIndices.filter(old.indices.contains).map { old[$0] }
    let newClauses = change.newIndices.filter(new.indices.contains).map { new[$0] }
    let oldText = oldClauses.isEmpty ? nil : oldClauses.map(\.text).joined(separator: "\n")
    let newText = newClauses.isEmpty ? nil : newClauses.map(\.text).joined(separator: "\n")
    let shape = newClauses.first ?? oldClauses.first
    var marks: [Mark] = []
    if change.kind != .unchanged, change.kind != .headingRenamed {
      let markedClauses = newClauses.isEmpty ? oldClauses : newClauses
      let removed = change.kind == .removed
      for clause in markedClauses {
        for match in classifier.classifyWithEvidence(clause.text) {
          let isNew = findings.contains {
            $0.category == match.category && $0.polarity == match.polarity && $0.text == clause.text
              && ($0.change == .removed) == removed
          }
          marks.append(Mark(category: match.category, polarity: match.polarity, match: match.match, new: isNew))
        }
      }
    }
    let section = newClauses.isEmpty ? change.oldSection : change.newSection
    return Entry(
      kind: change.kind, clauseKind: shape?.kind ?? .paragraph, level: shape?.level ?? 0, section: section,
      oldSection: change.sectionChanged ? change.oldSection : nil, oldIndices: change.oldIndices,
      newIndices: change.newIndices, old: change.kind == .unchanged ? nil : oldText, new: newText,
      words: change.words.isEmpty ? nil : change.words, dataUse: marks)
  }
}

extension VersionResolver {
  /// The report between two REFs. Defaults: `to` = latest, `from` = the state before `to` (so no REF at all shows
  /// the latest change).
  public func diffReport(from fromRef: String?, to toRef: String?, classifier: DataUseClassifier = DataUseClassifier())
    throws(ViewError) -> DiffReport
  {
    let to = try resolve(toRef ?? "latest", option: "--to")
    let from: (index: Int?, version: String)
    if let fromRef {
      from = try resolve(fromRef, option: "--from")
    } else if let index = to.index, index > 0 {
      from = (index - 1, states[index - 1].version)
    } else {
      from = to
    }
    guard let oldRecord = record(from.version) else {
      throw .badReference(
        option: "--from", ref: fromRef ?? from.version, document: ref.name, reason: "the version file is missing",
        available: availableDescriptions)
    }
    guard let newRecord = record(to.version) else {
      throw .badReference(
        option: "--to", ref: toRef ?? to.version, document: ref.name, reason: "the version file is missing",
        available: availableDescriptions)
    }
    let event = to.index.map { states[$0].event }
    var report = DiffReport.make(
      service: ref.service, document: ref.document, old: oldRecord, new: newRecord, event: event,
      classifier: classifier)
    // The address the `to` version was fetched from, else the latest one.
    let addressed = event ?? states.last?.event
    report.url = addressed?.url
    report.pageURLs = addressed?.pageURLs
    return report
  }
}
