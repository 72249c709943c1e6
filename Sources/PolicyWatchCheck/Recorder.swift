import Foundation
import PolicyWatchDataUse
import PolicyWatchDeclarations
import PolicyWatchDiff
import PolicyWatchExtract
import PolicyWatchFetch
import PolicyWatchStore
import PolicyWatchSupport
import PolicyWatchText

/// One page as fetched (or not) in one attempt.
public struct PageFetch: Sendable {
  public var id: String
  public var url: String
  public var status: Int?
  public var validators: Validators
  public var httpCharset: String?
  /// The body; nil for a 304 or a failure.
  public var bytes: [UInt8]?
  /// Why the page could not be fetched (network or HTTP error), or nil.
  public var error: String?
  /// What rendered `bytes` when a browser did ("Chrome/156.0.8078.114"); nil for bytes as served.
  public var renderedBy: String?

  public init(
    id: String, url: String, status: Int? = nil, validators: Validators = Validators(), httpCharset: String? = nil,
    bytes: [UInt8]? = nil, error: String? = nil
  ) {
    self.id = id
    self.url = url
    self.status = status
    self.validators = validators
    self.httpCharset = httpCharset
    self.bytes = bytes
    self.error = error
  }
}

/// What one attempt at a document gave: its time, the rules in force, and each page.
public struct Observation: Sendable {
  public var time: Date
  public var declaration: DocumentDeclaration
  public var pages: [PageFetch]
  /// The extraction of exactly these pages' bytes under `declaration`, when it was already made (`replay`
  /// extracts upcoming snapshots on other cores while it records); used only when every page has its bytes.
  public var extraction: Result<ExtractedDocument, DocumentExtractionError>?
  /// The pages of the last attempt that showed the document, when the caller has them (`replay` keeps them in
  /// memory); otherwise the recorder reads the latest snapshots it kept. When the rules change, these are
  /// re-extracted with the new rules (the `technical` event) before this attempt is compared.
  public var lastGoodPages: [PageFetch]?
  /// The pages of an earlier attempt, by its time, when the caller still has them (`replay`: every snapshot of the
  /// folder); otherwise only the snapshots the store kept can be read again.
  public var earlierPages: (@Sendable (Date) -> [PageFetch]?)?

  public init(
    time: Date, declaration: DocumentDeclaration, pages: [PageFetch],
    extraction: Result<ExtractedDocument, DocumentExtractionError>? = nil, lastGoodPages: [PageFetch]? = nil,
    earlierPages: (@Sendable (Date) -> [PageFetch]?)? = nil
  ) {
    self.time = time
    self.declaration = declaration
    self.pages = pages
    self.extraction = extraction
    self.lastGoodPages = lastGoodPages
    self.earlierPages = earlierPages
  }
}

/// The result of recording one observation.
public struct RecordResult: Sendable {
  public var outcome: FetchAttemptOutcome
  public var events: [StoreEvent]
  public var reason: String?
}

/// Decides what an observation means and writes it to the store. The only writer of documents' files.
///
/// - A new version only when the text identity changes (`VersionIdentity`): link targets, nonces, markup, date
///   formats, relative times, interface text, numbering and clause order are not changes.
/// - Text equal to a recent version other than the current one is a `flap`, not a change.
/// - Failures, error pages, bot walls and placeholders (`PageHealth`), a selector that matched nothing, or a page
///   whose text is in another language are `inaccessible`; the next good fetch is compared with the last good
///   version. A page that lost most of its clauses is held until the next fetch shows it again, then dated at the
///   first fetch that showed it; a shorter text the document came back from before is held for
///   `flappingConfirmation`.
/// - When the rules or the extractor changed, the last good snapshot is re-extracted first; a difference is a
///   `technical` event, never a policy change, and this fetch is then compared with it.
/// - When a streak of pages the rules could not read ends, the streak's snapshots are read again with the rules
///   in force, so that a change made during it is dated at the first snapshot that showed it.
public struct Recorder: Sendable {
  public let store: SnapshotStore
  public var classifier: DataUseClassifier
  /// A page that keeps less than this share of the previous version's clauses is treated as broken.
  public var minimumKeptShare = 0.5
  /// How long a shorter text that the document came back from before must stay before it is taken for the
  /// document (see `PageHealth`: flapping).
  public var flappingConfirmation: TimeInterval = 7 * 24 * 3600
  /// Whether the latest raw snapshot of every page is stored even when it made no version (`check` needs it to
  /// answer a 304 Not Modified; `replay` does not).
  public var keepsLatestSnapshots = true

  public init(store: SnapshotStore, classifier: DataUseClassifier = DataUseClassifier()) {
    self.store = store
    self.classifier = classifier
  }

