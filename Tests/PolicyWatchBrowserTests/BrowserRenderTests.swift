import Foundation
import PolicyWatch
import PolicyWatchBrowser
import PolicyWatchTestSupport
import Testing

/// The browser driver against pages written for these tests, served on 127.0.0.1.
@Suite(.serialized, .enabled(if: chromiumInstalled, "needs chromium (apt-get install chromium)"))
struct BrowserRenderTests {
  @Test func textInsertedByAScriptAfterADelayIsRendered() async throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let pool = BrowserPool(configuration: testBrowserConfiguration())
    let page = try await pool.render(RenderRequest(url: server.url("/delayed"), waitFor: ["#policy h2"]))
    await pool.shutdown()
    #expect(page.html.contains("We collect the notes you write"))
    #expect(page.status == 200)
    #expect(page.chromiumVersion.hasPrefix("Chrome/") || page.chromiumVersion.hasPrefix("HeadlessChrome/"))
    #expect(!page.selectorsTimedOut && !page.loadTimedOut)
  }

  @Test func aScriptChallengeThatSetsACookieAndReloadsIsPassed() async throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let pool = BrowserPool(configuration: testBrowserConfiguration())
    let page = try await pool.render(RenderRequest(url: server.url("/wall"), waitFor: ["h2"]))
    await pool.shutdown()
    #expect(page.html.contains("How we use it"))
    #expect(!page.html.contains("Just a moment"))
    #expect(page.status == 200)
  }

  @Test func aScriptThatNeverReturnsIsStoppedWithinTheCaps() async throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let pool = BrowserPool(configuration: testBrowserConfiguration())
    let start = ContinuousClock.now
    let page = try await pool.render(RenderRequest(url: server.url("/spin"), waitFor: ["#never-there"]))
    let elapsed = ContinuousClock.now - start
    await pool.shutdown()
    #expect(page.html.contains("We collect the notes you write"))
    #expect(page.selectorsTimedOut)
    // The caps hold: load 4 s + selectors 3 s + one command timeout of 10 s to read the page, plus the browser's
    // start; a page waited for until it finished would never return.
    #expect(elapsed < .seconds(30))
  }

  @Test func aPageThatTriesFileURLsNeverShowsALocalFile() async throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let pool = BrowserPool(configuration: testBrowserConfiguration())
    let result: Result<RenderedPage, BrowserError>
    do {
      result = .success(try await pool.render(RenderRequest(url: server.url("/tofile"), waitFor: ["h2"])))
    } catch {
      result = .failure(error)
    }
    await pool.shutdown()
    switch result {
    case .success(let page):
      // Chromium itself refused to leave http: the page stayed where it was.
      #expect(!page.html.contains("root:x:0:0"))
      #expect(page.finalURL.hasPrefix("http://127.0.0.1"))
    case .failure(let error):
      #expect(error.description.contains("file:///etc/passwd"), "\(error)")
    }
  }

  @Test func aFileURLIsRefusedBeforeTheBrowserStarts() async throws {
    let pool = BrowserPool(configuration: testBrowserConfiguration())
    await #expect(throws: BrowserError.blockedNavigation(url: "file:///etc/passwd")) {
      try await pool.render(RenderRequest(url: "file:///etc/passwd"))
    }
    await pool.shutdown()
  }

  @Test func popUpsAndDownloadsDoNotHappen() async throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let pool = BrowserPool(configuration: testBrowserConfiguration())
    let page = try await pool.render(RenderRequest(url: server.url("/popup"), waitFor: ["h2"]))
    // Nothing was saved in the browser's profile (its home, where downloads would go) while it still exists.
    let saved = downloadedFiles(named: "x.bin")
    let looked = profiles().count
    await pool.shutdown()
    #expect(looked == 1)  // the check above looked in the running browser's profile
    #expect(page.html.contains("How we use it"))
    #expect(saved.isEmpty, "\(saved)")
    #expect(profiles().isEmpty)
  }

  @Test func eachPageHasItsOwnBrowserContext() async throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let pool = BrowserPool(configuration: testBrowserConfiguration())
    // The challenge sets a cookie; a second page in a fresh context must not carry it, so it goes through the
    // challenge again (two more requests to /wall: the 403 and the reload).
    _ = try await pool.render(RenderRequest(url: server.url("/wall"), waitFor: ["h2"]))
    let before = await hits(server, "wall")
    _ = try await pool.render(RenderRequest(url: server.url("/wall"), waitFor: ["h2"]))
    let after = await hits(server, "wall")
    await pool.shutdown()
    #expect(after - before == 2)
  }

  @Test func aBrowserKilledMidRunIsRestartedAndThePageRetriedOnce() async throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let pool = BrowserPool(configuration: testBrowserConfiguration())
    _ = try await pool.render(RenderRequest(url: server.url("/static"), waitFor: ["h2"]))
    // Kill every Chromium this test process started (its children, by their PIDs).
    for pid in childProcesses(named: "chromium") { kill(pid, SIGKILL) }
    let page = try await pool.render(RenderRequest(url: server.url("/delayed"), waitFor: ["#policy h2"]))
    await pool.shutdown()
    #expect(page.html.contains("We collect the notes you write"))
  }

  @Test func manyPagesAtOnceAllRender() async throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let pool = BrowserPool(configuration: testBrowserConfiguration())
    let pages = try await withThrowingTaskGroup(of: (Int, String).self) { group in
      for number in 1...6 {
        group.addTask {
          let page = try await pool.render(RenderRequest(url: server.url("/doc/\(number)"), waitFor: ["#policy h2"]))
          return (number, page.html)
        }
      }
      var pages: [Int: String] = [:]
      for try await (number, html) in group { pages[number] = html }
      return pages
    }
    // Six pages asking at once shared one browser.
    let browsers = childProcesses(named: "chromium").count
    await pool.shutdown()
    #expect(browsers == 1)
    #expect(childProcesses(named: "chromium").isEmpty)
    for number in 1...6 { #expect(pages[number]?.contains("Example Notes \(number) Privacy Policy") == true) }
  }
}

