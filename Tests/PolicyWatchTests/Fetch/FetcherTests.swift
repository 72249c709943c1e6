import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchFetch
@testable import PolicyWatchSupport
@testable import PolicyWatchText

/// The fetcher against a real HTTP server on 127.0.0.1 (Tests/Servers/http_server.py), one per test.
@Suite("Fetcher")
final class FetcherTests {
  let server: TestServer

  init() throws {
    server = try TestServer(script: "http_server.py")
  }

  deinit { server.stop() }

  /// Short limits so the failure cases finish in about a second each.
  static var quick: FetchConfiguration {
    var configuration = FetchConfiguration()
    configuration.connectTimeout = .seconds(2)
    configuration.totalTimeout = .seconds(8)
    configuration.lowSpeedLimit = 200
    configuration.lowSpeedTime = .seconds(1)
    configuration.maxBodyBytes = 1024 * 1024
    configuration.retryBaseDelay = .milliseconds(50)
    configuration.maxRetryAfter = .seconds(3)
    return configuration
  }

  func fetch(_ path: String, validators: Validators = Validators(), configuration: FetchConfiguration = quick)
    async -> FetchResult
  {
    await Fetcher(configuration: configuration).fetch(FetchRequest(url: server.url(path), validators: validators))
  }

  func counter(_ key: String) async throws -> Int {
    let result = await fetch("/count/\(key)")
    return Int(String(decoding: try #require(result.response).body, as: UTF8.self)) ?? -1
  }

  @Test func pageWithValidators() async throws {
    let result = await fetch("/page/a")
    guard case .fetched(let response) = result.outcome else {
      Issue.record("expected a page, got \(result.outcome)")
      return
    }
    #expect(response.status == 200)
    #expect(String(decoding: response.body, as: UTF8.self).contains("Clause a:"))
    #expect(response.validators.etag != nil)
    #expect(response.validators.lastModified == "Mon, 16 Sep 2024 08:00:00 GMT")
    #expect(response.finalURL == server.url("/page/a"))
    #expect(response.declaredCharset == "utf-8")
    #expect(response.curlVersion.hasPrefix("libcurl/"))
    #expect(response.redirects.isEmpty)
    #expect(result.attempts == 1 && response.attempts == 1)
    #expect(response.timings.total > 0)
  }

  @Test func notModifiedWithTheServersOwnETag() async throws {
    let first = await fetch("/page/b")
    let validators = try #require(first.response).validators
    let second = await fetch("/page/b", validators: validators)
    guard case .notModified(let response) = second.outcome else {
      Issue.record("expected 304, got \(second.outcome)")
      return
    }
    #expect(response.status == 304)
    #expect(second.error == nil)
  }

  @Test func notModifiedWithLastModifiedOnly() async throws {
    let result = await fetch("/page/c", validators: Validators(lastModified: "Mon, 16 Sep 2024 08:00:00 GMT"))
    guard case .notModified = result.outcome else {
      Issue.record("expected 304, got \(result.outcome)")
      return
    }
  }

  @Test func staleETagGetsTheNewPage() async throws {
    let result = await fetch("/page/d", validators: Validators(etag: "\"an-old-one\""))
    guard case .fetched = result.outcome else {
      Issue.record("expected 200, got \(result.outcome)")
      return
    }
  }

  @Test func pageWithoutValidators() async throws {
    let result = await fetch("/plain")
    let response = try #require(result.response)
    #expect(response.status == 200)
    #expect(response.validators.isEmpty)
  }

  @Test func requestHeadersNameTheToolAndAskForCompression() async throws {
    var configuration = Self.quick
    configuration.acceptLanguage = "fr-FR"
    let result = await fetch(
      "/echo", validators: Validators(etag: "\"e1\"\r\nX-Injected: yes", lastModified: "Tue, 17 Sep 2024 00:00:00 GMT"),
      configuration: configuration)
    let echoed = String(decoding: try #require(result.response).body, as: UTF8.self)
    #expect(echoed.contains("User-Agent: PolicyWatch/\(PolicyWatchVersion.string)"))
    #expect(echoed.contains("Accept-Language: fr-FR"))
    #expect(echoed.contains("If-Modified-Since: Tue, 17 Sep 2024 00:00:00 GMT"))
    #expect(echoed.contains("gzip"))
    #expect(echoed.contains("br"))
    // A validator from a server can never smuggle a header line into our request.
    #expect(!echoed.split(separator: "\n").contains { $0.hasPrefix("X-Injected") })
  }

  @Test func gzipIsDecoded() async throws {
    let result = await fetch("/gzip")
    let response = try #require(result.response)
    #expect(response.status == 200)
    let text = String(decoding: response.body, as: UTF8.self)
    #expect(text.hasPrefix("<!doctype html>"))
    #expect(response.body.count >= 20000)
  }

  @Test func gzipBombIsStoppedAtTheDecodedCap() async throws {
    let result = await fetch("/gzipbomb")
    #expect(result.error == .bodyTooLarge(limit: 1024 * 1024))
    #expect((result.response?.body.count ?? 0) <= 1024 * 1024)
    #expect(result.attempts == 1)
  }

  @Test func bodyOverTheCap() async throws {
    let result = await fetch("/big?size=3000000")
    #expect(result.error == .bodyTooLarge(limit: 1024 * 1024))
    #expect(result.attempts == 1)
  }

  @Test func tricklingServerIsCutOff() async throws {
    var configuration = Self.quick
    configuration.maxAttempts = 1
    let result = await fetch("/trickle", configuration: configuration)
    guard case .timedOut = result.error else {
      Issue.record("expected a timeout, got \(result.outcome)")
      return
    }
  }

  @Test func stalledConnectionTimesOut() async throws {
    var configuration = Self.quick
    configuration.maxAttempts = 1
    let result = await fetch("/stall", configuration: configuration)
    guard case .timedOut = result.error else {
      Issue.record("expected a timeout, got \(result.outcome)")
      return
    }
  }

  @Test func connectionResetIsATransportErrorAfterRetries() async throws {
    let result = await fetch("/reset")
    guard case .transport(let code, let message) = result.error else {
      Issue.record("expected a transport error, got \(result.outcome)")
      return
    }
    #expect(code == 52 || code == 56)  // CURLE_GOT_NOTHING or CURLE_RECV_ERROR
    #expect(!message.isEmpty)
    #expect(result.attempts == 3)
  }

  @Test func serverErrorThenSuccessIsRetried() async throws {
    let result = await fetch("/flaky/one")
    #expect(result.response?.status == 200)
    #expect(result.attempts == 2)
    #expect(try await counter("flaky/one") == 2)
  }

  @Test func persistentServerErrorGivesUpAfterThreeAttempts() async throws {
    let result = await fetch("/status/503")
    #expect(result.error == .httpStatus(503))
    #expect(result.response?.status == 503)
    #expect(result.attempts == 3)
    #expect(try await counter("status/503") == 3)
  }

  @Test func tooManyRequestsHonoursRetryAfter() async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let result = await fetch("/ratelimited/r1?after=1")
    #expect(result.response?.status == 200)
    #expect(result.attempts == 2)
    // The retry waited what the server asked (1 s), not the 50 ms backoff.
    #expect(clock.now - start >= .milliseconds(950))
  }

  @Test func retryAfterLongerThanAllowedEndsTheRetries() async throws {
    let result = await fetch("/ratelimited/r2?after=3600")
    #expect(result.error == .retryAfterTooLong(seconds: 3600))
    #expect(result.attempts == 1)
  }

  @Test func notFoundIsNotRetried() async throws {
    let result = await fetch("/status/404")
    #expect(result.error == .httpStatus(404))
    #expect(result.attempts == 1)
    let notFoundBody = String(decoding: result.response?.body ?? [], as: UTF8.self)
    #expect(notFoundBody.contains("Status 404"))
    #expect(try await counter("status/404") == 1)
  }

  @Test func redirectChainIsFollowedAndReported() async throws {
    let result = await fetch("/redirect/3")
    let response = try #require(result.response)
    #expect(response.status == 200)
    #expect(response.finalURL == server.url("/page/redirected"))
    #expect(response.redirects.map(\.status) == [302, 302, 302])
    #expect(
      response.redirects.map(\.location) == [
        server.url("/redirect/2"), server.url("/redirect/1"), server.url("/page/redirected"),
      ])
    #expect(response.redirects.first?.url == server.url("/redirect/3"))
  }

  @Test func redirectLoopStops() async throws {
    let result = await fetch("/loop")
    #expect(result.error == .tooManyRedirects(limit: 10))
  }

  @Test func redirectToFileIsRefused() async throws {
    let result = await fetch("/tofile")
    #expect(result.error == .redirectToUnsupportedScheme(location: "file:///etc/passwd"))
    let body = String(decoding: result.response?.body ?? [], as: UTF8.self)
    #expect(!body.contains("root:"))
  }

  @Test(arguments: ["file:///etc/passwd", "gopher://127.0.0.1/", "dict://127.0.0.1/d:x", "ftp://127.0.0.1/x"])
  func otherSchemesAreRefused(url: String) async throws {
    let result = await Fetcher(configuration: Self.quick).fetch(FetchRequest(url: url))
    #expect(result.error == .unsupportedScheme(url: url))
    #expect(result.attempts == 0)
  }

  @Test func nonUTF8PageKeepsItsBytesAndCharset() async throws {
    let result = await fetch("/latin1")
    let response = try #require(result.response)
    #expect(response.declaredCharset == "iso-8859-1")
    #expect(response.body.contains(0xE9))  // é in ISO-8859-1, untouched
  }

  @Test func refusedConnectionIsRetriedThenReported() async throws {
    // A port nothing listens on: bind one, note it, close it.
    let closed = try TestServer(script: "http_server.py")
    let url = closed.url("/page/x")
    closed.stop()
    let result = await Fetcher(configuration: Self.quick).fetch(FetchRequest(url: url))
    guard case .transport(let code, _) = result.error else {
      Issue.record("expected a transport error, got \(result.outcome)")
      return
    }
    #expect(code == 7)  // CURLE_COULDNT_CONNECT
    #expect(result.attempts == 3)
  }

  @Test func perHostCapIsRespected() async throws {
    var configuration = Self.quick
    configuration.maxPerHost = 2
    configuration.maxConcurrent = 16
    let requests = (0..<8).map { FetchRequest(url: server.url("/slow/\($0)")) }
    let results = await Fetcher(configuration: configuration).fetch(requests)
    #expect(results.allSatisfy { $0.response?.status == 200 })
    let most = await fetch("/maxinflight")
    #expect(String(decoding: most.response?.body ?? [], as: UTF8.self) == "2")
  }

  /// A batch of 100 URLs mixing every case: each document gets its own result, in order.
  @Test func mixedBatchOfOneHundred() async throws {
    var configuration = Self.quick
    configuration.maxPerHost = 8
    configuration.maxAttempts = 2
    let cases: [(path: String, check: @Sendable (FetchResult) -> Bool)] = [
      ("/page/p", { if case .fetched = $0.outcome { true } else { false } }),
      ("/plain", { $0.response?.status == 200 }),
      ("/gzip", { ($0.response?.body.count ?? 0) >= 20000 }),
      ("/gzipbomb", { $0.error == .bodyTooLarge(limit: 1024 * 1024) }),
      ("/big?size=2000000", { $0.error == .bodyTooLarge(limit: 1024 * 1024) }),
      ("/trickle", { if case .timedOut = $0.error { true } else { false } }),
      ("/reset", { if case .transport = $0.error { true } else { false } }),
      ("/flaky/batch", { $0.response?.status == 200 || $0.error == .httpStatus(500) }),
      ("/status/404", { $0.error == .httpStatus(404) }),
      ("/redirect/2", { $0.response?.redirects.count == 2 && $0.response?.status == 200 }),
      ("/loop", { $0.error == .tooManyRedirects(limit: 10) }),
      ("/tofile", { $0.error == .redirectToUnsupportedScheme(location: "file:///etc/passwd") }),
      ("/latin1", { $0.response?.declaredCharset == "iso-8859-1" }),
    ]
    var requests: [FetchRequest] = []
    var checks: [@Sendable (FetchResult) -> Bool] = []
    for index in 0..<100 {
      let item = cases[index % cases.count]
      let path = item.path.hasPrefix("/page/") ? "/page/p\(index)" : item.path
      requests.append(FetchRequest(id: "doc-\(index)", url: server.url(path)))
      checks.append(item.check)
    }
    requests.append(FetchRequest(id: "gopher", url: "gopher://127.0.0.1/"))
    checks.append({ $0.error == .unsupportedScheme(url: "gopher://127.0.0.1/") })
    let results = await Fetcher(configuration: configuration).fetch(requests)
    #expect(results.count == requests.count)
    for (index, result) in results.enumerated() {
      #expect(result.request.id == requests[index].id)
      #expect(checks[index](result), "\(requests[index].url): \(result.outcome)")
    }
  }

  @Test("streamed results arrive once each, with a slow consumer holding the fetch loop back")
  func streamedResultsWithBackpressure() async throws {
    var requests: [FetchRequest] = []
    for i in 0..<40 {
      requests.append(FetchRequest(id: "p\(i)", url: server.url("/big?size=\(2_000 + i)")))
    }
    requests.append(FetchRequest(id: "missing", url: server.url("/status/404")))
    let stream = Fetcher(configuration: Self.quick).stream(requests, window: 2)
    var seen: [String: Int] = [:]
    var sizes: [String: Int] = [:]
    for await result in stream.results {
      seen[result.request.id, default: 0] += 1
      sizes[result.request.id] = result.response?.body.count
      // A consumer slower than the transfers: the fetch loop must wait for it, and lose nothing.
      try await Task.sleep(for: .milliseconds(5))
      stream.release()
    }
    #expect(seen.count == 41)
    #expect(seen.values.allSatisfy { $0 == 1 })
    #expect((0..<40).allSatisfy { sizes["p\($0)"] == 2_000 + $0 })
    #expect(seen["missing"] == 1)
  }
}