  /// Decides what one attempt at a document means and writes it to the store: a timeline line, and the versions
  /// and events it makes (a new version only when the text identity changes; see the type's description).
  ///
  /// The steps, in order: (1) a page that could not be fetched makes the attempt `failed`; (2) every page's bytes
  /// are assembled, and identical bytes under the same rules are `unchanged` (or `notModified`) without
  /// extraction; (3) when the rules or the extractor changed, the last good snapshot is re-extracted first (a
  /// `technical` event); (4) the attempt is extracted and judged (unreadable, broken, held or in another language
  /// is `inaccessible`); (5) when it ends a streak of pages the rules could not read, the streak's snapshots are
  /// read again; (6) the text is compared with the last good version: `unchanged`, a `flap`, or a new version.
  ///
  /// - Parameters:
  ///   - observation: The attempt: its time, the declaration in force, and each page as fetched (or not), with
  ///     what the caller already has (an extraction made in advance, the last good pages, earlier pages).
  /// - Returns: The attempt's outcome, the events it recorded (a technical re-extraction and streak snapshots
  ///   read again first, in the order they were written), and why the document was inaccessible, if it was.
  /// - Throws: `StoreIOError` when the store cannot be read or written; a line already written stays (the
  ///   timeline line is the commit point of each write).
  public func record(_ observation: Observation) throws(StoreIOError) -> RecordResult {
    var attempt = try beginAttempt(observation)

    // 1. Pages that could not be fetched.
    let failures = observation.pages.filter { $0.error != nil }
    if !failures.isEmpty {
      let reason = AttemptReason.fetchFailed(failures, declaration: attempt.declaration)
      return try inaccessible(.failed, reason, snapshot: nil, pages: nil, &attempt)
    }

    // 2. Assemble every page's bytes: fetched now, or (304) the latest kept snapshot of that page.
    let pages = assemblePages(observation, &attempt)
    attempt.readCurrentSummary(from: store)
    if let result = try recordIfSameBytes(pages, &attempt) { return result }

    // 3. The rules or the extractor changed since the current version: the technical event is the last good
    // snapshot re-extracted with the new rules, and this attempt is then compared with that (so a change of text
    // in the same fetch is a change, not part of the technical event).
    try reextractLastGood(observation, pages, &attempt)

    // 4. Extract this attempt.
    var extracted: ExtractedDocument
    switch extract(observation, pages, declaration: attempt.declaration) {
    case .readable(let document): extracted = document
    case .unreadable(let reason):
      return try inaccessible(.inaccessible, reason, snapshot: pages.snapshot, pages: pages.combined, &attempt)
    }
    let id = VersionIdentity.id(of: extracted.clauses)
    // The language is told from the text only when the text changed (the same text has the same language).
    if id != attempt.summary?.id, !extracted.languageConfident { extracted.identifyLanguage() }
    /// When this text is a large cut that an earlier fetch already showed (held as inaccessible until now): that
    /// fetch, where the change is dated.
    let heldSince: TimelineEntry?
    switch judge(extracted, id: id, pages, &attempt) {
    case .accepted(let held): heldSince = held
    case .inaccessible(let reason, let candidate):
      return try inaccessible(
        .inaccessible, reason, snapshot: pages.snapshot, pages: pages.combined, candidate: candidate, &attempt)
    }

    // 5. The end of a streak of pages the rules could not read, now readable: the snapshots of the streak are read
    // again with these rules, so that a change made during it is dated at the first snapshot that showed it (not
    // at the fetch that could read it again).
    let (reread, lastSeen) = try readStreakAgain(observation, pages, id: id, heldSince: heldSince, &attempt)

    // 6. Compare with the last good version.
    return try compareWithLastGood(
      extracted, id: id, heldSince: heldSince, lastSeen: lastSeen, reread: reread, pages, &attempt)
  }

  /// What `record` knows about the attempt it is recording, and what its steps change as they go: the document's
  /// state, the raw bytes to write, the snapshots this attempt supersedes, the current version.
  private struct Attempt {
    let declaration: DocumentDeclaration
    let ref: SnapshotStore.DocumentRef
    let time: Date
    /// The inaccessible streak this attempt continues or ends (read before a technical re-extraction, whose line
    /// is committed first, touches the state).
    let streak: (since: Date, reason: String)?
    /// The fields of this attempt's timeline line.
    let url: String
    let status: Int?
    let etag: String?
    let lastModified: String?
    /// The browser that rendered the pages, when one did ("Chrome/156.0.8078.114").
    let rendered: String?
    /// The fingerprint of the rules in force and of the extractor (`DocumentExtractor.fingerprint`).
    let fingerprint: String
    var state: DocumentState
    var superseded: [String] = []
    /// This attempt's raw bytes by hash, written to the store at commit time only if they are kept (see `commit`).
    var fetched: [String: [UInt8]] = [:]
    /// A technical re-extraction recorded before this attempt's own result (returned with it).
    var technicalEvents: [StoreEvent] = []
    /// The current version: its summary from the state's copy when it describes it; the whole record (clauses)
    /// only read when a change must be compared with it (`loadCurrent`).
    var current: VersionRecord? = nil
    var summary: VersionSummary? = nil

    /// This attempt's timeline line.
    func entry(
      _ outcome: FetchAttemptOutcome, reason: String? = nil, snapshot: String? = nil, kept: Bool? = nil,
      version: String? = nil, pages: [String: String]? = nil, events: [StoreEvent]? = nil
    ) -> TimelineEntry {
      TimelineEntry(
        time: time, url: url, status: status, etag: etag, lastModified: lastModified, outcome: outcome, reason: reason,
        snapshot: snapshot, kept: kept, version: version, pages: pages, events: events,
        rendered: rendered)
    }

    /// Reads the current version's summary: the state's copy when it describes it, else the version file.
    mutating func readCurrentSummary(from store: SnapshotStore) {
      if let id = state.current, let copy = state.currentSummary, copy.id == id {
        summary = copy
      } else if let id = state.current, let record = store.version(id, of: ref) {
        current = record
        summary = VersionSummary(record)
      }
    }

    /// The whole current version, read once when first needed.
    mutating func loadCurrent(from store: SnapshotStore) -> VersionRecord? {
      if current == nil, let id = state.current { current = store.version(id, of: ref) }
      return current
    }
  }

