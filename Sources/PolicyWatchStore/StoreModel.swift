import Foundation
import PolicyWatchDataUse
import PolicyWatchDeclarations
import PolicyWatchDiff
import PolicyWatchSupport
import PolicyWatchText

/// What happened to one fetch attempt.
public enum FetchAttemptOutcome: String, Sendable, Codable {
  /// The text changed: a new version was recorded (or a flap to an earlier one).
  case recorded
  /// Fetched; the text is the same as the current version (noise only).
  case unchanged
  /// 304: the server says nothing changed.
  case notModified = "not-modified"
  /// Reached, but the page is not the document (error page, bot wall, selector matched nothing, lost its text).
  case inaccessible
  /// Not reached (network, HTTP error).
  case failed
}

/// One line of a document's `timeline.jsonl`: every fetch attempt, kept forever.
public struct TimelineEntry: Sendable, Codable, Equatable {
  public var time: Date
  public var url: String
  public var status: Int?
  public var etag: String?
  public var lastModified: String?
  public var outcome: FetchAttemptOutcome
  public var reason: String?
  /// SHA-256 of the raw bytes (of every page, for a `combine` document, joined by their ids).
  public var snapshot: String?
  /// Whether the raw bytes are kept in `objects/` (see the retention rule in the README).
  public var kept: Bool?
  /// The version the text matched or created.
  public var version: String?
  /// For `combine` documents: each page's raw snapshot hash.
  public var pages: [String: String]?
  /// The events this attempt caused (a change, a flap, the start of an inaccessible streak…).
  public var events: [StoreEvent]?
  /// The browser that rendered the snapshot ("Chrome/156.0.8078.114"), when a browser did.
  public var rendered: String?

  package init(
    time: Date, url: String, status: Int? = nil, etag: String? = nil, lastModified: String? = nil,
    outcome: FetchAttemptOutcome, reason: String? = nil, snapshot: String? = nil, kept: Bool? = nil,
    version: String? = nil, pages: [String: String]? = nil, events: [StoreEvent]? = nil,
    rendered: String? = nil
  ) {
    self.time = time
    self.url = url
    self.status = status
    self.etag = etag
    self.lastModified = lastModified
    self.outcome = outcome
    self.reason = reason
    self.snapshot = snapshot
    self.kept = kept
    self.version = version
    self.pages = pages
    self.events = events
    self.rendered = rendered
  }
}

/// Kinds of event a document can have.
public enum EventKind: String, Sendable, Codable, CaseIterable {
  case first, change, flap, technical, inaccessible, recovered
}

/// How many clauses a change added, removed and modified.
public struct ClauseCounts: Sendable, Codable, Equatable {
  public var added = 0
  public var removed = 0
  public var modified = 0
  public init(added: Int = 0, removed: Int = 0, modified: Int = 0) {
    self.added = added
    self.removed = removed
    self.modified = modified
  }

  /// The event's counts of a clause diff (as the recorder counts them): a split adds a clause, a merge removes
  /// one, a renamed heading is modified.
  public init(_ counts: ClauseDiffCounts) {
    self.init(
      added: counts.added + counts.split, removed: counts.removed + counts.merged,
      modified: counts.modified + counts.headingRenamed)
  }
}

/// Flags on a change: what this tool exists to catch.
public enum ChangeFlag: String, Sendable, Codable {
  /// The text changed but the declared date did not.
  case silent
  /// The declared date is earlier than the last fetch that still showed the previous text.
  case backdated
}

