import Foundation

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

  public init(
    time: Date, declaration: DocumentDeclaration, pages: [PageFetch],
    extraction: Result<ExtractedDocument, DocumentExtractionError>? = nil
  ) {
    self.time = time
    self.declaration = declaration
    self.pages = pages
    self.extraction = extraction
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
///   formats, relative times, interface text and clause order are not changes.
/// - Text equal to a recent version other than the current one is a `flap`, not a change.
/// - Failures, error pages, bot walls, a selector that matched nothing, a page that lost most of its clauses or
///   came in another language are `inaccessible`; the next good fetch is compared with the last good version.
/// - When the rules or the extractor changed, the latest snapshot is re-extracted first; a difference is a
///   `technical` event, never a policy change.
public struct Recorder: Sendable {
  public let store: SnapshotStore
  public var classifier: DataUseClassifier
  /// A page that keeps less than this share of the previous version's clauses is treated as broken.
  public var minimumKeptShare = 0.5
  /// Whether the latest raw snapshot of every page is stored even when it made no version (`check` needs it to
  /// answer a 304 Not Modified; `replay` does not).
  public var keepsLatestSnapshots = true

  public init(store: SnapshotStore, classifier: DataUseClassifier = DataUseClassifier()) {
    self.store = store
    self.classifier = classifier
  }

  public func record(_ observation: Observation) throws(StoreIOError) -> RecordResult {
    let declaration = observation.declaration
    let ref = SnapshotStore.DocumentRef(service: declaration.service, document: declaration.documentType)
    try store.ensureDocument(ref)
    var state = store.state(ref)
    let time = observation.time
    let url = observation.pages.map(\.url).joined(separator: " ")
    let status = observation.pages.compactMap(\.status).max()
    let etag = observation.pages.count == 1 ? observation.pages[0].validators.etag : nil
    let lastModified = observation.pages.count == 1 ? observation.pages[0].validators.lastModified : nil
    var superseded: [String] = []
    /// This attempt's raw bytes by hash, written to the store at commit time only if they are kept (see `commit`).
    var fetched: [String: [UInt8]] = [:]
    /// A technical re-extraction recorded before this attempt's own result (returned with it).
    var technicalEvents: [StoreEvent] = []

    func entry(
      _ outcome: FetchAttemptOutcome, reason: String? = nil, snapshot: String? = nil, kept: Bool? = nil,
      version: String? = nil, pages: [String: String]? = nil, events: [StoreEvent]? = nil
    ) -> TimelineEntry {
      TimelineEntry(
        time: time, url: url, status: status, etag: etag, lastModified: lastModified, outcome: outcome, reason: reason,
        snapshot: snapshot, kept: kept, version: version, pages: pages, events: events)
    }

    /// Records an inaccessible or failed attempt; `candidate` names the text it showed, when it showed one.
    func inaccessible(
      _ outcome: FetchAttemptOutcome, _ reason: String, snapshot: String?, pages: [String: String]?,
      candidate: String? = nil
    ) throws(StoreIOError) -> RecordResult {
      var events: [StoreEvent] = []
      let startsStreak = state.inaccessibleSince == nil
      if startsStreak {
        events.append(
          event(.inaccessible, ref: ref, time: time, state: state, reason: reason, version: nil))
      }
      let line = entry(
        outcome, reason: reason, snapshot: snapshot, kept: startsStreak && snapshot != nil ? true : nil,
        version: candidate, pages: pages, events: events.isEmpty ? nil : events)
      try commit([line], state: &state, ref: ref, superseded: superseded, objects: fetched)
      return RecordResult(outcome: outcome, events: technicalEvents + events, reason: reason)
    }

    // 1. Pages that could not be fetched.
    let failures = observation.pages.filter { $0.error != nil }
    if !failures.isEmpty {
      let reason = AttemptReason.fetchFailed(failures, declaration: declaration)
      return try inaccessible(.failed, reason, snapshot: nil, pages: nil)
    }

    // 2. Assemble every page's bytes: fetched now, or (304) the latest kept snapshot of that page.
    var raw: [String: RawPage] = [:]
    var pageHashes: [String: String] = [:]
    var previousHashes: [String: String] = [:]
    for page in observation.pages {
      if let hash = state.pages[page.id]?.latestSnapshot { previousHashes[page.id] = hash }
    }
    var allNotModified = true
    for page in observation.pages {
      var pageState = state.pages[page.id] ?? PageState(url: page.url)
      pageState.url = page.url
      if let bytes = page.bytes {
        allNotModified = false
        let hash = SHA256.hex(bytes)
        fetched[hash] = bytes
        if let previous = pageState.latestSnapshot, previous != hash { superseded.append(previous) }
        pageState.latestSnapshot = hash
        pageState.httpCharset = page.httpCharset
        raw[page.id] = RawPage(id: page.id, bytes: bytes, httpCharset: page.httpCharset)
      } else if let hash = pageState.latestSnapshot, let bytes = store.object(hash, of: ref) {
        raw[page.id] = RawPage(id: page.id, bytes: bytes, httpCharset: pageState.httpCharset)
      }
      if page.validators.etag != nil || page.validators.lastModified != nil {
        pageState.etag = page.validators.etag
        pageState.lastModified = page.validators.lastModified
      }
      if let hash = pageState.latestSnapshot { pageHashes[page.id] = hash }
      state.pages[page.id] = pageState
    }
    let snapshot =
      pageHashes.count == 1
      ? pageHashes.values.first
      : String(
        SHA256.hex(pageHashes.sorted { $0.key < $1.key }.map { "\($0.key)\u{0}\($0.value)" }.joined(separator: "\n"))
          .prefix(64))
    let combinedPages = declaration.isCombined ? pageHashes : nil
    // Identical bytes under the same rules cannot give another text: skip extraction (most `check` runs).
    let fingerprint = DocumentExtractor.fingerprint(declaration)
    // The current version: its summary from the state's copy when it describes it; the whole record (clauses)
    // only read when a change must be compared with it.
    var current: VersionRecord? = nil
    var summary: VersionSummary? = nil
    if let id = state.current, let copy = state.currentSummary, copy.id == id {
      summary = copy
    } else if let id = state.current, let record = store.version(id, of: ref) {
      current = record
      summary = VersionSummary(record)
    }
    func loadCurrent() -> VersionRecord? {
      if current == nil, let id = state.current { current = store.version(id, of: ref) }
      return current
    }
    if !allNotModified, state.inaccessibleSince == nil, previousHashes == pageHashes, let id = state.current,
      let summary, summary.rules == fingerprint, summary.extractor == DocumentExtractor.version
    {
      let line = entry(.unchanged, snapshot: snapshot, version: id, pages: combinedPages)
      try commit([line], state: &state, ref: ref, superseded: superseded, objects: fetched, describing: current)
      return RecordResult(outcome: .unchanged, events: [], reason: nil)
    }
    if allNotModified, state.current != nil {
      let line = entry(.notModified, snapshot: snapshot, version: state.current)
      try commit([line], state: &state, ref: ref, superseded: [], objects: fetched, describing: current)
      return RecordResult(outcome: .notModified, events: technicalEvents, reason: nil)
    }

    // 3. The rules or the extractor changed since the current version: re-extract the latest snapshot first.
    if let known = summary, known.rules != fingerprint || known.extractor != DocumentExtractor.version,
      let previous = loadCurrent()
    {
      var previousRaw: [String: RawPage] = [:]
      for (id, hash) in previous.pages ?? [declaration.pages.first?.id ?? "": previous.snapshot] {
        if let bytes = store.object(hash, of: ref) {
          previousRaw[id] = RawPage(id: id, bytes: bytes, httpCharset: state.pages[id]?.httpCharset)
        }
      }
      // A page the new rules add (a `combine` that grew) has no earlier snapshot: use this attempt's.
      for page in declaration.pages where previousRaw[page.id] == nil { previousRaw[page.id] = raw[page.id] }
      if let again = try? DocumentExtractor.extract(declaration, pages: previousRaw) {
        let id = VersionIdentity.id(of: again.clauses)
        if id != previous.id {
          let record = VersionRecord(
            id: id, service: ref.service, document: ref.document, firstSeen: time, snapshot: previous.snapshot,
            clauses: again.clauses, declaredDates: again.declaredDates, language: again.language, title: again.title,
            extractor: DocumentExtractor.version, rules: fingerprint, pages: previous.pages)
          try store.writeVersion(record, for: ref)
          var technical = event(
            .technical, ref: ref, time: time, state: state,
            reason: "the rules or the extractor changed; the latest snapshot was re-extracted", version: record)
          technical.previousVersion = previous.id
          technical.clauses = counts(ClauseDiff.compare(old: previous.clauses, new: record.clauses))
          let line = TimelineEntry(
            time: time, url: "", status: nil, outcome: .recorded, reason: "technical re-extraction",
            snapshot: previous.snapshot,
            kept: true, version: id, pages: previous.pages, events: [technical])
          try commit([line], state: &state, ref: ref, superseded: [], objects: fetched, describing: record)
          technicalEvents.append(technical)
          current = record
          summary = VersionSummary(record)
        }
      }
    }

    // 4. Extract this attempt.
    let extracted: ExtractedDocument
    do {
      if let made = observation.extraction, observation.pages.allSatisfy({ $0.bytes != nil }) {
        extracted = try made.get()
      } else {
        extracted = try DocumentExtractor.extract(declaration, pages: raw)
      }
    } catch {
      let reason = AttemptReason.extractionFailed(error, raw: raw[error.page], declaration: declaration)
      return try inaccessible(.inaccessible, reason, snapshot: snapshot, pages: combinedPages)
    }
    if let problem = AttemptReason.problem(extracted, raw: raw) {
      return try inaccessible(.inaccessible, problem, snapshot: snapshot, pages: combinedPages)
    }
    let id = VersionIdentity.id(of: extracted.clauses)
    if let previous = summary {
      let before = previous.clauseCount
      let after = extracted.clauses.count
      // Whether the last attempt already showed this shrunk text (read only when the text shrank).
      func confirmed() -> Bool {
        store.lastTimelineEntry(ref).map { $0.outcome == .inaccessible && $0.version == id } ?? false
      }
      let rulesChanged = !technicalEvents.isEmpty || previous.rules != fingerprint
      if before >= 8, Double(after) < Double(before) * minimumKeptShare, !rulesChanged, !confirmed() {
        // Remember the shrunk text: if the next fetch shows it again, it is the document now, not a broken page.
        return try inaccessible(
          .inaccessible, "the page lost most of its text (\(after) of \(before) clauses left)", snapshot: snapshot,
          pages: combinedPages, candidate: id)
      }
      if let was = previous.language?.split(separator: "-").first,
        let now = extracted.language?.split(separator: "-").first,
        was != now
      {
        return try inaccessible(
          .inaccessible, "served in another language (\(now) instead of \(was))", snapshot: snapshot,
          pages: combinedPages)
      }
    }

    // 5. Compare with the last good version.
    var events: [StoreEvent] = []
    if state.inaccessibleSince != nil {
      events.append(
        event(
          .recovered, ref: ref, time: time, state: state,
          reason: "reachable again after: \(state.inaccessibleReason ?? "")", version: nil))
    }
    if id == summary?.id {
      let line = entry(
        .unchanged, snapshot: snapshot, version: id, pages: combinedPages, events: events.isEmpty ? nil : events)
      try commit([line], state: &state, ref: ref, superseded: superseded, objects: fetched, describing: current)
      return RecordResult(outcome: .unchanged, events: technicalEvents + events, reason: nil)
    }
    // A recent text whose version file is damaged is still a flap (the file is made again from this extraction).
    if state.recent.contains(id),
      let earlier = store.version(id, of: ref)
        ?? store.restoreVersion(id, of: ref, extracted: extracted, rules: fingerprint)
    {
      var flap = event(
        .flap, ref: ref, time: time, state: state,
        reason: "back to the text first seen \(StoreJSON.format(earlier.firstSeen))", version: earlier)
      flap.previousVersion = state.current
      events.append(flap)
      let line = entry(.recorded, snapshot: snapshot, kept: true, version: id, pages: combinedPages, events: events)
      try commit([line], state: &state, ref: ref, superseded: superseded, objects: fetched, describing: earlier)
      return RecordResult(outcome: .recorded, events: technicalEvents + events, reason: nil)
    }
    let record = VersionRecord(
      id: id, service: ref.service, document: ref.document, firstSeen: time, snapshot: snapshot ?? "",
      clauses: extracted.clauses, declaredDates: extracted.declaredDates, language: extracted.language,
      title: extracted.title, extractor: DocumentExtractor.version, rules: fingerprint, pages: combinedPages)
    try store.writeVersion(record, for: ref)
    var change = event(
      summary == nil ? .first : .change, ref: ref, time: time, state: state, reason: nil, version: record)
    if summary != nil, let previous = loadCurrent() {
      change.previousVersion = previous.id
      change.previousDeclaredDate = previous.declaredDate
      let diff = ClauseDiff.compare(old: previous.clauses, new: record.clauses)
      change.clauses = counts(diff)
      var flags: [ChangeFlag] = []
      if record.declaredDate == previous.declaredDate { flags.append(.silent) }
      if let declared = record.declaredDate, declared != previous.declaredDate, let lastSeen = state.currentLastSeen,
        declared < String(StoreJSON.format(lastSeen).prefix(10))
      {
        flags.append(.backdated)
      }
      change.flags = flags
      let findings = DataUseReport.findings(
        old: previous.clauses, new: record.clauses, diff: diff, classifier: classifier)
      change.dataUse = findings
    }
    events.append(change)
    let line = entry(.recorded, snapshot: snapshot, kept: true, version: id, pages: combinedPages, events: events)
    try commit([line], state: &state, ref: ref, superseded: superseded, objects: fetched, describing: record)
    return RecordResult(outcome: .recorded, events: technicalEvents + events, reason: nil)
  }

  private func counts(_ diff: ClauseDiff) -> ClauseCounts {
    let c = diff.counts
    return ClauseCounts(
      added: c.added + c.split, removed: c.removed + c.merged, modified: c.modified + c.headingRenamed)
  }

  private func event(
    _ kind: EventKind, ref: SnapshotStore.DocumentRef, time: Date, state: DocumentState, reason: String?,
    version: VersionRecord?
  ) -> StoreEvent {
    StoreEvent(
      id:
        "\(StoreNames.documentPath(service: ref.service, document: ref.document).dropFirst("documents/".count))/\(kind.rawValue)/\(StoreJSON.format(time))",
      service: ref.service, document: ref.document, kind: kind, firstSeen: time,
      lastSeenBefore: kind == .first ? nil : state.currentLastSeen, version: version?.id,
      previousVersion: state.current,
      declaredDate: version?.declaredDate, previousDeclaredDate: nil, flags: [], clauses: nil, reason: reason,
      dataUse: nil)
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
