import Foundation

/// What the events of one page said so far (written by the reader thread, read by the render).
final class PageEvents: @unchecked Sendable {
  private let lock = NSLock()
  private var _loads = 0
  private var _loading = false
  private var _lastActivity = ContinuousClock.now
  private var _status: Int?
  private var _documentURL: String?
  private var _blocked: String?
  private var _closed: String?

  var loads: Int { lock.withLock { _loads } }
  var loading: Bool { lock.withLock { _loading } }
  var lastActivity: ContinuousClock.Instant { lock.withLock { _lastActivity } }
  var status: Int? { lock.withLock { _status } }
  var documentURL: String? { lock.withLock { _documentURL } }
  var blocked: String? { lock.withLock { _blocked } }
  var closed: String? { lock.withLock { _closed } }

  func loadFired() { lock.withLock { _loads += 1 } }
  func setLoading(_ loading: Bool) {
    lock.withLock {
      _loading = loading
      _lastActivity = .now
    }
  }
  func document(status: Int, url: String) {
    lock.withLock {
      _status = status
      _documentURL = url
    }
  }
  func block(_ url: String) { lock.withLock { _blocked = _blocked ?? url } }
  func close(_ reason: String) { lock.withLock { _closed = reason } }
}

/// Whether the browser may load a URL: http(s) only, plus the `data:`/`blob:`/`about:` URLs a page makes itself.
enum NavigationPolicy {
  static func allows(_ url: String, mainFrame: Bool) -> Bool {
    let scheme = url.prefix(while: { $0 != ":" }).lowercased()
    if scheme == "http" || scheme == "https" { return true }
    // A page may build its own subresources and frames; the main frame must stay on http(s).
    return !mainFrame && (scheme == "data" || scheme == "blob" || scheme == "about")
  }
}

/// Renders one request in a fresh browser context of `browser`, and disposes of the context whatever happens.
struct PageRender {
  let browser: BrowserInstance
  let configuration: BrowserConfiguration
  let request: RenderRequest

  private var connection: CDPConnection { browser.connection }

  /// Renders the request in `prepared` (or in a page prepared now), and disposes of its context whatever happens.
  func run(prepared: PreparedPage? = nil) async throws(BrowserError) -> RenderedPage {
    let page: PreparedPage
    if let prepared {
      page = prepared
    } else {
      page = try await PageRender.prepare(browser: browser, configuration: configuration)
    }
    do {
      let rendered = try await load(page)
      await page.dispose(timeout: configuration.commandTimeout)
      return rendered
    } catch {
      await page.dispose(timeout: configuration.commandTimeout)
      throw error
    }
  }

  /// A fresh browser context with one blank page, attached, its events routed, downloads denied, requests
  /// intercepted and the user agent set: everything that does not depend on the URL. The pool prepares the next
  /// page while the current one loads (starting a sandboxed renderer takes most of a page's time).
  static func prepare(browser: BrowserInstance, configuration: BrowserConfiguration) async throws(BrowserError)
    -> PreparedPage
  {
    let connection = browser.connection
    let timeout = configuration.commandTimeout
    let context = try await connection.send("Target.createBrowserContext", ["disposeOnDetach": true], timeout: timeout)
    guard let contextID = context["browserContextId"]?.string else {
      throw .protocolFailure("Target.createBrowserContext gave no browserContextId")
    }
    let page = PreparedPage(browser: browser, contextID: contextID)
    do {
      try await page.open(configuration: configuration)
      return page
    } catch {
      await page.dispose(timeout: timeout)
      throw error
    }
  }

