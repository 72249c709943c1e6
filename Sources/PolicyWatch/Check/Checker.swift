import Foundation

/// `policywatch check`: fetch every declared document (conditionally, concurrently), record, decide.
public struct Checker: Sendable {
  public let recorder: Recorder
  public let fetcher: Fetcher

  public init(recorder: Recorder, fetcher: Fetcher) {
    self.recorder = recorder
    self.fetcher = fetcher
  }

  public struct DocumentResult: Sendable {
    public var service: String
    public var document: String
    public var outcome: FetchAttemptOutcome
    public var events: [StoreEvent]
    public var reason: String?
  }

  public func check(_ declarations: [DocumentDeclaration], now: @Sendable () -> Date = { Date() }) async
    -> [DocumentResult]
  {
    let store = recorder.store
    var requests: [FetchRequest] = []
    for declaration in declarations {
      let ref = SnapshotStore.DocumentRef(service: declaration.service, document: declaration.documentType)
      let state = store.state(ref)
      for page in declaration.pages {
        let pageState = state.pages[page.id]
        // Validators are only worth sending when the bytes they vouch for are still in the store.
        let usable = pageState?.latestSnapshot.map { store.hasObject($0, of: ref) } == true && state.current != nil
        let validators =
          usable && pageState?.url == page.fetch
          ? Validators(etag: pageState?.etag, lastModified: pageState?.lastModified) : Validators()
        requests.append(FetchRequest(id: Checker.requestID(declaration, page), url: page.fetch, validators: validators))
      }
    }
    let fetched = await fetcher.fetch(requests)
    var byID: [String: FetchResult] = [:]
    for result in fetched { byID[result.request.id] = result }
    var results: [DocumentResult] = []
    for declaration in declarations {
      let pages = declaration.pages.map { page -> PageFetch in
        guard let result = byID[Checker.requestID(declaration, page)] else {
          return PageFetch(id: page.id, url: page.fetch, error: "not fetched")
        }
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
      do {
        let result = try recorder.record(Observation(time: now(), declaration: declaration, pages: pages))
        results.append(
          DocumentResult(
            service: declaration.service, document: declaration.documentType, outcome: result.outcome,
            events: result.events, reason: result.reason))
      } catch {
        results.append(
          DocumentResult(
            service: declaration.service, document: declaration.documentType, outcome: .failed, events: [],
            reason: "could not write to the store: \(error)"))
      }
    }
    return results
  }

  static func requestID(_ declaration: DocumentDeclaration, _ page: PageDeclaration) -> String {
    "\(declaration.service)/\(declaration.documentType)#\(page.id)"
  }
}