/// One line of `events.jsonl`, and of `policywatch log --format json`.
public struct StoreEvent: Sendable, Codable, Equatable {
  /// Stable: `<document slug>/<kind>/<firstSeen>`; alerts deduplicate on it.
  public var id: String
  public var service: String
  public var document: String
  public var kind: EventKind
  /// Fetch time of the first snapshot showing this state.
  public var firstSeen: Date
  /// Last fetch that showed the previous text (nil for `first`).
  public var lastSeenBefore: Date?
  public var version: String?
  public var previousVersion: String?
  /// The document's own date after the change ("Effective …", "Last updated …"), ISO.
  public var declaredDate: String?
  public var previousDeclaredDate: String?
  public var flags: [ChangeFlag]
  public var clauses: ClauseCounts?
  public var reason: String?
  public var dataUse: [DataUseFinding]?
  /// `month` when the document gives only a month and a year (`declaredDate` is then the first of the month);
  /// absent for a whole date.
  public var declaredDatePrecision: DeclaredDatePrecision? = nil
  public var previousDeclaredDatePrecision: DeclaredDatePrecision? = nil
  /// True when `declaredDate` is an effective date to come: the page announces a version that takes effect after
  /// the day it was first seen (and may still show the version in force until then); absent otherwise.
  public var declaredDateUpcoming: Bool? = nil
  /// The document's address: its page's URL (the first page's, for a `combine` document), as fetched then. Not
  /// stored in the timeline's copy of the event: readers take it from the attempt's `url` (see
  /// `SnapshotStore.events`), `check` from the declaration.
  public var url: String? = nil
  /// For a `combine` document: every page's URL, by page id.
  public var pageURLs: [String: String]? = nil

  package init(
    id: String, service: String, document: String, kind: EventKind, firstSeen: Date, lastSeenBefore: Date? = nil,
    version: String? = nil, previousVersion: String? = nil, declaredDate: String? = nil,
    previousDeclaredDate: String? = nil, flags: [ChangeFlag], clauses: ClauseCounts? = nil, reason: String? = nil,
    dataUse: [DataUseFinding]? = nil, declaredDatePrecision: DeclaredDatePrecision? = nil,
    previousDeclaredDatePrecision: DeclaredDatePrecision? = nil, declaredDateUpcoming: Bool? = nil, url: String? = nil,
    pageURLs: [String: String]? = nil
  ) {
    self.id = id
    self.service = service
    self.document = document
    self.kind = kind
    self.firstSeen = firstSeen
    self.lastSeenBefore = lastSeenBefore
    self.version = version
    self.previousVersion = previousVersion
    self.declaredDate = declaredDate
    self.previousDeclaredDate = previousDeclaredDate
    self.flags = flags
    self.clauses = clauses
    self.reason = reason
    self.dataUse = dataUse
    self.declaredDatePrecision = declaredDatePrecision
    self.previousDeclaredDatePrecision = previousDeclaredDatePrecision
    self.declaredDateUpcoming = declaredDateUpcoming
    self.url = url
    self.pageURLs = pageURLs
  }
}

/// An extracted text version, stored once per distinct text in `versions/<id>.json`.
public struct VersionRecord: Sendable, Codable, Equatable {
  public var id: String
  public var service: String
  public var document: String
  public var firstSeen: Date
  public var snapshot: String
  public var clauses: [Clause]
  public var declaredDates: [DeclaredDate]
  public var language: String?
  public var title: String?
  public var extractor: Int
  public var rules: String
  /// For `combine` documents: each page's raw snapshot hash.
  public var pages: [String: String]?

  /// The date the document declares about itself (`DocumentDate`: in its opening, else about the whole
  /// document…; an effective date before an updated one, the later before the earlier).
  public var declaredDate: String? { documentDate?.date }

  /// The declared date that `declaredDate` reports, with its kind, precision and phrase.
  public var documentDate: DeclaredDate? { DocumentDate.choose(declaredDates, clauses: clauses) }

  package init(
    id: String, service: String, document: String, firstSeen: Date, snapshot: String, clauses: [Clause],
    declaredDates: [DeclaredDate], language: String? = nil, title: String? = nil, extractor: Int, rules: String,
    pages: [String: String]? = nil
  ) {
    self.id = id
    self.service = service
    self.document = document
    self.firstSeen = firstSeen
    self.snapshot = snapshot
    self.clauses = clauses
    self.declaredDates = declaredDates
    self.language = language
    self.title = title
    self.extractor = extractor
    self.rules = rules
    self.pages = pages
  }
}

