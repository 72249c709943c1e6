import Foundation
import PolicyWatchFetch
import PolicyWatchSupport

/// A POST of the event JSON (`Content-Type: application/json`) through libcurl, over http or https only.
///
/// Redirects are not followed (a redirected POST changes meaning across clients); a 3xx is a failure.
/// Retries: on 5xx, 408, 429 and transient network errors, up to `attempts` in all, waiting `retryDelay`,
/// then twice as long each time (capped at 30 s), or the server's `Retry-After` seconds when it sends them
/// (capped at 60 s). Other statuses fail at once. The request carries `X-PolicyWatch-Event-ID` so a receiver
/// can drop a duplicate.
public struct WebhookChannel: Sendable {
  /// `http(s)://host[:port]/path`. Treated as a secret beyond its host: errors name only `host:port`.
  public var url: String
  /// Sent as `Authorization: Bearer <token>`.
  public var bearerToken: Secret?
  /// Extra request headers (name → value); values are never printed.
  public var headers: [String: String]
  /// One attempt's limit, in seconds.
  public var timeout: Double
  /// Attempts in all (1...10).
  public var attempts: Int
  /// The first wait between attempts, in seconds.
  public var retryDelay: Double
  /// A PEM file of trusted CA certificates; nil uses the system's.
  public var caCertificatePath: String?

  public init(
    url: String, bearerToken: Secret? = nil, headers: [String: String] = [:], timeout: Double = 30, attempts: Int = 3,
    retryDelay: Double = 1, caCertificatePath: String? = nil
  ) {
    self.url = url
    self.bearerToken = bearerToken
    self.headers = headers
    self.timeout = timeout
    self.attempts = attempts
    self.retryDelay = retryDelay
    self.caCertificatePath = caCertificatePath
  }

  /// Checks the settings without connecting.
  public func validate() throws(AlertDeliveryError) {
    _ = try checkedChannelURL(url, schemes: ["http", "https"], defaultPorts: [:])
    guard (1...10).contains(attempts) else { throw .invalidConfiguration("attempts must be between 1 and 10") }
    guard timeout > 0, retryDelay >= 0 else { throw .invalidConfiguration("timeout and retry delay must be positive") }
    let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for (name, value) in headers {
      guard !name.isEmpty, name.allSatisfy({ tokenCharacters.contains($0) }) else {
        throw .invalidConfiguration("invalid header name \(singleLine(name).prefix(40))")
      }
      guard !value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else {
        throw .invalidConfiguration("the value of header \(name) contains a control character")
      }
    }
    if let bearerToken, bearerToken.value.isEmpty || bearerToken.value.contains(where: { $0.isNewline || $0 == " " }) {
      throw .invalidConfiguration("the bearer token is empty or contains white space")
    }
  }

  /// Delivers one message: POSTs `message.json`.
  @discardableResult
  public func send(_ message: AlertMessage) throws(AlertDeliveryError) -> AlertDeliveryReceipt {
    try validate()
    let (_, hostPort) = try checkedChannelURL(
      url, schemes: ["http", "https"], defaultPorts: ["http": 80, "https": 443])
    var wait = retryDelay
    var lastError = AlertDeliveryError.transport(host: hostPort, message: "not attempted")
    for attempt in 1...attempts {
      let outcome = try post(message, hostPort: hostPort)
      switch outcome {
      case .delivered(let status):
        return AlertDeliveryReceipt(attempts: attempt, detail: "HTTP \(status)")
      case .failed(var error, let retryable, let retryAfter):
        if case .http(let status, _) = error { error = .http(status: status, attempts: attempt) }
        lastError = error
        guard retryable, attempt < attempts else { throw error }
        let pause = retryAfter.map { min($0, 60) } ?? min(wait, 30)
        Thread.sleep(forTimeInterval: pause)
        wait *= 2
      }
    }
    throw lastError
  }

  private enum Outcome {
    case delivered(status: Int)
    case failed(AlertDeliveryError, retryable: Bool, retryAfter: Double?)
  }

  private func post(_ message: AlertMessage, hostPort: String) throws(AlertDeliveryError) -> Outcome {
    var lines = [
      "Content-Type: application/json",
      "Expect:",  // no "100-continue" round trip for bodies over 1 KiB
      "X-PolicyWatch-Event-ID: \(singleLine(message.eventID))",
    ]
    if let bearerToken { lines.append("Authorization: Bearer \(bearerToken.value)") }
    for name in headers.keys.sorted() { lines.append("\(name): \(headers[name]!)") }
    let transfer = MessageTransfer(
      url: url,
      kind: .post(
        headers: lines, userAgent: "PolicyWatch/\(PolicyWatchVersion.string) (+\(PolicyWatchVersion.homepage))"),
      body: message.json, caFile: caCertificatePath, timeout: timeout)
    let result: MessageTransfer.Result
    do {
      result = try transfer.perform()
    } catch {
      throw .invalidConfiguration(error.description)
    }
    if let error = alertError(
      result.failure, host: hostPort, timeout: timeout, responseCode: 0, log: result.log, smtp: false)
    {
      if case .invalidConfiguration = error { throw error }
      if case .tls = error { throw error }
      return .failed(error, retryable: result.failure?.retryable ?? false, retryAfter: nil)
    }
    let status = result.responseCode
    if (200..<300).contains(status) { return .delivered(status: status) }
    let retryAfter = result.log.header("Retry-After").flatMap(Double.init)
    let retryable = status >= 500 || status == 429 || status == 408
    return .failed(.http(status: status, attempts: 1), retryable: retryable, retryAfter: retryAfter)
  }
}
