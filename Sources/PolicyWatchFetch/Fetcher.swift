internal import CCurl
internal import CCurlShims
import Foundation

/// Fetches many documents at once with libcurl's multi interface.
///
/// One batch runs on a dedicated thread that owns every libcurl handle it creates (libcurl handles are not
/// thread-safe); callers see an `async` API. Transfers are started while fewer than `maxConcurrent` run in total
/// and fewer than `maxPerHost` run to the same host; retries wait out their backoff in the same loop, so one slow
/// or failing document never holds up the others.
public struct Fetcher: Sendable {
  public var configuration: FetchConfiguration

  public init(configuration: FetchConfiguration = FetchConfiguration()) {
    self.configuration = configuration
  }

  /// Fetches every request; the results are in the order of `requests`.
  public func fetch(_ requests: [FetchRequest], progress: (@Sendable (FetchResult) -> Void)? = nil) async
    -> [FetchResult]
  {
    guard !requests.isEmpty else { return [] }
    let configuration = self.configuration
    return await withCheckedContinuation { continuation in
      let thread = Thread {
        let batch = FetchBatch(requests: requests, configuration: configuration, progress: progress)
        continuation.resume(returning: batch.run())
      }
      thread.name = "policywatch-fetch"
      thread.stackSize = 1 << 20
      thread.start()
    }
  }

  /// Fetches one URL.
  public func fetch(_ request: FetchRequest) async -> FetchResult {
    await fetch([request])[0]
  }

  /// Fetches every request and delivers each result as it finishes (not in order), keeping none: memory stays
  /// bounded for any number of requests. The consumer calls `FetchStream.release()` once per result it is done
  /// with; while `window` results are out unreleased, no new transfer starts (transfers already running always
  /// finish and are delivered at once, so a slow consumer never stalls one into a timeout).
  public func stream(_ requests: [FetchRequest], window: Int = 8) -> FetchStream {
    let (results, continuation) = AsyncStream.makeStream(of: FetchResult.self)
    let gate = FetchWindow(size: max(1, window))
    // A consumer that stops listening (breaks out, or its task is cancelled) ends the batch: nothing new starts.
    continuation.onTermination = { _ in gate.cancel() }
    let configuration = self.configuration
    if requests.isEmpty {
      continuation.finish()
    } else {
      let thread = Thread {
        let batch = FetchBatch(requests: requests, configuration: configuration, progress: nil, window: gate) {
          result in
          gate.take()
          continuation.yield(result)
        }
        _ = batch.run()
        continuation.finish()
      }
      thread.name = "policywatch-fetch"
      thread.stackSize = 1 << 20
      thread.start()
    }
    return FetchStream(results: results, window: gate)
  }
}

/// The results of `Fetcher.stream`, in the order transfers finish.
public struct FetchStream: Sendable {
  public let results: AsyncStream<FetchResult>
  let window: FetchWindow

  /// Tells the fetcher one delivered result is done with.
  public func release() { window.release() }
}

/// How many streamed results are out with the consumer; the fetch loop starts transfers only below `size`.
final class FetchWindow: @unchecked Sendable {
  let size: Int
  private let lock = NSLock()
  private var outstanding = 0
  private let released = DispatchSemaphore(value: 0)

  init(size: Int) { self.size = size }

  private var cancelled = false

  func take() { lock.withLock { outstanding += 1 } }

  /// The consumer is gone: no transfer starts any more.
  func cancel() {
    lock.withLock { cancelled = true }
    released.signal()
  }

  var isCancelled: Bool { lock.withLock { cancelled } }

  func release() {
    lock.withLock { outstanding -= 1 }
    released.signal()
  }

  /// How many more transfers may start, given `running` already running.
  func room(running: Int) -> Int { lock.withLock { max(0, size - outstanding - running) } }

  /// Waits (at most `milliseconds`) for a release.
  func wait(milliseconds: Int) { _ = released.wait(timeout: .now() + .milliseconds(milliseconds)) }
}

/// The per-attempt state libcurl's callbacks write into, reached through their `userdata` pointer.
final class Transfer {
  let index: Int
  let request: FetchRequest
  let attempt: Int
  let host: String
  let maxBodyBytes: Int
  let easy: CurlEasy
  var body: [UInt8] = []
  /// Header lines of each response received (one block per redirect hop or 1xx), status line first.
  var headerBlocks: [[String]] = []
  var bodyTooLarge = false

  init(index: Int, request: FetchRequest, attempt: Int, host: String, maxBodyBytes: Int) throws(CurlSetupError) {
    self.index = index
    self.request = request
    self.attempt = attempt
    self.host = host
    self.maxBodyBytes = maxBodyBytes
    self.easy = try CurlEasy()
  }
}

