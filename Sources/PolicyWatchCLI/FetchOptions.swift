import ArgumentParser
import PolicyWatch

/// Fetch settings shared by every subcommand that fetches.
struct FetchOptions: ParsableArguments {
  @Option(help: "Connect timeout, in seconds.")
  var connectTimeout: Double = 15

  @Option(help: "Timeout for a whole transfer, in seconds.")
  var timeout: Double = 60

  @Option(help: "Largest body accepted (decoded), in bytes.")
  var maxBody: Int = 20 * 1024 * 1024

  @Option(help: "Attempts per document, the first included (retries on connection errors, 5xx, 408, 429).")
  var attempts: Int = 3

  @Option(help: "The User-Agent header.")
  var userAgent: String = FetchConfiguration.defaultUserAgent

  @Option(help: "The Accept-Language header.")
  var acceptLanguage: String = "en"

  @Option(help: "Send If-None-Match with this ETag (a conditional request).")
  var ifNoneMatch: String?

  @Option(help: "Send If-Modified-Since with this HTTP date (a conditional request).")
  var ifModifiedSince: String?

  var validators: Validators { Validators(etag: ifNoneMatch, lastModified: ifModifiedSince) }

  func configuration() throws -> FetchConfiguration {
    guard connectTimeout > 0, timeout > 0 else { throw ValidationError("timeouts must be positive") }
    guard maxBody > 0 else { throw ValidationError("--max-body must be positive") }
    guard (1...10).contains(attempts) else { throw ValidationError("--attempts must be between 1 and 10") }
    var configuration = FetchConfiguration()
    configuration.connectTimeout = .milliseconds(Int(connectTimeout * 1000))
    configuration.totalTimeout = .milliseconds(Int(timeout * 1000))
    configuration.maxBodyBytes = maxBody
    configuration.maxAttempts = attempts
    configuration.userAgent = userAgent
    configuration.acceptLanguage = acceptLanguage.isEmpty ? nil : acceptLanguage
    return configuration
  }
}
