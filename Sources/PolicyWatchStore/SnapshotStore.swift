import Foundation
import PolicyWatchDeclarations
import PolicyWatchSupport

/// The snapshot store: a plain directory (default `Snapshots/`).
///
/// Layout (every file human-readable JSON or JSON Lines, every write crash-safe through `FileIO`):
///
///     STORE.json                              format and version of the store
///     lock                                    the single-writer lock (pid and start time of the holder)
///     documents/<service>/<document>/
///       document.json                         the real service and document names
///       timeline.jsonl                        every fetch attempt, append-only, with the events it caused
///       versions/<id>.json                    each distinct extracted text (clauses, declared dates)
///       objects/<sha256>                      raw snapshots (content-addressed: SHA-256 of the bytes as fetched;
///                                             stored zstd-compressed, `zstdcat` reads them; older stores' gzip
///                                             and plain objects are read as they are)
///       state.json                            a cache of the timeline's conclusions, rebuilt from it if needed
///
/// The timeline is the commit point: objects and versions are written before the timeline line that refers to
/// them, and `state.json` after it. A run killed at any instant leaves at worst unreferenced files (removed by
/// `fsck --repair`) or a stale `state.json` (brought up to date from the timeline when read).
public final class SnapshotStore: @unchecked Sendable {
  public let path: String
  public static let format = "policywatch-store"
  public static let formatVersion = 1

  /// Why a store cannot be opened: the folder is not a store, or it cannot be read or created.
  public enum OpenError: Error, CustomStringConvertible {
    case notAStore(String)
    case io(StoreIOError)
    public var description: String {
      switch self {
      case .notAStore(let path):
        "\(path) is not a PolicyWatch store (no STORE.json); run `policywatch check` or `replay` to create one"
      case .io(let error): error.description
      }
    }
  }

  /// Where readers say what they had to skip (a damaged line…); nil: nowhere. Each problem is said once per store
  /// object.
  private let warningHandler: (@Sendable (String) -> Void)?
  private let warnedLock = NSLock()
  private var warned = Set<String>()

  /// Opens a store; `create` makes it when absent. `warnings` receives, once each, the problems readers work
  /// around: a line of a timeline or of the delivery log that does not parse is skipped and named (file, line).
  public init(path: String, create: Bool, warnings: (@Sendable (String) -> Void)? = nil) throws(OpenError) {
    self.path = path
    self.warningHandler = warnings
    let marker = "\(path)/STORE.json"
    if !FileIO.exists(marker) {
      guard create else { throw .notAStore(path) }
      let json = "{\n  \"format\": \"\(SnapshotStore.format)\",\n  \"version\": \(SnapshotStore.formatVersion)\n}\n"
      do {
        try FileIO.writeAtomically(Array(json.utf8), to: marker)
      } catch {
        throw .io(error)
      }
    }
  }

  // MARK: Documents

  /// A document of the store: its service and its name (`Service/Document`).
  public struct DocumentRef: Sendable, Hashable, Codable, Comparable {
    public var service: String
    public var document: String
    public init(service: String, document: String) {
      self.service = service
      self.document = document
    }
    public var name: String { "\(service)/\(document)" }
    public static func < (lhs: DocumentRef, rhs: DocumentRef) -> Bool { lhs.name < rhs.name }
  }

  package func directory(_ ref: DocumentRef) -> String {
    "\(path)/\(StoreNames.documentPath(service: ref.service, document: ref.document))"
  }

  /// Every document in the store, sorted by name.
  public func documents() -> [DocumentRef] {
    let root = "\(path)/documents"
    var refs: [DocumentRef] = []
    let manager = FileManager.default
    for service in (try? manager.contentsOfDirectory(atPath: root)) ?? [] {
      for document in (try? manager.contentsOfDirectory(atPath: "\(root)/\(service)")) ?? [] {
        let file = "\(root)/\(service)/\(document)/document.json"
        if let bytes = FileIO.read(file), let ref = try? StoreJSON.decoder.decode(DocumentRef.self, from: Data(bytes)) {
          refs.append(ref)
        }
      }
    }
    return refs.sorted()
  }

