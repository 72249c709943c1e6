import Foundation
import PolicyWatchDeclarations
import PolicyWatchFetch
import PolicyWatchStore
import PolicyWatchSupport

/// `policywatch check`: fetch every declared document (conditionally, concurrently), record, decide.
///
/// Fetching and recording overlap: results stream out of the fetcher as transfers finish, a document is recorded
/// as soon as all its pages are in, and up to `recordingWidth` documents are recorded at once (each document has
/// its own files in the store, so they never touch the same file). Bodies are dropped once recorded, so memory is
/// bounded by the transfers in flight, the fetch window and the pages of `combine` documents waiting for their
/// siblings (requested one after the other, so few), not by the number of documents.
public struct Checker: Sendable {
  public let recorder: Recorder
  public let fetcher: Fetcher
  /// How many documents are recorded (extracted, compared, written) at once; default: three per core, as recording
  /// also waits for fsync (five flushes per recorded change) and a core should always have a document to work on.
  /// Measured on 2 cores, 1,000 documents all changed, alternating solo runs: 4 threads 8.2–10.0 s, 6 threads
  /// 8.0–8.7 s, 8 threads no better than 6. Each runs on a thread of its own, not on Swift's cooperative pool
  /// (whose threads must not block).
  public var recordingWidth = 3 * max(1, ProcessInfo.processInfo.activeProcessorCount)
  /// Pages that need a browser (see `BrowserDecision`, `CheckerBrowser.swift`); nil: every page as fetched.
  public var browser: BrowserSupport?

  public init(recorder: Recorder, fetcher: Fetcher) {
    self.recorder = recorder
    self.fetcher = fetcher
  }

  /// What a check did with one document: the fetch outcome, the events it caused, why it failed if it did.
  public struct DocumentResult: Sendable {
    public var service: String
    public var document: String
    public var outcome: FetchAttemptOutcome
    public var events: [StoreEvent]
    public var reason: String?
    /// The fetch could not be recorded: the store could not be written (a full disk, a read-only file system…).
    /// A local error, not a problem of the site: nothing of this attempt is in the store, the next run tries again.
    public var storeError: StoreIOError?

    public init(
      service: String, document: String, outcome: FetchAttemptOutcome, events: [StoreEvent], reason: String?,
      storeError: StoreIOError? = nil
    ) {
      self.service = service
      self.document = document
      self.outcome = outcome
      self.events = events
      self.reason = reason
      self.storeError = storeError
    }
  }

  /// Checks every declaration; the results are in the order of `declarations`.
  public func check(_ declarations: [DocumentDeclaration], now: @escaping @Sendable () -> Date = { Date() }) async
    -> [DocumentResult]
  {
    let store = recorder.store
    var requests: [FetchRequest] = []
    /// Request id → (declaration index, page id); ids carry the index, so two declarations never collide.
    var owners: [String: (index: Int, page: String)] = [:]
    for (index, declaration) in declarations.enumerated() {
      let ref = SnapshotStore.DocumentRef(service: declaration.service, document: declaration.documentType)
      let state = store.state(ref)
      for page in declaration.pages {
        let pageState = state.pages[page.id]
        // Validators are only worth sending when the bytes they vouch for are still in the store.
        let usable = pageState?.latestSnapshot.map { store.hasObject($0, of: ref) } == true && state.current != nil
        let validators =
          usable && pageState?.url == page.fetch
          ? Validators(etag: pageState?.etag, lastModified: pageState?.lastModified) : Validators()
        let id = "\(index) \(declaration.service)/\(declaration.documentType)#\(page.id)"
        owners[id] = (index, page.id)
        requests.append(FetchRequest(id: id, url: page.fetch, validators: validators))
      }
    }
    let stream = fetcher.stream(requests, window: fetcher.configuration.maxConcurrent + 2 * recordingWidth + 4)
    var results = [DocumentResult?](repeating: nil, count: declarations.count)
    var arrived: [Int: [String: FetchResult]] = [:]
    let width = recordingWidth
    let recorder = self.recorder
    let checker = self
    await withTaskGroup(of: (Int, DocumentResult).self) { group in
      var running = 0
      var recording: [Int: String] = [:]
      for await result in stream.results {
        guard let owner = owners[result.request.id] else {
          stream.release()
          continue
        }
        arrived[owner.index, default: [:]][owner.page] = result
        let declaration = declarations[owner.index]
        guard let pages = arrived[owner.index], pages.count == declaration.pages.count else {
          // A page of a `combine` document: kept until its siblings arrive; its credit goes back at once so
          // that the siblings can come (pages of one document are requested one after the other).
          stream.release()
          continue
        }
        arrived[owner.index] = nil
        // Wait for a free slot, and never record two declarations of the same document at once.
        let name = "\(declaration.service)/\(declaration.documentType)"
        while running >= width || recording.values.contains(name), let (index, done) = await group.next() {
          results[index] = done
          recording[index] = nil
          running -= 1
        }
        running += 1
        let index = owner.index
        recording[index] = name
        group.addTask {
          let rendered = await checker.rendered(declaration, pages: pages)
          let done = await withCheckedContinuation { continuation in
            let thread = Thread {
              continuation.resume(
                returning: Checker.record(
                  declaration, pages: pages, rendered: rendered, recorder: recorder, time: now()))
            }
            thread.name = "policywatch-record"
            thread.start()
          }
          stream.release()
          return (index, done)
        }
      }
      for await (index, done) in group { results[index] = done }
    }
    return declarations.enumerated().map { index, declaration in
      results[index]
        ?? DocumentResult(
          service: declaration.service, document: declaration.documentType, outcome: .failed, events: [],
          reason: "not fetched")
    }
  }

  /// A fetch result as the recorder takes it.
  static func pageFetch(_ page: PageDeclaration, _ result: FetchResult) -> PageFetch {
    switch result.outcome {
    case .fetched(let response):
      return PageFetch(
        id: page.id, url: page.fetch, status: response.status, validators: response.validators,
        httpCharset: response.declaredCharset, bytes: response.body)
    case .notModified(let response):
      return PageFetch(id: page.id, url: page.fetch, status: 304, validators: response.validators)
    case .failed(let error, let response):
      return PageFetch(id: page.id, url: page.fetch, status: response?.status, error: error.description)
    }
  }

  static func record(
    _ declaration: DocumentDeclaration, pages fetched: [String: FetchResult], rendered: [String: PageFetch] = [:],
    recorder: Recorder, time: Date
  ) -> DocumentResult {
    let pages = declaration.pages.map { page -> PageFetch in
      if let page = rendered[page.id] { return page }
      guard let result = fetched[page.id] else {
        return PageFetch(id: page.id, url: page.fetch, error: "not fetched")
      }
      return pageFetch(page, result)
    }
    do {
      let result = try recorder.record(Observation(time: time, declaration: declaration, pages: pages))
      // Each event names the document's address: its page, or every page of a `combine` document.
      let events = result.events.map { event in
        var addressed = event
        addressed.url = addressed.url ?? declaration.pages.first?.fetch
        if declaration.pages.count > 1, addressed.pageURLs == nil {
          addressed.pageURLs = Dictionary(
            declaration.pages.map { ($0.id, $0.fetch) }, uniquingKeysWith: { first, _ in first })
        }
        return addressed
      }
      return DocumentResult(
        service: declaration.service, document: declaration.documentType, outcome: result.outcome,
        events: events, reason: result.reason)
    } catch {
      return DocumentResult(
        service: declaration.service, document: declaration.documentType, outcome: .failed, events: [],
        reason: "the store could not be written: \(error)", storeError: error)
    }
  }
}