  private func load(_ prepared: PreparedPage) async throws(BrowserError) -> RenderedPage {
    let timeout = configuration.commandTimeout
    let sessionID = prepared.sessionID
    let targetID = prepared.targetID
    let events = prepared.events
    func send(_ method: String, _ params: CDPValue = .object([:])) async throws(BrowserError) -> CDPValue {
      try await connection.send(method, params, session: sessionID, timeout: timeout)
    }
    var loadTimedOut = false
    var selectorsTimedOut = false
    switch request.source {
    case .url(let url):
      guard NavigationPolicy.allows(url, mainFrame: true) else { throw .blockedNavigation(url: url) }
      // No answer to a navigation means a server that never answers, not a hung browser: no restart for it.
      let navigation: CDPValue
      switch await connection.result(
        "Page.navigate", ["url": .string(url)], session: sessionID, timeout: configuration.loadTimeout)
      {
      case .success(let answer): navigation = answer
      case .failure(.timedOut):
        throw .navigationFailed(url: url, reason: "no answer within \(configuration.loadTimeout)")
      case .failure(let error): throw error
      }
      if let error = navigation["errorText"]?.string {
        if let blocked = events.blocked { throw .blockedNavigation(url: blocked) }
        throw .navigationFailed(url: url, reason: error)
      }
      loadTimedOut = !(try await waitForLoad(events, deadline: .now + configuration.loadTimeout))
      if loadTimedOut {
        // A page that never finishes (a script that never returns, a resource that never ends) is kept as it is.
        connection.post("Runtime.terminateExecution", session: sessionID)
        _ = try? await send("Emulation.setScriptExecutionDisabled", ["value": true])
        _ = try? await send("Page.stopLoading")
      } else {
        selectorsTimedOut =
          !(try await waitForSelectors(
            events, session: sessionID, deadline: .now + configuration.selectorTimeout))
      }
    case .html(let html, _):
      _ = try await send("Emulation.setScriptExecutionDisabled", ["value": true])
      _ = try await send("Page.setDocumentContent", ["frameId": .string(targetID), "html": .string(html)])
    }
    if let blocked = events.blocked { throw .blockedNavigation(url: blocked) }
    if let closed = events.closed { throw .crashed(closed) }

    if let filters = request.filters {
      _ = try await send("Emulation.setScriptExecutionDisabled", ["value": true])
      try await runFilters(filters, session: sessionID)
    }
    if selectorsTimedOut {
      // Perhaps a script that never returns: stopped, so that the page can be read as it is.
      connection.post("Runtime.terminateExecution", session: sessionID)
      _ = try? await send("Emulation.setScriptExecutionDisabled", ["value": true])
    }
    let serialised = try await evaluate(
      """
      (() => {
        const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) + "\\n" : "";
        return {html: doctype + document.documentElement.outerHTML, url: location.href};
      })()
      """, session: sessionID, timeout: timeout)
    guard let html = serialised["html"]?.string else { throw .protocolFailure("the page's DOM could not be read") }
    let finalURL = serialised["url"]?.string ?? request.url
    if case .url = request.source, !NavigationPolicy.allows(finalURL, mainFrame: true) {
      throw .blockedNavigation(url: finalURL)
    }
    return RenderedPage(
      requestedURL: request.url, finalURL: finalURL, status: events.status, html: html,
      chromiumVersion: browser.version, loadTimedOut: loadTimedOut, selectorsTimedOut: selectorsTimedOut,
      retried: false)
  }

  /// Waits for the first `load` event; false when the deadline passed first.
  private func waitForLoad(_ events: PageEvents, deadline: ContinuousClock.Instant) async throws(BrowserError) -> Bool {
    while events.loads == 0 {
      if let closed = events.closed { throw .crashed(closed) }
      if events.blocked != nil { return true }
      if ContinuousClock.now >= deadline { return false }
      try? await Task.sleep(for: .milliseconds(25))
    }
    return true
  }

  /// Waits until every selector matches an element with text (as OTA waits) and the main frame has stopped
  /// loading (a page that reloads itself after a script challenge is read after the reload); with no selectors,
  /// until the frame has been still for 250 ms. False when the deadline passed first.
  private func waitForSelectors(
    _ events: PageEvents, session: String, deadline: ContinuousClock.Instant
  ) async throws(BrowserError) -> Bool {
    let selectors = CDPValue.array(request.waitFor.map(CDPValue.string)).json
    let check = """
      (() => { try { return \(selectors).every(s => { const e = document.querySelector(s);
        return !!e && e.textContent.trim().length > 0; }); } catch (error) { return false; } })()
      """
    while true {
      if let closed = events.closed { throw .crashed(closed) }
      if events.blocked != nil { return true }
      let now = ContinuousClock.now
      if now >= deadline { return false }
      // A page answered with an error status is read only after it has stayed still a while: script challenges
      // answer 403 or 503, set a cookie and reload themselves.
      let settle: Duration = (events.status ?? 200) >= 400 ? .milliseconds(1500) : .milliseconds(250)
      let still =
        !events.loading && (!request.waitFor.isEmpty || now - events.lastActivity >= settle)
        && ((events.status ?? 200) < 400 || now - events.lastActivity >= settle)
      if still {
        if request.waitFor.isEmpty { return true }
        // A page busy in a script answers late or never: the evaluation is bounded by what is left of the wait.
        if let matched = try? await evaluate(check, session: session, timeout: deadline - now), matched.bool == true,
          !events.loading
        {
          return true
        }
      }
      try? await Task.sleep(for: .milliseconds(50))
    }
  }

  private func runFilters(_ filters: FilterProgram, session: String) async throws(BrowserError) {
    let result = try await evaluate(
      FilterScript.expression(filters), session: session, timeout: configuration.selectorTimeout)
    switch result["kind"]?.string {
    case "ok": return
    case "missing": throw .filterMissing(name: result["name"]?.string ?? "?", file: filters.file)
    case "failed":
      throw .filterFailed(name: result["name"]?.string ?? "?", message: result["message"]?.string ?? "unknown error")
    case "load":
      throw .filterFailed(
        name: filters.calls.first?.name ?? "?",
        message: "\(filters.file) could not be loaded: \(result["message"]?.string ?? "unknown error")")
    default: throw .protocolFailure("the filters gave no result")
    }
  }

