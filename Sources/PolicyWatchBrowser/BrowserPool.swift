import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Renders pages in one headless Chromium, started on first use and reused for the run.
///
/// Each page gets a fresh browser context (no cookies, storage or cache shared with another page), and at most
/// `maxPages` load at once. A browser that crashes or stops answering is killed and started again, and only the
/// pages it held are tried once more. `shutdown()` stops the browser (by its process group's id) and deletes its
/// temporary profile; call it when the run ends.
public actor BrowserPool {
  public let configuration: BrowserConfiguration
  private var instance: BrowserInstance?
  private var launching: Task<Result<BrowserInstance, BrowserError>, Never>?
  /// A page being prepared for the next request, and the browser generation it belongs to.
  private var spare: (generation: Int, task: Task<Result<PreparedPage, BrowserError>, Never>)?
  private var generation = 0
  private var freeSlots: Int
  private var slotWaiters: [CheckedContinuation<Void, Never>] = []

  public init(configuration: BrowserConfiguration = BrowserConfiguration()) {
    self.configuration = configuration
    self.freeSlots = max(1, configuration.maxPages)
  }

  /// The Chromium executable that would be used, or nil when none is installed.
  public nonisolated static func chromiumPath() -> String? { ChromiumProcess.locate() }

  /// The running browser's version ("Chrome/156.0.8078.114"), starting it if needed.
  public func chromiumVersion() async throws(BrowserError) -> String {
    try await running().version
  }

  /// Loads the page, waits as the request says, runs its filters and returns the serialised DOM.
  public func render(_ request: RenderRequest) async throws(BrowserError) -> RenderedPage {
    if case .url(let url) = request.source, !NavigationPolicy.allows(url, mainFrame: true) {
      throw .blockedNavigation(url: url)
    }
    await acquireSlot()
    defer { releaseSlot() }
    var retried = false
    while true {
      let browser = try await running()
      let prepared = await takeSpare(for: browser)
      refillSpare(for: browser)
      do {
        var page = try await PageRender(browser: browser, configuration: configuration, request: request).run(
          prepared: prepared)
        page.retried = retried
        return page
      } catch {
        guard error.isBrowserFailure || browser.connection.isClosed, !retried else { throw error }
        retried = true
        restart(browser)
      }
    }
  }

  /// Stops the browser and deletes its profile. A later `render` starts a new one.
  public func shutdown() {
    spare = nil
    instance?.process.stop()
    instance = nil
  }

  /// The page prepared for `browser` while the last one loaded, if it is ready or on its way.
  private func takeSpare(for browser: BrowserInstance) async -> PreparedPage? {
    guard let spare, spare.generation == browser.generation else { return nil }
    self.spare = nil
    if case .success(let page) = await spare.task.value { return page }
    return nil
  }

  /// Starts preparing the next page (a fresh context with its renderer) while this one loads: starting a
  /// sandboxed renderer is most of a page's time, and it overlaps the load of the page before. One at most.
  private func refillSpare(for browser: BrowserInstance) {
    guard spare == nil else { return }
    let configuration = self.configuration
    let task = Task { () async -> Result<PreparedPage, BrowserError> in
      do throws(BrowserError) {
        return .success(try await PageRender.prepare(browser: browser, configuration: configuration))
      } catch {
        return .failure(error)
      }
    }
    spare = (browser.generation, task)
  }

  /// The running browser, started when there is none (or the last one died).
  private func running() async throws(BrowserError) -> BrowserInstance {
    if let instance, !instance.connection.isClosed { return instance }
    // Pages asking at the same time share one launch (the actor is re-entered while a launch awaits).
    if let launching { return try await launching.value.get() }
    if let instance { instance.process.stop() }
    instance = nil
    generation += 1
    let configuration = self.configuration
    let generation = self.generation
    let task = Task { () async -> Result<BrowserInstance, BrowserError> in
      do throws(BrowserError) {
        return .success(try await BrowserInstance.launch(configuration, generation: generation))
      } catch {
        return .failure(error)
      }
    }
    launching = task
    defer { launching = nil }
    let started = try await task.value.get()
    instance = started
    return started
  }

  /// Kills `browser` if it is still the current one (another page may have restarted it already).
  private func restart(_ browser: BrowserInstance) {
    browser.process.stop()
    if instance?.generation == browser.generation { instance = nil }
  }

  private func acquireSlot() async {
    if freeSlots > 0 {
      freeSlots -= 1
      return
    }
    await withCheckedContinuation { slotWaiters.append($0) }
  }

  private func releaseSlot() {
    if slotWaiters.isEmpty {
      freeSlots += 1
    } else {
      slotWaiters.removeFirst().resume()
    }
  }
}

/// One running browser: its process, its connection, its version.
final class BrowserInstance: Sendable {
  let process: ChromiumProcess
  let connection: CDPConnection
  let version: String
  /// The browser's own `User-Agent`, used when only `Accept-Language` is overridden.
  let defaultUserAgent: String
  let generation: Int

  private init(
    process: ChromiumProcess, connection: CDPConnection, version: String, defaultUserAgent: String, generation: Int
  ) {
    self.process = process
    self.connection = connection
    self.version = version
    self.defaultUserAgent = defaultUserAgent
    self.generation = generation
  }

  static func launch(_ configuration: BrowserConfiguration, generation: Int) async throws(BrowserError)
    -> BrowserInstance
  {
    guard let executable = configuration.executable ?? ChromiumProcess.locate() else { throw .notInstalled }
    // A write to the pipe of a browser that just died must fail with EPIPE, not kill PolicyWatch.
    signal(SIGPIPE, SIG_IGN)
    let launch = try ChromiumProcess.plan(
      isRoot: geteuid() == 0, sandbox: configuration.sandbox, user: configuration.user,
      setpriv: ChromiumProcess.which("setpriv"))
    let process = try ChromiumProcess(executable: executable, launch: launch)
    let connection = CDPConnection(commandFD: process.commandFD, eventFD: process.eventFD)
    // Pop-ups (targets a page opens) are closed as soon as they appear.
    connection.setHandler(session: nil) { [connection] method, params in
      guard method == "Target.targetCreated", let info = params["targetInfo"],
        let id = info["targetId"]?.string, info["openerId"]?.string != nil
      else { return }
      connection.post("Target.closeTarget", ["targetId": .string(id)])
    }
    do {
      let version = try await connection.send("Browser.getVersion", timeout: .seconds(20))
      _ = try await connection.send(
        "Target.setDiscoverTargets", ["discover": true], timeout: configuration.commandTimeout)
      return BrowserInstance(
        process: process, connection: connection, version: version["product"]?.string ?? "Chromium",
        defaultUserAgent: version["userAgent"]?.string ?? "", generation: generation)
    } catch {
      process.stop()
      throw .launchFailed(
        "\(executable) did not answer over --remote-debugging-pipe (\(error)); run it by hand to see why")
    }
  }
}
