import Foundation
import PolicyWatchDeclarations
import PolicyWatchExtract
import PolicyWatchStore
import PolicyWatchSupport

/// Ingests a folder of historical snapshots as if they had been fetched at their times.
///
/// Layout (that of `../shared/corpus/ota-genai-eu/*` once unpacked, and of `linkedin-privacy`):
/// `DIR/declaration.json` and `DIR/snapshots/<YYYY-MM-DDTHH-MM-SSZ>[#<page id>].html`. Each snapshot is extracted with
/// the rules in force at its time. Snapshots at or before the document's last recorded attempt are skipped, so
/// replaying the same folder twice adds nothing the second time.
public struct Replayer: Sendable {
  public let recorder: Recorder

  /// Replays through `recorder`, without storing noise snapshots (`Recorder.keepsLatestSnapshots` off: history
  /// gets no conditional requests).
  public init(recorder: Recorder) {
    var recorder = recorder
    recorder.keepsLatestSnapshots = false
    self.recorder = recorder
  }

  /// A replay folder that cannot be replayed, and why.
  public struct ReplayError: Error, CustomStringConvertible {
    public var directory: String
    public var message: String
    public var description: String { "\(directory): \(message)" }
  }

  /// What the replay of one folder recorded.
  public struct Summary: Sendable {
    public var service: String
    public var document: String
    public var snapshots = 0
    public var skipped = 0
    public var events: [StoreEvent] = []
    public var warnings: [String] = []
  }

  /// Replays several folders, documents in parallel (one per core): each document has its own files in the
  /// store, and folders of the same document are replayed one after the other, in the order given. `completed`
  /// is called for each folder in the order of `directories` (a folder's result waits for those before it), on
  /// one thread at a time.
  public func replay(directories: [String], completed: (Int, Result<Summary, any Error>) -> Void) {
    // Group the folders by document (a folder whose declaration cannot be read is a group of its own: its error
    // is reported when it is replayed).
    var groups: [[Int]] = []
    var groupOf: [String: Int] = [:]
    var loaded = [ReplayDeclaration?](repeating: nil, count: directories.count)
    for (index, directory) in directories.enumerated() {
      if let declaration = try? DeclarationLoader.loadReplayDeclaration(at: "\(directory)/declaration.json") {
        loaded[index] = declaration
        let key = SnapshotStore.DocumentRef(service: declaration.service, document: declaration.document).name
        if let group = groupOf[key] {
          groups[group].append(index)
          continue
        }
        groupOf[key] = groups.count
      }
      groups.append([index])
    }
    let frozenGroups = groups
    let declarations = loaded
    withoutActuallyEscaping(completed) { completed in
      let collector = OrderedResults(count: directories.count, completed: completed)
      DispatchQueue.concurrentPerform(iterations: frozenGroups.count) { group in
        for index in frozenGroups[group] {
          collector.add(
            index, Result { try replay(directory: directories[index], declaration: declarations[index]) })
        }
      }
    }
  }

  /// Records the history of one replay folder (`declaration.json` and `snapshots/`) into the store, oldest first.
  /// - Parameters:
  ///   - directory: the replay folder.
  ///   - progress: called after each snapshot is recorded.
  /// - Returns: what was recorded.
  /// - Throws: `ReplayError` when the folder or its declaration cannot be read; store errors as `StoreIOError`.
  public func replay(directory: String, progress: ((RecordResult) -> Void)? = nil) throws -> Summary {
    try replay(directory: directory, declaration: nil, progress: progress)
  }