  package func ensureDocument(_ ref: DocumentRef) throws(StoreIOError) {
    let file = "\(directory(ref))/document.json"
    guard !FileIO.exists(file) else { return }
    let bytes = StoreJSON.pretty(ref)
    try FileIO.writeAtomically(bytes, to: file)
  }

  // MARK: Timeline and events

  /// Every readable fetch attempt of a document, in file order. A line that does not parse is skipped and named
  /// through the warning handler (`fsck` says how to recover it).
  public func timeline(_ ref: DocumentRef) -> [TimelineEntry] {
    let file = "\(directory(ref))/timeline.jsonl"
    guard let bytes = FileIO.read(file) else { return [] }
    var entries: [TimelineEntry] = []
    for (number, line) in FileIO.numberedLines(bytes) {
      if let entry = try? StoreJSON.decoder.decode(TimelineEntry.self, from: Data(line)) {
        entries.append(entry)
      } else {
        skipped(file: file, line: number, bytes: line, what: "timeline entry")
      }
    }
    return entries
  }

  package func lastTimelineEntry(_ ref: DocumentRef) -> TimelineEntry? {
    let file = "\(directory(ref))/timeline.jsonl"
    guard let line = FileIO.lastLine(file) else { return nil }
    guard let entry = try? StoreJSON.decoder.decode(TimelineEntry.self, from: Data(line)) else {
      skipped(file: file, line: FileIO.lineCount(file), bytes: line[...], what: "timeline entry")
      return nil
    }
    return entry
  }

  /// The time of the last complete timeline line (only that field is read when the line is well-formed).
  func lastTimelineTime(_ ref: DocumentRef) -> Date? {
    let file = "\(directory(ref))/timeline.jsonl"
    guard let line = FileIO.lastLine(file) else { return nil }
    if let time = StoreJSONReader.timelineTime(line) { return time }
    if let entry = try? StoreJSON.decoder.decode(TimelineEntry.self, from: Data(line)) { return entry.time }
    skipped(file: file, line: FileIO.lineCount(file), bytes: line[...], what: "timeline entry")
    return nil
  }

  /// Says (once) that a reader skipped line `line` of `file`, and why.
  func skipped(file: String, line: Int, bytes: ArraySlice<UInt8>, what: String) {
    warn(
      key: "\(file):\(line)",
      "\(file):\(line): not a valid \(what) (\(StoreDamage.describe(bytes))); this line is skipped — "
        + "`policywatch fsck` says how to recover it")
  }

  /// Passes a warning to the handler, once per `key`.
  public func warn(key: String, _ message: String) {
    guard let warningHandler else { return }
    let first = warnedLock.withLock { warned.insert(key).inserted }
    if first { warningHandler(message) }
  }

  package func appendTimeline(_ entries: [TimelineEntry], for ref: DocumentRef) throws(StoreIOError) {
    try FileIO.appendLines(entries.map(StoreJSON.line), to: "\(directory(ref))/timeline.jsonl")
  }

  /// Every event of a document, in time order, each with the address its attempt fetched (`url`, `pageURLs`).
  public func events(_ ref: DocumentRef) -> [StoreEvent] { events(ref, timeline: timeline(ref)) }

  /// The events of a document whose timeline the caller has read already (`timeline(ref)`).
  public func events(_ ref: DocumentRef, timeline entries: [TimelineEntry]) -> [StoreEvent] {
    var lastURLs: [String] = []
    var events: [StoreEvent] = []
    var latestPages: [String: String]?
    for entry in entries {
      // A technical re-extraction fetches nothing (its url is empty): the address is the one before it.
      let urls = entry.url.split(separator: " ").map(String.init)
      if !urls.isEmpty { lastURLs = urls }
      for var event in entry.events ?? [] {
        if event.url == nil, let first = lastURLs.first {
          event.url = first
          if lastURLs.count > 1 {
            if latestPages == nil { latestPages = state(ref).pages.mapValues(\.url) }
            event.pageURLs = Self.pageURLs(lastURLs, ids: entry.pages.map { Set($0.keys) }, known: latestPages ?? [:])
          }
        }
        events.append(event)
      }
    }
    return events
  }