  /// This attempt's pages, assembled by `assemblePages`.
  private struct AssembledPages {
    /// Every page's bytes, by page id.
    var raw: [String: RawPage] = [:]
    /// Every page's snapshot hash after this attempt, and before it.
    var hashes: [String: String] = [:]
    var previousHashes: [String: String] = [:]
    /// Every page the document had before this attempt (ids of older rules too): its URL and latest snapshot.
    var earlierPageStates: [String: PageState]
    /// Whether every page answered 304 Not Modified.
    var allNotModified = true
    /// The attempt's snapshot hash, and its pages' hashes for a `combine` document.
    var snapshot: String? = nil
    var combined: [String: String]? = nil
  }

  /// What `judge` makes of a readable text.
  private enum Judgement {
    /// The text is the document's, held since the given fetch when it is a held cut now confirmed.
    case accepted(heldSince: TimelineEntry?)
    /// The text is not the document's (a placeholder, a cut held for now, another language); `candidate` names it
    /// when it may be the document after all.
    case inaccessible(reason: String, candidate: String?)
  }

  /// What `extract` gives: the text, or why there is none.
  private enum Extraction {
    case readable(ExtractedDocument)
    case unreadable(reason: String)
  }

  /// Starts recording an observation: makes sure the document exists, reads its state and the inaccessible
  /// streak it is in, and the fields of this attempt's timeline line.
  private func beginAttempt(_ observation: Observation) throws(StoreIOError) -> Attempt {
    let declaration = observation.declaration
    let ref = SnapshotStore.DocumentRef(service: declaration.service, document: declaration.documentType)
    try store.ensureDocument(ref)
    let state = store.state(ref)
    return Attempt(
      declaration: declaration, ref: ref, time: observation.time,
      streak: state.inaccessibleSince.map { (since: $0, reason: state.inaccessibleReason ?? "") },
      url: observation.pages.map(\.url).joined(separator: " "),
      status: observation.pages.compactMap(\.status).max(),
      etag: observation.pages.count == 1 ? observation.pages[0].validators.etag : nil,
      lastModified: observation.pages.count == 1 ? observation.pages[0].validators.lastModified : nil,
      rendered: observation.pages.lazy.compactMap(\.renderedBy).first,
      fingerprint: DocumentExtractor.fingerprint(declaration), state: state)
  }

  /// Records an inaccessible or failed attempt; `candidate` names the text it showed, when it showed one. The first
  /// attempt of a streak makes the `inaccessible` event and keeps its snapshot (the evidence).
  private func inaccessible(
    _ outcome: FetchAttemptOutcome, _ reason: String, snapshot: String?, pages: [String: String]?,
    candidate: String? = nil, _ attempt: inout Attempt
  ) throws(StoreIOError) -> RecordResult {
    var events: [StoreEvent] = []
    let startsStreak = attempt.streak == nil
    if startsStreak {
      events.append(
        event(.inaccessible, ref: attempt.ref, time: attempt.time, state: attempt.state, reason: reason, version: nil))
    }
    // Kept: the first snapshot of a streak (the evidence), and in `check` every snapshot the rules could not read
    // (new rules can read them again; `replay` still has them in its folder).
    let keep = snapshot != nil && (startsStreak || (keepsLatestSnapshots && Self.isSelectorMiss(reason)))
    let line = attempt.entry(
      outcome, reason: reason, snapshot: snapshot, kept: keep ? true : nil,
      version: candidate, pages: pages, events: events.isEmpty ? nil : events)
    try commit(
      [line], state: &attempt.state, ref: attempt.ref, superseded: attempt.superseded, objects: attempt.fetched)
    return RecordResult(outcome: outcome, events: attempt.technicalEvents + events, reason: reason)
  }

  /// Step 2: every page's bytes, fetched now or (304) the latest kept snapshot of that page, and their hashes.
  /// Updates the pages' state (latest snapshot, validators, charset) and notes the bytes to write and the
  /// snapshots superseded.
  private func assemblePages(_ observation: Observation, _ attempt: inout Attempt) -> AssembledPages {
    var pages = AssembledPages(earlierPageStates: [:])
    for page in observation.pages {
      if let hash = attempt.state.pages[page.id]?.latestSnapshot { pages.previousHashes[page.id] = hash }
    }
    pages.earlierPageStates = attempt.state.pages
    for page in observation.pages {
      var pageState = attempt.state.pages[page.id] ?? PageState(url: page.url)
      pageState.url = page.url
      if let bytes = page.bytes {
        pages.allNotModified = false
        let hash = SHA256.hex(bytes)
        attempt.fetched[hash] = bytes
        if let previous = pageState.latestSnapshot, previous != hash { attempt.superseded.append(previous) }
        pageState.latestSnapshot = hash
        pageState.httpCharset = page.httpCharset
        pages.raw[page.id] = RawPage(id: page.id, bytes: bytes, httpCharset: page.httpCharset)
      } else if let hash = pageState.latestSnapshot, let bytes = store.object(hash, of: attempt.ref) {
        pages.raw[page.id] = RawPage(id: page.id, bytes: bytes, httpCharset: pageState.httpCharset)
      }
      if page.validators.etag != nil || page.validators.lastModified != nil {
        pageState.etag = page.validators.etag
        pageState.lastModified = page.validators.lastModified
      }
      if let hash = pageState.latestSnapshot { pages.hashes[page.id] = hash }
      attempt.state.pages[page.id] = pageState
    }
    pages.snapshot = Self.snapshotHash(pages.hashes)
    pages.combined = attempt.declaration.isCombined ? pages.hashes : nil
    return pages
  }