/// Per-page state kept between runs (validators, the latest raw bytes).
public struct PageState: Sendable, Codable, Equatable {
  public var url: String
  public var etag: String?
  public var lastModified: String?
  public var latestSnapshot: String?
  public var httpCharset: String?

  package init(
    url: String, etag: String? = nil, lastModified: String? = nil, latestSnapshot: String? = nil,
    httpCharset: String? = nil
  ) {
    self.url = url
    self.etag = etag
    self.lastModified = lastModified
    self.latestSnapshot = latestSnapshot
    self.httpCharset = httpCharset
  }
}

/// A document's `state.json`: written last in every update, so it always describes complete work.
public struct DocumentState: Sendable, Codable, Equatable {
  public var service: String
  public var document: String
  /// The version the document currently shows (the last good one).
  public var current: String?
  /// When `current` was last seen (fetch time).
  public var currentLastSeen: Date?
  /// Recent versions, newest last, for flap detection.
  public var recent: [String] = []
  public var pages: [String: PageState] = [:]
  public var lastAttempt: Date?
  /// Set while the document is inaccessible: since when, and why.
  public var inaccessibleSince: Date?
  public var inaccessibleReason: String?
  /// What the recorder needs to know of the current version on every fetch, copied from it so that an
  /// unchanged fetch need not read it. Trusted only while its id is `current`.
  public var currentSummary: VersionSummary?
  /// Raw snapshots kept forever (they produced a version or show why the document was inaccessible).
  public var pinned: Set<String> = []
}

/// The fields of a version the recorder consults on every fetch.
public struct VersionSummary: Sendable, Codable, Equatable {
  public var id: String
  /// Fingerprint of the rules and the extractor version that made it (a change triggers a re-extraction).
  public var rules: String
  public var extractor: Int
  public var clauseCount: Int
  public var language: String?

  package init(id: String, rules: String, extractor: Int, clauseCount: Int, language: String?) {
    self.id = id
    self.rules = rules
    self.extractor = extractor
    self.clauseCount = clauseCount
    self.language = language
  }

  package init(_ record: VersionRecord) {
    id = record.id
    rules = record.rules
    extractor = record.extractor
    clauseCount = record.clauses.count
    language = record.language
  }
}

/// The JSON conventions of the store: sorted keys, ISO 8601 dates, no escaped slashes.
package enum StoreJSON {
  static let encoder = makeEncoder([.sortedKeys, .withoutEscapingSlashes])
  static let prettyEncoder = makeEncoder([.sortedKeys, .withoutEscapingSlashes, .prettyPrinted])

  private static func makeEncoder(_ formatting: JSONEncoder.OutputFormatting) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = formatting
    encoder.dateEncodingStrategy = .custom { date, encoder in
      var container = encoder.singleValueContainer()
      try container.encode(StoreJSON.format(date))
    }
    return encoder
  }

  package static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .custom { decoder in
      let container = try decoder.singleValueContainer()
      let text = try container.decode(String.self)
      guard let date = StoreJSON.parse(text) else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
      }
      return date
    }
    return decoder
  }()

  /// `2024-09-19T08:00:00Z` (whole seconds, UTC), by `RFC3339`'s hand-written RFC 3339 code: an
  /// `ISO8601DateFormatter` per call cost a quarter of an unchanged `check` (ICU builds its date-format symbols
  /// each time), and a shared one is not thread-safe.
  package static func format(_ date: Date) -> String { RFC3339.format(date) }

  /// Parses RFC 3339 date-times (`RFC3339.parse`): `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or
  /// `±HH:MM`.
  package static func parse(_ text: String) -> Date? { try? RFC3339.parse(text).get() }

  /// Pretty JSON bytes with a final newline.
  package static func pretty<T: Encodable>(_ value: T) -> [UInt8] {
    guard let data = try? prettyEncoder.encode(value) else { return [] }
    return [UInt8](data) + [10]
  }

  package static func line<T: Encodable>(_ value: T) -> String {
    String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
  }
}
