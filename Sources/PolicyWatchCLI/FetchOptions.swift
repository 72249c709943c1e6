import ArgumentParser
import PolicyWatchFetch

/// Fetch settings shared by every subcommand that fetches.
struct FetchOptions: ParsableArguments {
  // Optionals, so that an option given on the command line always wins over the configuration file, even when its
  // value is the default (ArgumentParser cannot say whether an option with a default value was given).

  @Option(help: "Connect timeout, in seconds (default: 15).")
  var connectTimeout: Double?

  @Option(help: "Timeout for a whole transfer, in seconds (default: 60).")
  var timeout: Double?

  @Option(help: "Largest body accepted (decoded), in bytes (default: 20971520, 20 MiB).")
  var maxBody: Int?

  @Option(help: "Attempts per document, the first included (retries on connection errors, 5xx, 408, 429; default: 3).")
  var attempts: Int?

  @Option(help: "The User-Agent header (default: PolicyWatch/VERSION and the project's address).")
  var userAgent: String?

  @Option(help: "The Accept-Language header (default: en; \"\" sends none).")
  var acceptLanguage: String?

  @Option(help: "Send If-None-Match with this ETag (a conditional request).")
  var ifNoneMatch: String?

  @Option(help: "Send If-Modified-Since with this HTTP date (a conditional request).")
  var ifModifiedSince: String?

  var validators: Validators { Validators(etag: ifNoneMatch, lastModified: ifModifiedSince) }

  func validate() throws {
    guard (connectTimeout ?? 1) > 0, (timeout ?? 1) > 0 else { throw ValidationError("timeouts must be positive") }
    guard (maxBody ?? 1) > 0 else { throw ValidationError("--max-body must be positive") }
    guard (1...10).contains(attempts ?? 1) else { throw ValidationError("--attempts must be between 1 and 10") }
  }

  /// `FetchConfiguration`'s defaults under the options given.
  func configuration() throws -> FetchConfiguration {
    try validate()
    var configuration = FetchConfiguration()
    if let connectTimeout { configuration.connectTimeout = .milliseconds(Int(connectTimeout * 1000)) }
    if let timeout { configuration.totalTimeout = .milliseconds(Int(timeout * 1000)) }
    if let maxBody { configuration.maxBodyBytes = maxBody }
    if let attempts { configuration.maxAttempts = attempts }
    if let userAgent { configuration.userAgent = userAgent }
    if let acceptLanguage { configuration.acceptLanguage = acceptLanguage.isEmpty ? nil : acceptLanguage }
    return configuration
  }
}