  /// Step 2, the shortcut: identical bytes under the same rules and extractor cannot give another text, so the
  /// attempt is recorded `unchanged` (or `notModified` when every page answered 304) without extraction (most
  /// `check` runs). Nil when the attempt must be extracted.
  private func recordIfSameBytes(
    _ pages: AssembledPages, _ attempt: inout Attempt
  ) throws(StoreIOError) -> RecordResult? {
    let fingerprint = attempt.fingerprint
    if !pages.allNotModified, attempt.state.inaccessibleSince == nil, pages.previousHashes == pages.hashes,
      let id = attempt.state.current, let summary = attempt.summary, summary.rules == fingerprint,
      summary.extractor == DocumentExtractor.version
    {
      let line = attempt.entry(.unchanged, snapshot: pages.snapshot, version: id, pages: pages.combined)
      try commit(
        [line], state: &attempt.state, ref: attempt.ref, superseded: attempt.superseded, objects: attempt.fetched,
        describing: attempt.current)
      return RecordResult(outcome: .unchanged, events: [], reason: nil)
    }
    if pages.allNotModified, attempt.state.current != nil, attempt.summary?.rules == fingerprint,
      attempt.summary?.extractor == DocumentExtractor.version
    {
      let line = attempt.entry(.notModified, snapshot: pages.snapshot, version: attempt.state.current)
      try commit(
        [line], state: &attempt.state, ref: attempt.ref, superseded: [], objects: attempt.fetched,
        describing: attempt.current)
      return RecordResult(outcome: .notModified, events: attempt.technicalEvents, reason: nil)
    }
    return nil
  }

  /// Earlier pages assigned to `declaration`'s pages: by page id, else by URL; a page whose URL the new rules
  /// changed (its id follows the URL) takes the one earlier page left over; `fill` gives pages still missing (a
  /// page the new rules add), or nil.
  private static func assign(
    _ earlier: [(id: String, url: String?, page: RawPage)], to declaration: DocumentDeclaration,
    fill: (String) -> RawPage?
  ) -> [String: RawPage] {
    var assigned: [String: RawPage] = [:]
    var used = Set<Int>()
    var unmatched: [PageDeclaration] = []
    for page in declaration.pages {
      let index =
        earlier.indices.first { !used.contains($0) && earlier[$0].id == page.id }
        ?? earlier.indices.first { !used.contains($0) && earlier[$0].url == page.fetch }
      if let index {
        used.insert(index)
        let found = earlier[index].page
        assigned[page.id] = RawPage(id: page.id, bytes: found.bytes, httpCharset: found.httpCharset)
      } else {
        unmatched.append(page)
      }
    }
    let leftOver = earlier.indices.filter { !used.contains($0) }
    for page in unmatched {
      if unmatched.count == 1, leftOver.count == 1 || (declaration.pages.count == 1 && !leftOver.isEmpty) {
        let found = earlier[leftOver[0]].page
        assigned[page.id] = RawPage(id: page.id, bytes: found.bytes, httpCharset: found.httpCharset)
      } else if let filled = fill(page.id) {
        assigned[page.id] = filled
      }
    }
    return assigned
  }

  /// Step 3: when the rules or the extractor changed since the current version, re-extracts the last good
  /// snapshot with the rules in force; a different text is written as a new version with a `technical` event
  /// (committed before this attempt's line), and becomes the current version this attempt is compared with.
  private func reextractLastGood(
    _ observation: Observation, _ pages: AssembledPages, _ attempt: inout Attempt
  ) throws(StoreIOError) {
    let declaration = attempt.declaration
    let ref = attempt.ref
    let fingerprint = attempt.fingerprint
    guard let known = attempt.summary, known.rules != fingerprint || known.extractor != DocumentExtractor.version,
      let previous = attempt.loadCurrent(from: store)
    else { return }
    let (earlier, replayed) = lastGoodPages(observation, previous: previous, pages, attempt)
    // A page the new rules add (a `combine` that grew) has no earlier snapshot: use this attempt's.
    let baseline = Self.assign(earlier, to: declaration, fill: { pages.raw[$0] })
    guard !earlier.isEmpty,
      var again = try? DocumentExtractor.extract(declaration, pages: baseline, identifyLanguage: false)
    else { return }
    let id = VersionIdentity.id(of: again.clauses)
    guard id != previous.id else { return }
    again.identifyLanguage()
    var hashes: [String: String] = [:]
    for (page, bytes) in baseline { hashes[page] = SHA256.hex(bytes.bytes) }
    let evidence = Self.snapshotHash(hashes) ?? previous.snapshot
    let record = VersionRecord(
      id: id, service: ref.service, document: ref.document, firstSeen: attempt.time, snapshot: evidence,
      clauses: again.clauses, declaredDates: again.declaredDates, language: again.language, title: again.title,
      extractor: DocumentExtractor.version, rules: fingerprint, pages: declaration.isCombined ? hashes : nil)
    try store.writeVersion(record, for: ref)
    var technical = event(
      .technical, ref: ref, time: attempt.time, state: attempt.state,
      reason: "the rules or the extractor changed; the last good snapshot was re-extracted", version: record)
    technical.previousVersion = previous.id
    technical.clauses = counts(ClauseDiff.compare(old: previous.clauses, new: record.clauses))
    let line = TimelineEntry(
      time: attempt.time, url: "", status: nil, outcome: .recorded, reason: "technical re-extraction",
      snapshot: evidence, kept: true, version: id, pages: record.pages, events: [technical])
    try commit(
      [line], state: &attempt.state, ref: ref, superseded: [],
      objects: attempt.fetched.merging(replayed) { a, _ in a }, describing: record)
    attempt.technicalEvents.append(technical)
    attempt.current = record
    attempt.summary = VersionSummary(record)
  }

