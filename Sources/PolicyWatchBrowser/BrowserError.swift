/// Why the browser could not render a page. Each case says what a person can do about it.
public enum BrowserError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No Chromium executable was found (`chromium` on PATH, `/usr/lib/chromium/chromium`, or
  /// `$POLICYWATCH_CHROMIUM`).
  case notInstalled
  /// Running as root with the sandbox on, and no way to run the browser as an unprivileged user.
  case refusedAsRoot(String)
  /// The browser process could not be started, or did not answer its first command.
  case launchFailed(String)
  /// The browser process died, or stopped answering, while it held the page.
  case crashed(String)
  /// A DevTools command got no answer in time (`step` names it).
  case timedOut(step: String)
  /// The page could not be loaded (`net::ERR_CONNECTION_REFUSED`, …).
  case navigationFailed(url: String, reason: String)
  /// The page tried to leave http(s) (`file:`, `chrome:`…); the navigation was blocked.
  case blockedNavigation(url: String)
  /// The browser answered a command with an error, or sent something that is not the protocol.
  case protocolFailure(String)
  /// An Open Terms Archive filter function threw (`message` is its error), as OTA words it.
  case filterFailed(name: String, message: String)
  /// A declared filter function is not defined in the filters file.
  case filterMissing(name: String, file: String)

  public var description: String {
    switch self {
    case .notInstalled: "needs a browser: install chromium"
    case .refusedAsRoot(let detail): "the browser was not started: \(detail)"
    case .launchFailed(let detail): "the browser could not be started: \(detail)"
    case .crashed(let detail): "the browser crashed: \(detail)"
    case .timedOut(let step): "the browser did not answer in time (\(step))"
    case .navigationFailed(let url, let reason): "the browser could not load \(url): \(reason)"
    case .blockedNavigation(let url): "refused: the page tried to open \(url) (only http and https are loaded)"
    case .protocolFailure(let detail): "DevTools protocol error: \(detail)"
    case .filterFailed(let name, let message): "The filter function \"\(name)\" failed: \(message)"
    case .filterMissing(let name, let file): "the filter function \"\(name)\" is not defined in \(file)"
    }
  }

  /// Whether the browser itself failed (so the page deserves one more try in a fresh browser).
  var isBrowserFailure: Bool {
    switch self {
    case .crashed, .timedOut: true
    default: false
    }
  }
}
