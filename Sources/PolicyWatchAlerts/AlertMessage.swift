/// One alert, ready for any channel: what every channel needs to say about one event.
///
/// The channels do not decide *whether* to alert (the outbox and the alert rules do); they only deliver.
/// `eventID` must be stable for an event: email derives its Message-ID from it and the webhook sends it as
/// `X-PolicyWatch-Event-ID`, so a receiver can drop the duplicate an at-least-once outbox may produce.
public struct AlertMessage: Sendable, Equatable {
  /// The event's stable identifier (e.g. the hash of service, document and the two versions).
  public var eventID: String
  /// A one-line summary. Control characters (CR, LF …) are removed before it reaches a mail header.
  public var subject: String
  /// The plain-text body (any line ending; email normalises it to CRLF).
  public var text: String
  /// The HTML body (a complete document or a fragment).
  public var html: String
  /// The event JSON (the `log --format json` schema): the webhook body and the hook's stdin.
  public var json: [UInt8]
  public var service: String
  public var document: String
  /// The data-use categories of the new language, e.g. `["AI training", "affiliate sharing"]`.
  public var categories: [String]

  public init(
    eventID: String, subject: String, text: String, html: String, json: [UInt8], service: String,
    document: String, categories: [String]
  ) {
    self.eventID = eventID
    self.subject = subject
    self.text = text
    self.html = html
    self.json = json
    self.service = service
    self.document = document
    self.categories = categories
  }

  /// The default subject: `[PolicyWatch] Service – Document: new AI training, sale of data language`,
  /// or `[PolicyWatch] Service – Document changed` when no data-use category is involved.
  public static func defaultSubject(service: String, document: String, categories: [String]) -> String {
    let head = "[PolicyWatch] \(service) \u{2013} \(document)"
    return categories.isEmpty ? "\(head) changed" : "\(head): new \(categories.joined(separator: ", ")) language"
  }

  /// `[PolicyWatch] Service – Document: SUMMARY` (see `AlertComposer.subjectSummary`), or `… changed`.
  public static func subject(service: String, document: String, summary: String?) -> String {
    let head = "[PolicyWatch] \(service) \u{2013} \(document)"
    return summary.map { "\(head): \($0)" } ?? "\(head) changed"
  }
}

/// A secret (password, token). Printing, interpolating or dumping it shows `***`; only the channel reads it.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  /// The secret itself. Hand it to the transport; never to a log, error or description.
  public let value: String

  public init(_ value: String) { self.value = value }

  public var description: String { "***" }
  public var debugDescription: String { "Secret(***)" }
  public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// What a successful delivery looked like, for logs.
public struct AlertDeliveryReceipt: Sendable, Equatable {
  /// How many attempts it took (webhook retries; 1 for email and hooks).
  public var attempts: Int
  /// A short, secret-free note: the SMTP server's final reply, the HTTP status, the hook's exit status.
  public var detail: String

  public init(attempts: Int, detail: String) {
    self.attempts = attempts
    self.detail = detail
  }
}

/// Why a delivery failed. Descriptions never contain a password, token or webhook URL path (which often is
/// itself the secret, e.g. Slack's); they name the host, the recipient or the hook's argv[0].
public enum AlertDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The SMTP server refused a step (AUTH, MAIL, DATA …) with this reply code and text.
  case smtp(code: Int, message: String)
  /// The SMTP server rejected this recipient (RCPT TO). Nothing was sent to anyone: libcurl stops the
  /// transaction at the first refused recipient (CURLOPT_MAIL_RCPT_ALLOWFAILS is off on purpose).
  case recipientRejected(recipient: String, code: Int, message: String)
  /// The webhook answered with a non-2xx status (after `attempts` attempts).
  case http(status: Int, attempts: Int)
  /// TLS was required but not offered, the handshake failed, or the certificate was not trusted.
  case tls(String)
  /// The network failed: connection refused, DNS, reset … (`host` is `host:port`, without any path).
  case transport(host: String, message: String)
  /// The peer did not answer in time.
  case timedOut(host: String, seconds: Double)
  /// The hook exited with a non-zero status, or was killed by a signal (exitCode is then 128 + signal).
  case hookFailed(program: String, exitCode: Int32, stderr: String)
  /// The hook ran past its timeout and was killed (its process group, by its PID).
  case hookTimedOut(program: String, seconds: Double)
  /// The channel's settings cannot work (bad URL or scheme, an address with CR/LF, a missing program …).
  case invalidConfiguration(String)

  /// Whether trying again later can help: network trouble, timeouts, 4xx SMTP replies, 5xx/429 HTTP,
  /// hook failures (a hook's exit code says nothing about permanence). Configuration errors, 5xx SMTP
  /// replies and other HTTP statuses need a person.
  public var isTransient: Bool {
    switch self {
    case .smtp(let code, _), .recipientRejected(_, let code, _): return (400..<500).contains(code) || code <= 0
    case .http(let status, _): return status >= 500 || status == 429 || status == 408
    case .transport, .timedOut, .hookFailed, .hookTimedOut: return true
    case .tls, .invalidConfiguration: return false
    }
  }

  public var description: String {
    switch self {
    case .smtp(let code, let message): return "SMTP server refused (\(code)): \(message)"
    case .recipientRejected(let recipient, let code, let message):
      return "SMTP server rejected recipient \(recipient) (\(code)): \(message)"
    case .http(let status, let attempts):
      return "webhook answered HTTP \(status)" + (attempts > 1 ? " (after \(attempts) attempts)" : "")
    case .tls(let message): return "TLS: \(message)"
    case .transport(let host, let message): return "cannot reach \(host): \(message)"
    case .timedOut(let host, let seconds): return "\(host) did not answer within \(formatSeconds(seconds))"
    case .hookFailed(let program, let exitCode, let stderr):
      let tail = stderr.isEmpty ? "" : ": \(stderr)"
      return "hook \(program) failed with exit status \(exitCode)\(tail)"
    case .hookTimedOut(let program, let seconds):
      return "hook \(program) ran longer than \(formatSeconds(seconds)) and was killed"
    case .invalidConfiguration(let message): return "invalid alert channel: \(message)"
    }
  }
}

func formatSeconds(_ seconds: Double) -> String {
  seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
}

/// Replaces every control character (CR, LF, TAB, NUL, DEL, NEL, U+2028/2029 …) by a space and collapses runs
/// of white space: the one gate between text from documents and a mail header, so nothing can start a new
/// header line.
func singleLine(_ value: String) -> String {
  var out = String.UnicodeScalarView()
  var lastWasSpace = true
  for scalar in value.unicodeScalars {
    let isSpace =
      scalar.properties.generalCategory == .control || scalar.properties.isWhitespace
      || scalar.value == 0x2028 || scalar.value == 0x2029
    if isSpace {
      if !lastWasSpace { out.append(" ") }
      lastWasSpace = true
    } else {
      out.append(scalar)
      lastWasSpace = false
    }
  }
  var result = String(out)
  while result.hasSuffix(" ") { result.removeLast() }
  return result
}