  /// The pages of the last attempt that showed the document, for step 3: the caller's (`lastGoodPages`, whose
  /// bytes are then written with the technical line), else the latest snapshots the store kept when the document
  /// was accessible, else the snapshots of the current version `previous`.
  private func lastGoodPages(
    _ observation: Observation, previous: VersionRecord, _ pages: AssembledPages, _ attempt: Attempt
  ) -> (earlier: [(id: String, url: String?, page: RawPage)], replayed: [String: [UInt8]]) {
    let ref = attempt.ref
    let states = pages.earlierPageStates
    var earlier: [(id: String, url: String?, page: RawPage)] = []
    var replayed: [String: [UInt8]] = [:]
    if let good = observation.lastGoodPages, !good.isEmpty, good.allSatisfy({ $0.bytes != nil }) {
      for page in good {
        let bytes = page.bytes ?? []
        earlier.append((page.id, page.url, RawPage(id: page.id, bytes: bytes, httpCharset: page.httpCharset)))
        replayed[SHA256.hex(bytes)] = bytes
      }
    } else if attempt.streak == nil, let last = store.lastTimelineEntry(ref), let lastSnapshot = last.snapshot {
      // The pages of the last attempt (it showed the document): `check` keeps the latest snapshot of each.
      let single = states.first { $0.value.latestSnapshot == lastSnapshot }?.key ?? ""
      for (id, hash) in (last.pages ?? [single: lastSnapshot]).sorted(by: { $0.key < $1.key }) {
        guard let bytes = store.object(hash, of: ref) else {
          earlier = []
          break
        }
        let charset = states[id]?.httpCharset
        earlier.append((id, states[id]?.url, RawPage(id: id, bytes: bytes, httpCharset: charset)))
      }
    }
    if earlier.isEmpty {
      replayed = [:]
      for (id, hash) in previous.pages ?? ["": previous.snapshot] {
        guard let bytes = store.object(hash, of: ref) else { continue }
        let charset = states[id]?.httpCharset
        earlier.append((id, states[id]?.url, RawPage(id: id, bytes: bytes, httpCharset: charset)))
      }
    }
    return (earlier, replayed)
  }

  /// Step 4: the attempt's text (the caller's extraction when it made one of exactly these bytes), or why it has
  /// none: the extraction failed, or the text shows a problem (`AttemptReason.problem`).
  private func extract(
    _ observation: Observation, _ pages: AssembledPages, declaration: DocumentDeclaration
  ) -> Extraction {
    let extracted: ExtractedDocument
    do {
      if let made = observation.extraction, observation.pages.allSatisfy({ $0.bytes != nil }) {
        extracted = try made.get()
      } else {
        extracted = try DocumentExtractor.extract(declaration, pages: pages.raw, identifyLanguage: false)
      }
    } catch {
      return .unreadable(
        reason: AttemptReason.extractionFailed(error, raw: pages.raw[error.page], declaration: declaration))
    }
    if let problem = AttemptReason.problem(extracted, raw: pages.raw) { return .unreadable(reason: problem) }
    return .readable(extracted)
  }

  /// Step 4, judging a text `id` that differs from the current version: a much shorter text is a placeholder
  /// page, or a cut held until the next fetch shows it again (a shorter text the document came back from before
  /// until it has stayed for `flappingConfirmation`), and a text in another language is not the document.
  private func judge(
    _ extracted: ExtractedDocument, id: String, _ pages: AssembledPages, _ attempt: inout Attempt
  ) -> Judgement {
    guard let previous = attempt.summary, id != previous.id else { return .accepted(heldSince: nil) }
    var heldSince: TimelineEntry? = nil
    let ref = attempt.ref
    let before = previous.clauseCount
    let after = extracted.clauses.count
    let rulesChanged =
      !attempt.technicalEvents.isEmpty || previous.rules != attempt.fingerprint
    if before >= 8, Double(after) < Double(before) * PageHealth.shrunkShare, !rulesChanged {
      if let document = attempt.loadCurrent(from: store),
        let reason = PageHealth.placeholder(
          page: extracted, raw: pages.raw, document: document,
          documentBytes: { page in
            (document.pages?[page] ?? (document.pages == nil ? document.snapshot : nil))
              .flatMap { store.object($0, of: ref) }
          })
      {
        return .inaccessible(reason: reason, candidate: id)
      }
      // A large cut is held until the next fetch shows it again: then it is the document now, dated at its
      // first fetch. A shorter text the document came back from before (a page that flaps) is held until it has
      // stayed for `flappingConfirmation` (a broken page rarely lasts that long; a real cut is not lost).
      let flapping = cameBack(from: id, ref: ref)
      if flapping || Double(after) < Double(before) * minimumKeptShare {
        let run = heldRun(id, ref: ref, since: attempt.streak?.since)
        if let run, !flapping || attempt.time.timeIntervalSince(run.time) >= flappingConfirmation {
          heldSince = run
        } else {
          let reason =
            flapping
            ? "\(Self.flappingReason) (\(after) of \(before) clauses) that the document came back from before"
            : "\(Self.heldReason) (\(after) of \(before) clauses left)"
          return .inaccessible(reason: reason, candidate: id)
        }
      }
    }
    // Only a language the text itself shows counts: a `lang` attribute alone says little.
    if extracted.languageConfident, let was = previous.language.map(LanguageIdentifier.primary),
      let now = extracted.language.map(LanguageIdentifier.primary), was != now
    {
      return .inaccessible(reason: "served in another language (\(now) instead of \(was))", candidate: nil)
    }
    return .accepted(heldSince: heldSince)
  }