  /// `declaration`: the folder's declaration when already loaded.
  func replay(
    directory: String, declaration loaded: ReplayDeclaration?, progress: ((RecordResult) -> Void)? = nil
  ) throws -> Summary {
    let declaration: ReplayDeclaration
    if let loaded {
      declaration = loaded
    } else {
      do {
        declaration = try DeclarationLoader.loadReplayDeclaration(at: "\(directory)/declaration.json")
      } catch {
        throw ReplayError(directory: directory, message: error.description)
      }
    }
    var summary = Summary(service: declaration.service, document: declaration.document)
    summary.warnings = declaration.warnings.map(\.description)
    let folder = "\(directory)/snapshots"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
      throw ReplayError(directory: directory, message: "no snapshots/ folder")
    }
    // Group the files by time: one group is one attempt (every page of a combine document fetched then).
    var groups: [(time: Date, files: [(page: String?, path: String)])] = []
    for name in names.sorted() where !name.hasPrefix(".") {
      let stem = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
      let parts = stem.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      guard let first = parts.first, let time = Replayer.parseStamp(first) else {
        summary.warnings.append("\(name): not a snapshot name (<YYYY-MM-DDTHH-MM-SSZ>[#page].html), skipped")
        continue
      }
      let file = (page: parts.count > 1 ? parts[1] : nil, path: "\(folder)/\(name)")
      if let last = groups.last, last.time == time {
        groups[groups.count - 1].files.append(file)
      } else {
        groups.append((time, [file]))
      }
    }
    let ref = SnapshotStore.DocumentRef(service: declaration.service, document: declaration.document)
    let lastAttempt = recorder.store.state(ref).lastAttempt
    // The latest file of every page, so each attempt of a combine document sees all its pages. Files are read
    // only when recorded: a second replay of the same folder reads none.
    var latest: [String: String] = [:]
    var attempts: [(time: Date, rules: DocumentDeclaration, paths: [(page: PageDeclaration, path: String?)])] = []
    for group in groups {
      let pageIDs = Set(group.files.compactMap(\.page))
      let rules = declaration.declaration(at: group.time, pageIDs: pageIDs)
      for file in group.files {
        let id = file.page ?? rules.pages.first?.id ?? "page"
        latest[id] = file.path
      }
      if let lastAttempt, group.time <= lastAttempt {
        summary.skipped += 1
        continue
      }
      // Wait until every page of the document has been seen once.
      let missing = rules.pages.filter { latest[$0.id] == nil && !(rules.pages.count == 1 && !latest.isEmpty) }
      if !missing.isEmpty {
        summary.skipped += 1
        continue
      }
      attempts.append(
        (
          group.time, rules,
          rules.pages.map { page in (page, latest[page.id] ?? (rules.pages.count == 1 ? latest.values.first : nil)) }
        ))
    }
    // Every attempt's files, for the recorder to read again (a streak of pages its old rules could not read, once
    // new rules can).
    var filesByTime: [Date: [(id: String, url: String, path: String?)]] = [:]
    for attempt in attempts {
      filesByTime[attempt.time] = attempt.paths.map { ($0.page.id, $0.page.fetch, $0.path) }
    }
    let files = filesByTime
    let earlierPages: @Sendable (Date) -> [PageFetch]? = { time in
      guard let pages = files[time] else { return nil }
      var fetched: [PageFetch] = []
      for page in pages {
        guard let path = page.path, let bytes = FileIO.read(path) else { return nil }
        fetched.append(PageFetch(id: page.id, url: page.url, status: 200, bytes: bytes))
      }
      return fetched
    }
    // The pages of the last attempt that showed the document (re-extracted when the rules change).
    var lastGood: [PageFetch]? = nil
    // Snapshots are read and extracted a batch at a time on every core, then recorded in time order (recording
    // decides from the previous attempt, so it stays sequential). Memory: one batch of pages per document being
    // replayed (documents run one per core).
    let batchSize = 2 * max(1, ProcessInfo.processInfo.activeProcessorCount)
    var start = 0
    while start < attempts.count {
      let batch = Array(attempts[start..<min(start + batchSize, attempts.count)])
      start += batch.count
      let prepared = PreparedAttempts(count: batch.count)
      DispatchQueue.concurrentPerform(iterations: batch.count) { index in
        let attempt = batch[index]
        let pages = attempt.paths.map { page, path -> PageFetch in
          guard let path, let bytes = FileIO.read(path) else {
            return PageFetch(
              id: page.id, url: page.fetch, error: "snapshot \(path ?? page.id) could not be read")
          }
          return PageFetch(id: page.id, url: page.fetch, status: 200, bytes: bytes)
        }
        var extraction: Result<ExtractedDocument, DocumentExtractionError>? = nil
        if pages.allSatisfy({ $0.bytes != nil }) {
          var raw: [String: RawPage] = [:]
          for page in pages { raw[page.id] = RawPage(id: page.id, bytes: page.bytes ?? []) }
          extraction = Result { () throws(DocumentExtractionError) in
            try DocumentExtractor.extract(attempt.rules, pages: raw, identifyLanguage: false)
          }
        }
        prepared.set(
          index, Observation(time: attempt.time, declaration: attempt.rules, pages: pages, extraction: extraction))
      }
      for var observation in prepared.observations {
        observation.lastGoodPages = lastGood
        observation.earlierPages = earlierPages
        let result = try recorder.record(observation)
        if result.outcome == .recorded || result.outcome == .unchanged { lastGood = observation.pages }
        summary.snapshots += 1
        summary.events += result.events
        progress?(result)
      }
    }
    return summary
  }

  /// `2024-09-19T06-10-13Z` → a date.
  static func parseStamp(_ stamp: String) -> Date? {
    let parts = stamp.split(separator: "T")
    guard parts.count == 2 else { return nil }
    let time = parts[1].replacingOccurrences(of: "-", with: ":")
    return StoreJSON.parse("\(parts[0])T\(time)")
  }
}

/// Hands results to `completed` in index order, one call at a time, whatever order they arrive in.
private final class OrderedResults: @unchecked Sendable {
  private let lock = NSLock()
  private var waiting: [Int: Result<Replayer.Summary, any Error>] = [:]
  private var next = 0
  private let completed: (Int, Result<Replayer.Summary, any Error>) -> Void

  init(count: Int, completed: @escaping (Int, Result<Replayer.Summary, any Error>) -> Void) {
    self.completed = completed
  }

  func add(_ index: Int, _ result: Result<Replayer.Summary, any Error>) {
    lock.withLock {
      waiting[index] = result
      while let ready = waiting.removeValue(forKey: next) {
        completed(next, ready)
        next += 1
      }
    }
  }
}

/// Observations prepared concurrently, one slot each.
private final class PreparedAttempts: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [Observation?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ observation: Observation) { lock.withLock { slots[index] = observation } }

  var observations: [Observation] { lock.withLock { slots.compactMap { $0 } } }
}