/// CURLOPT_WRITEFUNCTION: receives the *decoded* body; stops the transfer as soon as the cap is passed.
private let writeBody: pw_curl_data_callback = { data, size, count, userdata in
  guard let userdata else { return 0 }
  let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
  let length = size * count
  guard transfer.body.count + length <= transfer.maxBodyBytes else {
    transfer.bodyTooLarge = true
    return 0  // anything but `length` makes libcurl abort with CURLE_WRITE_ERROR
  }
  if let data, length > 0 {
    data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
      transfer.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
    }
  }
  return length
}

/// CURLOPT_HEADERFUNCTION: one call per header line, for every response (redirects and 1xx included).
private let writeHeader: pw_curl_data_callback = { data, size, count, userdata in
  guard let userdata, let data else { return 0 }
  let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
  let length = size * count
  let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
    String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
  }.trimmingCharacters(in: .newlines)
  if line.hasPrefix("HTTP/") {
    transfer.headerBlocks.append([line])
  } else if !line.isEmpty, !transfer.headerBlocks.isEmpty {
    transfer.headerBlocks[transfer.headerBlocks.count - 1].append(line)
  }
  return length
}

/// One batch: the scheduling loop and the interpretation of each finished attempt.
final class FetchBatch {
  private let requests: [FetchRequest]
  private let configuration: FetchConfiguration
  private let progress: (@Sendable (FetchResult) -> Void)?
  /// When set, each result goes here and is not kept (see `Fetcher.stream`).
  private let deliver: ((FetchResult) -> Void)?
  /// When set, transfers start only while the consumer has room (see `Fetcher.stream`).
  private let window: FetchWindow?
  private var results: [FetchResult?]
  private var completed: [Bool]
  /// Attempts waiting to start: request index, attempt number, earliest start.
  private var pending: [(index: Int, attempt: Int, notBefore: ContinuousClock.Instant)] = []
  private var active: [UnsafeMutableRawPointer: Transfer] = [:]
  private var activePerHost: [String: Int] = [:]
  private let clock = ContinuousClock()

  init(
    requests: [FetchRequest], configuration: FetchConfiguration, progress: (@Sendable (FetchResult) -> Void)?,
    window: FetchWindow? = nil, deliver: ((FetchResult) -> Void)? = nil
  ) {
    self.window = window
    self.requests = requests
    self.configuration = configuration
    self.progress = progress
    self.deliver = deliver
    self.results = Array(repeating: nil, count: deliver == nil ? requests.count : 0)
    self.completed = Array(repeating: false, count: requests.count)
  }

  func run() -> [FetchResult] {
    let now = clock.now
    pending = requests.indices.map { (index: $0, attempt: 1, notBefore: now) }
    let multi: CurlMulti
    do {
      multi = try CurlMulti()
    } catch {
      for (index, request) in requests.enumerated() {
        complete(
          index,
          FetchResult(
            request: request, outcome: .failed(.transport(code: error.code, message: error.message), response: nil),
            attempts: 0))
      }
      return results.compactMap { $0 }
    }
    // Let libcurl reuse connections across the batch, but the scheduling below does the capping.
    multi.set(CURLMOPT_MAXCONNECTS, max(configuration.maxConcurrent, 4))

    while !pending.isEmpty || !active.isEmpty {
      if let window, window.isCancelled, !pending.isEmpty {
        // Nobody listens any more: what has not started is reported as not attempted (and dropped).
        pending.removeAll()
      }
      startEligible(on: multi)
      if active.isEmpty, let window, window.room(running: 0) == 0 {
        // The consumer has all it can hold: wait for it.
        window.wait(milliseconds: 100)
        continue
      }
      if active.isEmpty {
        // Nothing running: sleep until the earliest retry is due.
        if let next = pending.map(\.notBefore).min() {
          let wait = next - clock.now
          if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
        }
        continue
      }
      multi.perform()
      for (handle, code) in multi.finished() {
        guard let transfer = active.removeValue(forKey: handle) else { continue }
        multi.remove(transfer.easy)
        activePerHost[transfer.host, default: 1] -= 1
        finish(transfer, code: code)
      }
      if !active.isEmpty {
        // Wake for the earliest retry still in the future; attempts already due wait for a slot, and a finishing
        // transfer wakes the poll anyway (taking them into the minimum would spin at 0 ms).
        var timeout = 200
        let now = clock.now
        if let next = pending.lazy.map(\.notBefore).filter({ $0 > now }).min() {
          timeout = min(timeout, max(1, Int((next - now).seconds * 1000)))
        }
        multi.poll(milliseconds: timeout)
      }
    }
    for index in requests.indices where !completed[index] {
      complete(
        index,
        FetchResult(
          request: requests[index], outcome: .failed(.transport(code: -1, message: "not attempted"), response: nil),
          attempts: 0))
    }
    return results.compactMap { $0 }
  }