  /// Writes a new version of text `text` first seen at `firstSeen`, and its `first` or `change` event compared
  /// with the current version (the last fetch that showed the current text: `lastSeen`).
  private func newVersion(
    _ text: ExtractedDocument, id: String, firstSeen: Date, evidence: (snapshot: String?, pages: [String: String]?),
    lastSeen: Date?, _ attempt: inout Attempt
  ) throws(StoreIOError) -> (VersionRecord, StoreEvent) {
    let ref = attempt.ref
    let record = VersionRecord(
      id: id, service: ref.service, document: ref.document, firstSeen: firstSeen,
      snapshot: evidence.snapshot ?? "", clauses: text.clauses, declaredDates: text.declaredDates,
      language: text.language, title: text.title, extractor: DocumentExtractor.version,
      rules: attempt.fingerprint, pages: evidence.pages)
    try store.writeVersion(record, for: ref)
    var change = event(
      attempt.summary == nil ? .first : .change, ref: ref, time: firstSeen, state: attempt.state, reason: nil,
      version: record)
    if let declared = record.documentDate, declared.kind == .effective,
      Self.day(declared) > Self.day(firstSeen, as: declared)
    {
      change.declaredDateUpcoming = true
    }
    if attempt.summary != nil, let previous = attempt.loadCurrent(from: store) {
      change.lastSeenBefore = lastSeen
      change.previousVersion = previous.id
      let previousDate = previous.documentDate
      change.previousDeclaredDate = previousDate?.date
      change.previousDeclaredDatePrecision = previousDate?.precision
      let diff = ClauseDiff.compare(old: previous.clauses, new: record.clauses)
      change.clauses = counts(diff)
      var flags: [ChangeFlag] = []
      if change.declaredDate == previousDate?.date { flags.append(.silent) }
      if let declared = record.documentDate, declared.date != previousDate?.date, let lastSeen,
        Self.day(declared) < Self.day(lastSeen, as: declared)
      {
        flags.append(.backdated)
      }
      change.flags = flags
      change.dataUse = DataUseReport.findings(
        old: previous.clauses, new: record.clauses, diff: diff, classifier: classifier)
    }
    return (record, change)
  }

  /// Step 5: when this attempt ends a streak of pages the rules could not read (and is no held cut), reads the
  /// streak's snapshots again with the rules in force; each that shows a new text (not a much shorter one this
  /// fetch does not show too) is written as a version dated at that snapshot. Returns the events written and when
  /// the current text was last seen (the state's, or the last of the streak's snapshots that showed it).
  private func readStreakAgain(
    _ observation: Observation, _ pages: AssembledPages, id: String, heldSince: TimelineEntry?,
    _ attempt: inout Attempt
  ) throws(StoreIOError) -> (events: [StoreEvent], lastSeen: Date?) {
    var lastSeen = attempt.state.currentLastSeen
    var reread: [StoreEvent] = []
    guard let streak = attempt.streak, heldSince == nil, Self.isSelectorMiss(streak.reason) else {
      return (reread, lastSeen)
    }
    let ref = attempt.ref
    let since = streak.since
    let missed = store.timeline(ref).filter {
      $0.time >= since && $0.outcome == .inaccessible && Self.isSelectorMiss($0.reason)
    }
    for earlier in missed {
      guard let again = readAgain(earlier, observation: observation, ref: ref, states: pages.earlierPageStates),
        var text = try? DocumentExtractor.extract(
          attempt.declaration, pages: Self.assign(again.pages, to: attempt.declaration, fill: { _ in nil }),
          identifyLanguage: false),
        text.clauses.count > 0, PageHealth.problem(clauses: text.clauses, title: text.title) == nil
      else { continue }
      let earlierID = VersionIdentity.id(of: text.clauses)
      if earlierID == attempt.summary?.id {
        lastSeen = earlier.time
        continue
      }
      // A much shorter text than the document's (a redirect or placeholder page the new rules happen to read)
      // is taken only when this fetch shows it too.
      if earlierID != id, let before = attempt.summary?.clauseCount, before >= 8,
        Double(text.clauses.count) < Double(before) * PageHealth.shrunkShare
      {
        continue
      }
      text.identifyLanguage()
      let (record, change) = try newVersion(
        text, id: earlierID, firstSeen: earlier.time, evidence: (again.snapshot, again.hashes), lastSeen: lastSeen,
        &attempt)
      let line = TimelineEntry(
        time: attempt.time, url: "", status: nil, outcome: .recorded,
        reason: "snapshot of \(StoreJSON.format(earlier.time)) read again with the rules that can read it",
        snapshot: again.snapshot, kept: true, version: earlierID, pages: again.hashes, events: [change])
      try commit([line], state: &attempt.state, ref: ref, superseded: [], objects: again.objects, describing: record)
      reread.append(change)
      attempt.current = record
      attempt.summary = VersionSummary(record)
      lastSeen = earlier.time
    }
    return (reread, lastSeen)
  }