/// PIDs of this process's direct children whose command name starts with `name`.
func childProcesses(named name: String) -> [pid_t] {
  let me = getpid()
  guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
  return entries.compactMap { entry -> pid_t? in
    guard let pid = pid_t(entry),
      let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
      let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
    else { return nil }
    let command = stat[stat.index(after: open)..<close]
    let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
    guard fields.count > 2, let parent = pid_t(fields[1]), parent == me, command.hasPrefix(name) else { return nil }
    return pid
  }
}

/// How many requests the server saw for a route (fetched with PolicyWatch's own fetcher).
func hits(_ server: TestServer, _ route: String) async -> Int {
  let result = await Fetcher().fetch(FetchRequest(url: server.url("/hits/\(route)")))
  guard case .fetched(let response) = result.outcome else { return -1 }
  return Int(String(decoding: response.body, as: UTF8.self)) ?? -1
}

/// The browser profiles this process made (`policywatch-browser-PID-…` in the temporary folder).
func profiles() -> [URL] {
  let folder = FileManager.default.temporaryDirectory
  let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  return names.filter { $0.hasPrefix("policywatch-browser-\(getpid())-") }.map { folder.appendingPathComponent($0) }
}

/// Files named `name` anywhere in this process's browser profiles.
func downloadedFiles(named name: String) -> [String] {
  profiles().flatMap { profile -> [String] in
    let walker = FileManager.default.enumerator(atPath: profile.path)
    var found: [String] = []
    while let path = walker?.nextObject() as? String {
      if path.hasSuffix(name) || path.hasSuffix(name + ".crdownload") { found.append(path) }
    }
    return found
  }
}
