import Foundation
import PolicyWatchSupport

/// One document to fetch.
public struct FetchRequest: Sendable, Hashable {
  /// The caller's name for this request (e.g. `Service/Document`); results carry it back.
  public var id: String
  public var url: String
  /// Validators from the previous response, sent back as `If-None-Match` / `If-Modified-Since`.
  public var validators: Validators

  public init(id: String? = nil, url: String, validators: Validators = Validators()) {
    self.id = id ?? url
    self.url = url
    self.validators = validators
  }
}

/// The server's own cache validators.
public struct Validators: Sendable, Hashable, Codable {
  public var etag: String?
  public var lastModified: String?

  public init(etag: String? = nil, lastModified: String? = nil) {
    self.etag = etag
    self.lastModified = lastModified
  }

  public var isEmpty: Bool { etag == nil && lastModified == nil }
}

/// Limits and manners of the fetcher. Every limit is real: libcurl enforces the timeouts, the fetcher the rest.
public struct FetchConfiguration: Sendable {
  /// Transfers in flight at once, over all hosts.
  public var maxConcurrent = 16
  /// Transfers in flight at once to one host (politeness).
  public var maxPerHost = 2
  public var connectTimeout: Duration = .seconds(15)
  public var totalTimeout: Duration = .seconds(60)
  /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` is cut off.
  public var lowSpeedLimit = 100
  public var lowSpeedTime: Duration = .seconds(20)
  /// Largest body accepted, counted on the decoded bytes as they arrive.
  public var maxBodyBytes = 20 * 1024 * 1024
  public var maxRedirects = 10
  public var userAgent = FetchConfiguration.defaultUserAgent
  public var acceptLanguage: String? = "en"
  /// Attempts per document, the first included.
  public var maxAttempts = 3
  /// The first retry waits about this long; each further retry doubles it (with ±25% jitter).
  public var retryBaseDelay: Duration = .seconds(1)
  /// `Retry-After` is honoured up to this long; a longer demand ends the retries.
  public var maxRetryAfter: Duration = .seconds(120)

  public static let defaultUserAgent =
    "PolicyWatch/\(PolicyWatchVersion.string) (terms-of-service change tracker; +\(PolicyWatchVersion.homepage))"

  public init() {}
}

/// One response header line, as received.
public struct HTTPHeader: Sendable, Hashable, Codable {
  public var name: String
  public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// One redirect followed on the way to the final URL.
public struct RedirectHop: Sendable, Hashable, Codable {
  public var url: String
  public var status: Int
  public var location: String
}

/// Where the time of a transfer went (seconds from the start of the last attempt).
public struct FetchTimings: Sendable, Hashable, Codable {
  public var nameLookup: Double = 0
  public var connect: Double = 0
  public var tls: Double = 0
  public var firstByte: Double = 0
  public var total: Double = 0
}

/// What the server answered to the last attempt.
public struct FetchResponse: Sendable {
  public var requestedURL: String
  public var finalURL: String
  public var status: Int
  public var headers: [HTTPHeader]
  public var body: [UInt8]
  public var redirects: [RedirectHop]
  public var timings: FetchTimings
  public var attempts: Int
  public var curlVersion: String
  public var fetchedAt: Date

  /// The first header with this name (case-insensitive).
  public func header(_ name: String) -> String? {
    headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
  }

  /// The charset declared by the `Content-Type` header, lowercased.
  public var declaredCharset: String? { HTTPHeaderValues.charset(fromContentType: header("Content-Type")) }

  public var contentType: String? { header("Content-Type") }

  /// The validators to send back next time.
  public var validators: Validators { Validators(etag: header("ETag"), lastModified: header("Last-Modified")) }
}

/// Why a fetch did not give a usable page.
public enum FetchError: Error, Sendable, Equatable {
  /// The URL is not http or https (`file:`, `gopher:`, `dict:` …).
  case unsupportedScheme(url: String)
  /// The URL cannot be parsed.
  case invalidURL(String)
  /// A redirect pointed to a scheme other than http or https.
  case redirectToUnsupportedScheme(location: String)
  case tooManyRedirects(limit: Int)
  /// The server answered with an error status (after retries where they apply).
  case httpStatus(Int)
  /// The decoded body passed the cap; the transfer was stopped as soon as it did.
  case bodyTooLarge(limit: Int)
  /// The connection, the whole transfer, or the minimum speed timed out.
  case timedOut(message: String)
  /// Any other libcurl failure, with libcurl's own code and message.
  case transport(code: Int, message: String)
  /// The server asked to wait longer than the configured `maxRetryAfter`.
  case retryAfterTooLong(seconds: Int)
}

extension FetchError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .unsupportedScheme(let url): "refused: only http and https are fetched, not \(url)"
    case .invalidURL(let url): "invalid URL: \(url)"
    case .redirectToUnsupportedScheme(let location):
      "refused a redirect to \(location): only http and https are followed"
    case .tooManyRedirects(let limit): "more than \(limit) redirects"
    case .httpStatus(let status): "HTTP \(status) \(HTTPHeaderValues.reasonPhrase(status))"
    case .bodyTooLarge(let limit): "body larger than \(limit) bytes (decoded): stopped"
    case .timedOut(let message): "timed out: \(message)"
    case .transport(let code, let message): "transfer failed (libcurl error \(code)): \(message)"
    case .retryAfterTooLong(let seconds): "server asked to retry after \(seconds) s, longer than allowed"
    }
  }
}

/// How a fetch ended.
public enum FetchOutcome: Sendable {
  /// A 2xx page.
  case fetched(FetchResponse)
  /// 304: the page has not changed since the validators were issued. Not an error, not a change.
  case notModified(FetchResponse)
  /// No usable page; `response` is the last answer when there was one (e.g. the 404 page).
  case failed(FetchError, response: FetchResponse?)
}

/// The outcome of one request: the response or the error, with the attempts and redirects it took.
public struct FetchResult: Sendable {
  public var request: FetchRequest
  public var outcome: FetchOutcome
  /// Attempts made, the first included.
  public var attempts: Int

  public var response: FetchResponse? {
    switch outcome {
    case .fetched(let response), .notModified(let response): response
    case .failed(_, let response): response
    }
  }

  public var error: FetchError? {
    if case .failed(let error, _) = outcome { return error }
    return nil
  }
}

/// Small parsers for header values.
enum HTTPHeaderValues {
  static func charset(fromContentType contentType: String?) -> String? {
    guard let contentType else { return nil }
    for parameter in contentType.split(separator: ";").dropFirst() {
      let parts = parameter.split(separator: "=", maxSplits: 1)
      guard parts.count == 2,
        parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset"
      else { continue }
      let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(
        in: CharacterSet(charactersIn: "\"'"))
      return value.isEmpty ? nil : value.lowercased()
    }
    return nil
  }

  /// `Retry-After`: delay-seconds or an HTTP-date.
  static func retryAfter(_ value: String?, now: Date) -> Duration? {
    guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
    if let seconds = Int(value) { return .seconds(max(0, seconds)) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: value) else { return nil }
    return .milliseconds(max(0, Int(date.timeIntervalSince(now) * 1000)))
  }

  static func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 400: "Bad Request"
    case 401: "Unauthorized"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 408: "Request Timeout"
    case 410: "Gone"
    case 429: "Too Many Requests"
    case 500: "Internal Server Error"
    case 502: "Bad Gateway"
    case 503: "Service Unavailable"
    case 504: "Gateway Timeout"
    default: ""
    }
  }
}