  /// Step 6: records text `id` against the last good version: `unchanged` when it is that version's text, a
  /// `flap` when it is a recent other version's, else a new version (dated at `heldSince` when it is a held cut
  /// now confirmed); with a `recovered` event when the attempt ends an inaccessible streak.
  private func compareWithLastGood(
    _ extracted: ExtractedDocument, id: String, heldSince: TimelineEntry?, lastSeen: Date?, reread: [StoreEvent],
    _ pages: AssembledPages, _ attempt: inout Attempt
  ) throws(StoreIOError) -> RecordResult {
    let ref = attempt.ref
    let time = attempt.time
    let snapshot = pages.snapshot
    let combinedPages = pages.combined
    var events: [StoreEvent] = []
    // A held cut now confirmed is no recovery: the text was readable all along.
    if let streak = attempt.streak, heldSince == nil || heldSince?.time != streak.since {
      var recovered = event(
        .recovered, ref: ref, time: time, state: attempt.state, reason: "reachable again after: \(streak.reason)",
        version: nil)
      recovered.lastSeenBefore = lastSeen
      events.append(recovered)
    }
    if id == attempt.summary?.id {
      let line = attempt.entry(
        .unchanged, snapshot: snapshot, version: id, pages: combinedPages, events: events.isEmpty ? nil : events)
      try commit(
        [line], state: &attempt.state, ref: ref, superseded: attempt.superseded, objects: attempt.fetched,
        describing: attempt.current)
      return RecordResult(outcome: .unchanged, events: attempt.technicalEvents + reread + events, reason: nil)
    }
    // A recent text whose version file is damaged is still a flap (the file is made again from this extraction).
    if attempt.state.recent.contains(id),
      let earlier = store.version(id, of: ref)
        ?? store.restoreVersion(id, of: ref, extracted: extracted, rules: attempt.fingerprint)
    {
      var flap = event(
        .flap, ref: ref, time: heldSince?.time ?? time, state: attempt.state,
        reason: "back to the text first seen \(StoreJSON.format(earlier.firstSeen))", version: earlier)
      flap.lastSeenBefore = lastSeen
      flap.previousVersion = attempt.state.current
      events.append(flap)
      let line = attempt.entry(
        .recorded, snapshot: snapshot, kept: true, version: id, pages: combinedPages, events: events)
      try commit(
        [line], state: &attempt.state, ref: ref, superseded: attempt.superseded, objects: attempt.fetched,
        describing: earlier)
      return RecordResult(outcome: .recorded, events: attempt.technicalEvents + reread + events, reason: nil)
    }
    // A confirmed cut is dated, and its evidence taken, at the first fetch that showed it (kept: it started the
    // inaccessible streak), unless that snapshot is gone.
    var firstSeen = time
    var evidence = (snapshot: snapshot, pages: combinedPages)
    if let held = heldSince {
      firstSeen = held.time
      if let heldSnapshot = held.snapshot, held.kept == true,
        store.hasObject(held.pages?.values.first ?? heldSnapshot, of: ref)
      {
        evidence = (heldSnapshot, held.pages)
      }
    }
    let (record, change) = try newVersion(
      extracted, id: id, firstSeen: firstSeen, evidence: evidence, lastSeen: lastSeen, &attempt)
    events.append(change)
    let line = attempt.entry(
      .recorded, snapshot: snapshot, kept: true, version: id, pages: combinedPages, events: events)
    try commit(
      [line], state: &attempt.state, ref: ref, superseded: attempt.superseded, objects: attempt.fetched,
      describing: record)
    return RecordResult(outcome: .recorded, events: attempt.technicalEvents + reread + events, reason: nil)
  }

  /// The pages an earlier attempt fetched: from the store when it kept them, else from the caller
  /// (`Observation.earlierPages`); with their hashes and the bytes to keep.
  private func readAgain(
    _ earlier: TimelineEntry, observation: Observation, ref: SnapshotStore.DocumentRef, states: [String: PageState]
  ) -> (
    pages: [(id: String, url: String?, page: RawPage)], snapshot: String?, hashes: [String: String]?,
    objects: [String: [UInt8]]
  )? {
    if earlier.kept == true, let snapshot = earlier.snapshot {
      var pages: [(id: String, url: String?, page: RawPage)] = []
      for (id, hash) in earlier.pages ?? ["": snapshot] {
        guard let bytes = store.object(hash, of: ref) else { return nil }
        pages.append((id, states[id]?.url, RawPage(id: id, bytes: bytes, httpCharset: states[id]?.httpCharset)))
      }
      return (pages, snapshot, earlier.pages, [:])
    }
    guard let fetched = observation.earlierPages?(earlier.time), !fetched.isEmpty else { return nil }
    var pages: [(id: String, url: String?, page: RawPage)] = []
    var hashes: [String: String] = [:]
    var objects: [String: [UInt8]] = [:]
    for page in fetched {
      guard let bytes = page.bytes else { return nil }
      let hash = SHA256.hex(bytes)
      hashes[page.id] = hash
      objects[hash] = bytes
      pages.append((page.id, page.url, RawPage(id: page.id, bytes: bytes, httpCharset: page.httpCharset)))
    }
    return (pages, Self.snapshotHash(hashes), fetched.count > 1 ? hashes : nil, objects)
  }

  /// The snapshot hash of an attempt: its one page's hash, or a hash of every page's (`combine`).
  static func snapshotHash(_ pageHashes: [String: String]) -> String? {
    if pageHashes.count <= 1 { return pageHashes.values.first }
    return String(
      SHA256.hex(pageHashes.sorted { $0.key < $1.key }.map { "\($0.key)\u{0}\($0.value)" }.joined(separator: "\n"))
        .prefix(64))
  }