  /// `Runtime.evaluate` with the value returned; a script still running at the timeout is stopped.
  private func evaluate(_ expression: String, session: String, timeout: Duration) async throws(BrowserError)
    -> CDPValue
  {
    let answer: CDPValue
    do {
      answer = try await connection.send(
        "Runtime.evaluate", ["expression": .string(expression), "returnByValue": true, "awaitPromise": true],
        session: session, timeout: timeout)
    } catch {
      if case .timedOut = error { connection.post("Runtime.terminateExecution", session: session) }
      throw error
    }
    if let exception = answer["exceptionDetails"] {
      throw .protocolFailure(
        "script error: \(exception["exception"]?["description"]?.string ?? exception["text"]?.string ?? "?")")
    }
    return answer["result"]?["value"] ?? .null
  }
}

/// A browser context with one attached blank page, ready to load a URL (see `PageRender.prepare`). Disposed of
/// once: its context is closed, with the page.
final class PreparedPage: @unchecked Sendable {
  let browser: BrowserInstance
  let contextID: String
  let events = PageEvents()
  private(set) var sessionID = ""
  private(set) var targetID = ""
  private let lock = NSLock()
  private var disposed = false

  init(browser: BrowserInstance, contextID: String) {
    self.browser = browser
    self.contextID = contextID
  }

  func dispose(timeout: Duration) async {
    let first = lock.withLock {
      defer { disposed = true }
      return !disposed
    }
    guard first else { return }
    let connection = browser.connection
    if !sessionID.isEmpty { connection.removeHandler(session: sessionID) }
    guard !connection.isClosed else { return }
    _ = try? await connection.send(
      "Target.disposeBrowserContext", ["browserContextId": .string(contextID)], timeout: timeout)
  }

  func open(configuration: BrowserConfiguration) async throws(BrowserError) {
    let timeout = configuration.commandTimeout
    let connection = browser.connection
    // Independent commands are sent together: each round trip to a busy browser costs tens of milliseconds.
    async let downloads = connection.result(
      "Browser.setDownloadBehavior", ["behavior": "deny", "browserContextId": .string(contextID)], timeout: timeout)
    async let created = connection.result(
      "Target.createTarget", ["url": "about:blank", "browserContextId": .string(contextID)], timeout: timeout)
    let (denied, opened) = await (downloads, created)
    _ = try denied.get()
    let target = try opened.get()
    guard let targetID = target["targetId"]?.string else {
      throw .protocolFailure("Target.createTarget gave no targetId")
    }
    let attached = try await connection.send(
      "Target.attachToTarget", ["targetId": .string(targetID), "flatten": true], timeout: timeout)
    guard let sessionID = attached["sessionId"]?.string else {
      throw .protocolFailure("Target.attachToTarget gave no sessionId")
    }
    self.sessionID = sessionID
    self.targetID = targetID
    connection.setHandler(session: sessionID) { [connection, events] method, params in
      switch method {
      case "Page.loadEventFired": events.loadFired()
      case "Page.frameStartedLoading" where params["frameId"]?.string == targetID: events.setLoading(true)
      case "Page.frameStoppedLoading" where params["frameId"]?.string == targetID: events.setLoading(false)
      case "Network.responseReceived"
      where params["type"]?.string == "Document" && params["frameId"]?.string == targetID:
        if let status = params["response"]?["status"]?.int {
          events.document(status: status, url: params["response"]?["url"]?.string ?? "")
        }
      case "Fetch.requestPaused":
        guard let id = params["requestId"]?.string else { return }
        let url = params["request"]?["url"]?.string ?? ""
        let mainFrame = params["frameId"]?.string == targetID && params["resourceType"]?.string == "Document"
        if NavigationPolicy.allows(url, mainFrame: mainFrame) {
          connection.post("Fetch.continueRequest", ["requestId": .string(id)], session: sessionID)
        } else {
          if mainFrame { events.block(url) }
          connection.post(
            "Fetch.failRequest", ["requestId": .string(id), "errorReason": "BlockedByClient"], session: sessionID)
        }
      case "Page.javascriptDialogOpening":
        connection.post("Page.handleJavaScriptDialog", ["accept": false], session: sessionID)
      case "Page.windowOpen":
        break  // the pop-up's target is closed by the browser-wide handler
      case "Inspector.targetCrashed": events.close("the page's renderer crashed")
      case "PolicyWatch.closed": events.close(params["reason"]?.string ?? "closed")
      default: break
      }
    }
    var override: [String: CDPValue] = ["userAgent": .string(configuration.userAgent ?? browser.defaultUserAgent)]
    if let language = configuration.acceptLanguage { override["acceptLanguage"] = .string(language) }
    async let page = connection.result("Page.enable", session: sessionID, timeout: timeout)
    async let network = connection.result("Network.enable", session: sessionID, timeout: timeout)
    async let fetch = connection.result(
      "Fetch.enable", ["patterns": [["urlPattern": "*", "requestStage": "Request"]]], session: sessionID,
      timeout: timeout)
    async let agent = connection.result(
      "Network.setUserAgentOverride", .object(override), session: sessionID, timeout: timeout)
    for answer in await [page, network, fetch, agent] { _ = try answer.get() }
  }
}