  /// The URLs of a `combine` document's pages by id: an id is derived from its URL (`PageDeclaration.sourceID`)
  /// unless the declaration named it, then the state's page of that URL says it.
  static func pageURLs(_ urls: [String], ids: Set<String>?, known: [String: String]) -> [String: String] {
    var result: [String: String] = [:]
    for url in urls {
      if let id = known.first(where: { $0.value == url })?.key {
        result[id] = url
      } else {
        let derived = PageDeclaration.sourceID(for: url)
        if ids?.contains(derived) ?? true { result[derived] = url }
      }
    }
    return result
  }

  /// `events` with their document's address filled in where it is missing, from the store's state (the URLs of
  /// the latest attempt): for events a run just recorded.
  public func addressed(_ events: [StoreEvent]) -> [StoreEvent] {
    var pages: [DocumentRef: [String: String]] = [:]
    return events.map { event in
      guard event.url == nil else { return event }
      let ref = DocumentRef(service: event.service, document: event.document)
      if pages[ref] == nil { pages[ref] = state(ref).pages.mapValues(\.url) }
      let urls = pages[ref] ?? [:]
      var addressed = event
      if urls.count == 1 {
        addressed.url = urls.values.first
      } else if !urls.isEmpty {
        addressed.url = urls.sorted { $0.key < $1.key }.first?.value
        addressed.pageURLs = urls
      }
      return addressed
    }
  }

  /// Every event of every document (optionally only those matching `filter`), in time order.
  public func allEvents(matching filter: (DocumentRef) -> Bool = { _ in true }) -> [StoreEvent] {
    documents().filter(filter).flatMap(events).sorted { ($0.firstSeen, $0.id) < ($1.firstSeen, $1.id) }
  }

  // MARK: Versions and objects

  /// The stored version `id` of a document.
  /// - Parameters:
  ///   - id: a version id.
  ///   - ref: the document.
  /// - Returns: the record, or nil when it is not stored or cannot be read.
  public func version(_ id: String, of ref: DocumentRef) -> VersionRecord? {
    guard let bytes = FileIO.read("\(directory(ref))/versions/\(id).json") else { return nil }
    return VersionRecord.fromStoreJSON(bytes)
  }