  private func startEligible(on multi: CurlMulti) {
    let now = clock.now
    var index = 0
    while index < pending.count, active.count < configuration.maxConcurrent,
      window.map({ $0.room(running: active.count) > 0 }) ?? true
    {
      let item = pending[index]
      let request = requests[item.index]
      let host = FetchBatch.hostKey(request.url)
      guard item.notBefore <= now, activePerHost[host, default: 0] < configuration.maxPerHost else {
        index += 1
        continue
      }
      pending.remove(at: index)
      if let error = FetchBatch.validate(request.url) {
        complete(
          item.index, FetchResult(request: request, outcome: .failed(error, response: nil), attempts: item.attempt - 1))
        continue
      }
      do {
        let transfer = try Transfer(
          index: item.index, request: request, attempt: item.attempt, host: host,
          maxBodyBytes: configuration.maxBodyBytes)
        try configure(transfer)
        try multi.add(transfer.easy)
        active[transfer.easy.handle] = transfer
        activePerHost[host, default: 0] += 1
      } catch {
        complete(
          item.index,
          FetchResult(
            request: request, outcome: .failed(.transport(code: error.code, message: error.description), response: nil),
            attempts: item.attempt))
      }
    }
  }

  private func configure(_ transfer: Transfer) throws(CurlSetupError) {
    let easy = transfer.easy
    let userdata = Unmanaged.passUnretained(transfer).toOpaque()
    try easy.set(CURLOPT_URL, transfer.request.url)
    try easy.set(CURLOPT_NOSIGNAL, 1)
    try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
    try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
    try easy.set(CURLOPT_FOLLOWLOCATION, 1)
    try easy.set(CURLOPT_MAXREDIRS, configuration.maxRedirects)
    try easy.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
    try easy.set(CURLOPT_TIMEOUT_MS, configuration.totalTimeout.milliseconds)
    try easy.set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
    try easy.set(CURLOPT_LOW_SPEED_TIME, max(1, Int(configuration.lowSpeedTime.seconds.rounded(.up))))
    // Refuse early when the server announces a body over the cap; the write callback enforces it on decoded bytes.
    try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(configuration.maxBodyBytes))
    try easy.set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding this libcurl can decode (gzip, deflate, br, zstd)
    try easy.set(CURLOPT_USERAGENT, configuration.userAgent)
    var headers = ["Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
    if let language = configuration.acceptLanguage { headers.append("Accept-Language: \(language)") }
    if let etag = transfer.request.validators.etag { headers.append("If-None-Match: \(etag)") }
    if let lastModified = transfer.request.validators.lastModified {
      headers.append("If-Modified-Since: \(lastModified)")
    }
    try easy.set(CURLOPT_HTTPHEADER, list: headers.map(FetchBatch.singleLine))
    try easy.set(CURLOPT_WRITEFUNCTION, callback: writeBody)
    try easy.set(CURLOPT_WRITEDATA, pointer: userdata)
    try easy.set(CURLOPT_HEADERFUNCTION, callback: writeHeader)
    try easy.set(CURLOPT_HEADERDATA, pointer: userdata)
  }

  /// Interprets a finished attempt: a result, or another attempt after a backoff.
  private func finish(_ transfer: Transfer, code: CURLcode) {
    let easy = transfer.easy
    let response = makeResponse(transfer)
    var retryDelay: Duration? = nil
    let outcome: FetchOutcome
    if transfer.bodyTooLarge || code == CURLE_FILESIZE_EXCEEDED {
      outcome = .failed(.bodyTooLarge(limit: configuration.maxBodyBytes), response: response)
    } else if code == CURLE_UNSUPPORTED_PROTOCOL,
      let hop = response.redirects.last ?? FetchBatch.pendingRedirect(transfer)
    {
      outcome = .failed(.redirectToUnsupportedScheme(location: hop.location), response: response)
    } else if code == CURLE_TOO_MANY_REDIRECTS {
      outcome = .failed(.tooManyRedirects(limit: configuration.maxRedirects), response: response)
    } else if code != CURLE_OK {
      outcome = .failed(fetchError(fromTransferCode: code, errorBuffer: easy.errorMessage), response: nil)
      if isRetryable(transferCode: code) { retryDelay = backoff(after: transfer.attempt) }
    } else {
      switch response.status {
      case 200..<300:
        outcome = .fetched(response)
      case 304:
        outcome = .notModified(response)
      default:
        outcome = .failed(.httpStatus(response.status), response: response)
        if response.status >= 500 || response.status == 408 || response.status == 429 {
          retryDelay = backoff(after: transfer.attempt)
          if let demanded = HTTPHeaderValues.retryAfter(response.header("Retry-After"), now: Date()) {
            if demanded > configuration.maxRetryAfter {
              if transfer.attempt < configuration.maxAttempts {
                complete(
                  transfer.index,
                  FetchResult(
                    request: transfer.request,
                    outcome: .failed(.retryAfterTooLong(seconds: Int(demanded.seconds)), response: response),
                    attempts: transfer.attempt))
                return
              }
            } else {
              retryDelay = demanded
            }
          }
        }
      }
    }
    if let retryDelay, transfer.attempt < configuration.maxAttempts {
      pending.append((index: transfer.index, attempt: transfer.attempt + 1, notBefore: clock.now + retryDelay))
      return
    }
    complete(transfer.index, FetchResult(request: transfer.request, outcome: outcome, attempts: transfer.attempt))
  }