  /// Whether an inaccessible attempt's reason is a selector (or range boundary) that matched nothing, with no sign
  /// that the page was broken: the rules no longer fit the page, and new rules may read it.
  ///
  /// The cause comes first: `the selector main matched nothing on the page` (or `the range …`), after the page for a
  /// page of a `combine` document (`page "annex" (URL): the selector …`); reasons that older versions stored begin
  /// with the page id (`page privacy: the selector …`). A sign of a broken page replaces the cause (older reasons put
  /// it first: `looks like an error or bot page …; page privacy: …`), so such a reason is no selector miss.
  static func isSelectorMiss(_ reason: String?) -> Bool {
    guard let reason, reason.contains("matched nothing") else { return false }
    return reason.hasPrefix("the selector ") || reason.hasPrefix("the range ") || reason.hasPrefix("page ")
  }

  /// The starts of the reasons of held shorter texts (the recorder recognises its own held entries by them).
  static let heldReason = "the page lost most of its text"
  static let flappingReason = "the page shows a shorter text"

  static func isHeld(_ entry: TimelineEntry, _ id: String) -> Bool {
    entry.outcome == .inaccessible && entry.version == id
      && (entry.reason?.hasPrefix(heldReason) == true || entry.reason?.hasPrefix(flappingReason) == true)
  }

  /// When the last attempt held this same shorter text: the first fetch of that run of held attempts (the first to
  /// show it), else nil.
  private func heldRun(_ id: String, ref: SnapshotStore.DocumentRef, since: Date?) -> TimelineEntry? {
    guard let last = store.lastTimelineEntry(ref), Self.isHeld(last, id) else { return nil }
    guard let since else { return last }
    var first = last
    for entry in store.timeline(ref).reversed() where entry.time >= since && entry.time < last.time {
      if entry.outcome == .failed { continue }  // a fetch that showed nothing interrupts nothing
      guard Self.isHeld(entry, id) else { break }
      first = entry
    }
    return first
  }

  /// Whether the document showed text `id` before (as a version or a held or broken page) and then came back to
  /// a text it had shown before that: a page that flaps between the document and a shorter text.
  private func cameBack(from id: String, ref: SnapshotStore.DocumentRef) -> Bool {
    var before: Set<String> = []
    var shown = false
    for entry in store.timeline(ref) {
      guard let version = entry.version else { continue }
      if version == id {
        shown = true
      } else if entry.outcome == .recorded || entry.outcome == .unchanged {
        if shown, before.contains(version) { return true }
        if !shown { before.insert(version) }
      }
    }
    return false
  }

  private func counts(_ diff: ClauseDiff) -> ClauseCounts {
    let c = diff.counts
    return ClauseCounts(
      added: c.added + c.split, removed: c.removed + c.merged, modified: c.modified + c.headingRenamed)
  }

  /// A declared date as "YYYY-MM-DD", or "YYYY-MM" when it gives only a month.
  static func day(_ date: DeclaredDate) -> String {
    date.precision == .month ? String(date.date.prefix(7)) : date.date
  }

  /// A time's UTC day, at the precision of a declared date.
  static func day(_ time: Date, as declared: DeclaredDate) -> String {
    String(StoreJSON.format(time).prefix(declared.precision == .month ? 7 : 10))
  }

  private func event(
    _ kind: EventKind, ref: SnapshotStore.DocumentRef, time: Date, state: DocumentState, reason: String?,
    version: VersionRecord?
  ) -> StoreEvent {
    let declared = version?.documentDate
    var event = StoreEvent(
      id:
        "\(StoreNames.documentPath(service: ref.service, document: ref.document).dropFirst("documents/".count))/\(kind.rawValue)/\(StoreJSON.format(time))",
      service: ref.service, document: ref.document, kind: kind, firstSeen: time,
      lastSeenBefore: kind == .first ? nil : state.currentLastSeen, version: version?.id,
      previousVersion: state.current,
      declaredDate: declared?.date, previousDeclaredDate: nil, flags: [], clauses: nil, reason: reason,
      dataUse: nil)
    event.declaredDatePrecision = declared?.precision
    return event
  }

  /// Writes the timeline lines (the commit point), then the state, then drops superseded raw snapshots that are
  /// not pinned. `describing`, when it is the current version afterwards, refreshes the state's copy of its rules.
  ///
  /// Raw bytes (`objects`) are written first, those the lines keep (`kept`: they made a version or show why the
  /// document was inaccessible) and, when `keepsLatestSnapshots`, the latest of every page (for conditional
  /// requests); `replay` has no use for the latter and skips writing (and compressing) every noise snapshot.
  private func commit(
    _ lines: [TimelineEntry], state: inout DocumentState, ref: SnapshotStore.DocumentRef, superseded: [String],
    objects: [String: [UInt8]] = [:], describing version: VersionRecord? = nil
  ) throws(StoreIOError) {
    var needed = Set<String>()
    for line in lines where line.kept == true {
      if let snapshot = line.snapshot { needed.insert(snapshot) }
      needed.formUnion(line.pages?.values ?? [:].values)
    }
    for (hash, bytes) in objects where keepsLatestSnapshots || needed.contains(hash) {
      try store.putObject(bytes, hash: hash, for: ref)
    }
    try store.appendTimeline(lines, for: ref)
    for line in lines { state.apply(line) }
    if let version, version.id == state.current { state.currentSummary = VersionSummary(version) }
    try store.writeState(state, for: ref)
    let latest = Set(state.pages.values.compactMap(\.latestSnapshot))
    for hash in superseded where !state.pinned.contains(hash) && !latest.contains(hash) {
      store.removeObject(hash, of: ref)
    }
  }
}