  /// The ids of every stored version of a document.
  public func versionIDs(of ref: DocumentRef) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(directory(ref))/versions")) ?? []
    return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }
  }

  package func writeVersion(_ record: VersionRecord, for ref: DocumentRef) throws(StoreIOError) {
    let file = "\(directory(ref))/versions/\(record.id).json"
    // A file already there is kept, unless it is damaged (cut short…): then this record, of the same text, heals it.
    guard !FileIO.exists(file) || versionFileState(record.id, of: ref) != .valid else { return }
    try FileIO.writeAtomically(record.storeJSON(), to: file)
  }

  /// Whether the raw snapshot `hash` is stored, without reading it.
  public func hasObject(_ hash: String, of ref: DocumentRef) -> Bool {
    hash.allSatisfy(\.isHexDigit) && FileIO.exists("\(directory(ref))/objects/\(hash)")
  }

  /// The raw snapshot `hash` as fetched (objects are stored zstd-compressed; stores written before that keep gzip
  /// or plain files, read as they are). Nil when absent or unreadable.
  public func object(_ hash: String, of ref: DocumentRef) -> [UInt8]? {
    guard hash.allSatisfy(\.isHexDigit), let stored = FileIO.read("\(directory(ref))/objects/\(hash)") else {
      return nil
    }
    // A body fetched as compressed bytes and stored plain by an older store also starts with a magic number: the
    // hash tells which reading is the snapshot.
    let compressed = Zstd.isZstd(stored) || Gzip.isGzip(stored)
    if compressed, let unpacked = Zstd.isZstd(stored) ? Zstd.decompress(stored) : Gzip.decompress(stored),
      SHA256.hex(unpacked) == hash
    {
      return unpacked
    }
    return compressed && SHA256.hex(stored) != hash ? nil : stored
  }

  /// Stores a raw snapshot under the SHA-256 of its bytes as fetched, zstd-compressed. `hash`, when the caller
  /// has it already (the recorder hashes every fetched body once), must be `SHA256.hex(bytes)`.
  @discardableResult
  package func putObject(_ bytes: [UInt8], hash known: String? = nil, for ref: DocumentRef) throws(StoreIOError)
    -> String
  {
    let hash = known ?? SHA256.hex(bytes)
    let file = "\(directory(ref))/objects/\(hash)"
    if !FileIO.exists(file) { try FileIO.writeAtomically(Zstd.compress(bytes) ?? bytes, to: file) }
    return hash
  }

  package func removeObject(_ hash: String, of ref: DocumentRef) {
    guard hash.allSatisfy(\.isHexDigit) else { return }
    try? FileManager.default.removeItem(atPath: "\(directory(ref))/objects/\(hash)")
  }

  // MARK: State

  /// The document's state, brought up to date with its timeline (after a crash `state.json` may lag behind).
  public func state(_ ref: DocumentRef) -> DocumentState {
    let file = "\(directory(ref))/state.json"
    var state =
      FileIO.read(file).flatMap(DocumentState.fromStoreJSON)
      ?? DocumentState(service: ref.service, document: ref.document)
    // Only when the timeline's last line (of which only the time is read) is newer than the state (a crash between
    // the two writes, or a torn `state.json`) is the whole timeline read again.
    if let time = lastTimelineTime(ref), state.lastAttempt.map({ time > $0 }) ?? true {
      let lagging = timeline(ref).filter { entry in state.lastAttempt.map { entry.time > $0 } ?? true }
      for entry in lagging { state.apply(entry) }
    }
    return state
  }

  package func writeState(_ state: DocumentState, for ref: DocumentRef) throws(StoreIOError) {
    // A cache of the timeline (see `state(_:)`), rewritten in place: a torn one does not parse and `state(_:)`
    // rebuilds it from the timeline; not worth an fsync.
    try FileIO.overwrite(state.storeJSON(), to: "\(directory(ref))/state.json")
  }
}

extension DocumentState {
  /// Folds one timeline entry into the state: the single definition of what the timeline means.
  package mutating func apply(_ entry: TimelineEntry) {
    lastAttempt = entry.time
    for event in entry.events ?? [] {
      switch event.kind {
      case .first, .change, .flap, .technical:
        if let version = event.version {
          current = version
          recent.removeAll { $0 == version }
          recent.append(version)
          if recent.count > 10 { recent.removeFirst(recent.count - 10) }
        }
      case .inaccessible:
        inaccessibleSince = inaccessibleSince ?? event.firstSeen
        inaccessibleReason = event.reason
      case .recovered:
        break
      }
    }
    switch entry.outcome {
    case .recorded, .unchanged, .notModified:
      if entry.version != nil || entry.outcome == .notModified { currentLastSeen = entry.time }
      if entry.outcome != .notModified {
        inaccessibleSince = nil
        inaccessibleReason = nil
      }
    case .inaccessible, .failed:
      inaccessibleSince = inaccessibleSince ?? entry.time
      inaccessibleReason = entry.reason
    }
    if entry.kept == true, let snapshot = entry.snapshot { pinned.insert(snapshot) }
    if entry.kept == true, let pages = entry.pages { pinned.formUnion(pages.values) }
  }
}