  private func complete(_ index: Int, _ result: FetchResult) {
    completed[index] = true
    progress?(result)
    if let deliver {
      deliver(result)
    } else {
      results[index] = result
    }
  }

  /// Exponential backoff with ±25% jitter: base, 2×base, 4×base…
  private func backoff(after attempt: Int) -> Duration {
    let base = configuration.retryBaseDelay.seconds * pow(2, Double(attempt - 1))
    return .milliseconds(Int(base * Double.random(in: 0.75...1.25) * 1000))
  }

  private func makeResponse(_ transfer: Transfer) -> FetchResponse {
    let easy = transfer.easy
    let finalBlock = transfer.headerBlocks.last { !FetchBatch.isInformational($0) } ?? []
    let headers = finalBlock.dropFirst().compactMap { line -> HTTPHeader? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return HTTPHeader(
        name: String(line[..<colon]).trimmingCharacters(in: .whitespaces),
        value: String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
    }
    var hops: [RedirectHop] = []
    var url = transfer.request.url
    for block in transfer.headerBlocks.dropLast() where !FetchBatch.isInformational(block) {
      let status = FetchBatch.status(of: block)
      guard (300..<400).contains(status), let location = FetchBatch.header("Location", in: block) else { continue }
      let target = URL(string: location, relativeTo: URL(string: url))?.absoluteString ?? location
      hops.append(RedirectHop(url: url, status: status, location: target))
      url = target
    }
    var timings = FetchTimings()
    timings.nameLookup = easy.info(seconds: CURLINFO_NAMELOOKUP_TIME_T)
    timings.connect = easy.info(seconds: CURLINFO_CONNECT_TIME_T)
    timings.tls = easy.info(seconds: CURLINFO_APPCONNECT_TIME_T)
    timings.firstByte = easy.info(seconds: CURLINFO_STARTTRANSFER_TIME_T)
    timings.total = easy.info(seconds: CURLINFO_TOTAL_TIME_T)
    return FetchResponse(
      requestedURL: transfer.request.url,
      finalURL: easy.info(string: CURLINFO_EFFECTIVE_URL) ?? url,
      status: easy.info(long: CURLINFO_RESPONSE_CODE),
      headers: headers,
      body: transfer.body,
      redirects: hops,
      timings: timings,
      attempts: transfer.attempt,
      curlVersion: Curl.version,
      fetchedAt: Date())
  }

  /// The redirect libcurl refused to follow: the last block is a 3xx whose Location it would not take.
  private static func pendingRedirect(_ transfer: Transfer) -> RedirectHop? {
    guard let block = transfer.headerBlocks.last, (300..<400).contains(status(of: block)),
      let location = header("Location", in: block)
    else { return nil }
    return RedirectHop(url: transfer.request.url, status: status(of: block), location: location)
  }

  private static func isInformational(_ block: [String]) -> Bool { (100..<200).contains(status(of: block)) }

  private static func status(of block: [String]) -> Int {
    guard let line = block.first else { return 0 }
    let parts = line.split(separator: " ")
    return parts.count > 1 ? Int(parts[1]) ?? 0 : 0
  }

  private static func header(_ name: String, in block: [String]) -> String? {
    for line in block.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      if line[..<colon].trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(name) == .orderedSame {
        return String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
      }
    }
    return nil
  }

  /// Only http and https are fetched; anything else is refused before libcurl sees it.
  static func validate(_ url: String) -> FetchError? {
    guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
      return .invalidURL(url)
    }
    guard scheme == "http" || scheme == "https" else { return .unsupportedScheme(url: url) }
    guard let host = components.host, !host.isEmpty else { return .invalidURL(url) }
    return nil
  }

  static func hostKey(_ url: String) -> String {
    guard let components = URLComponents(string: url) else { return url }
    return "\(components.host?.lowercased() ?? ""):\(components.port ?? -1)"
  }

  /// Header values come from earlier responses: never let them carry a line break into the request.
  static func singleLine(_ header: String) -> String {
    String(header.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
  }
}

extension Duration {
  var seconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) / 1e18
  }

  var milliseconds: Int { Int((seconds * 1000).rounded()) }
}
