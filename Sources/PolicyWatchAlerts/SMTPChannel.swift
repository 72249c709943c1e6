import Foundation
import PolicyWatchFetch

/// Email through libcurl's SMTP client.
///
/// One `send` is one SMTP transaction: MAIL FROM, one RCPT TO per recipient, DATA. A recipient the server refuses
/// fails the whole delivery (`recipientRejected`, naming the address) and nobody gets the message: partial
/// delivery would leave the outbox unable to tell who still needs it. (libcurl's CURLOPT_MAIL_RCPT_ALLOWFAILS
/// stays off.)
public struct SMTPChannel: Sendable {
  /// Whether the connection to an `smtp://` server must be upgraded with STARTTLS.
  public enum TLSMode: String, Sendable, Equatable {
    /// STARTTLS must succeed (CURLUSESSL_ALL); a server that does not offer it fails with `.tls`.
    case required
    /// STARTTLS when the server offers it, plain text otherwise (CURLUSESSL_TRY).
    case optional
    /// Never STARTTLS (CURLUSESSL_NONE). An `smtps://` URL is TLS from the first byte whatever this says.
    case none
  }

  /// `smtp://host[:port]` (default port 25; STARTTLS per `tls`) or `smtps://host[:port]` (implicit TLS, 465).
  public var url: String
  /// The envelope sender and From address.
  public var from: String
  /// The From display name.
  public var fromName: String?
  /// The recipients (envelope and To header).
  public var to: [String]
  /// AUTH credentials (libcurl picks the mechanism the server offers). Sent only after TLS when `tls` is
  /// `.required` or the URL is `smtps://`.
  public var username: String?
  public var password: Secret?
  public var tls: TLSMode
  /// A PEM file of trusted CA certificates (e.g. a self-signed server's); nil uses the system's.
  public var caCertificatePath: String?
  /// The whole transaction's limit, in seconds (connect included).
  public var timeout: Double
  /// The right-hand side of Message-IDs; nil uses this machine's host name.
  public var messageIDDomain: String?

  public init(
    url: String, from: String, fromName: String? = "PolicyWatch", to: [String], username: String? = nil,
    password: Secret? = nil, tls: TLSMode = .required, caCertificatePath: String? = nil, timeout: Double = 60,
    messageIDDomain: String? = nil
  ) {
    self.url = url
    self.from = from
    self.fromName = fromName
    self.to = to
    self.username = username
    self.password = password
    self.tls = tls
    self.caCertificatePath = caCertificatePath
    self.timeout = timeout
    self.messageIDDomain = messageIDDomain
  }

  /// The message `send` delivers, with this date (the Message-ID does not depend on it).
  public func mimeMessage(for message: AlertMessage, date: Date = Date()) -> [UInt8] {
    MIMEMessage.build(
      from: from, fromName: fromName, to: to, subject: message.subject, text: message.text, html: message.html,
      messageID: MIMEMessage.messageID(eventID: message.eventID, domain: messageIDDomain ?? MIMEMessage.localHostName),
      date: date,
      headers: [
        ("X-PolicyWatch-Event-ID", message.eventID), ("X-PolicyWatch-Service", message.service),
        ("X-PolicyWatch-Document", message.document),
        ("X-PolicyWatch-Categories", message.categories.joined(separator: ", ")),
      ])
  }

  /// Checks the settings without connecting.
  public func validate() throws(AlertDeliveryError) {
    _ = try checkedChannelURL(url, schemes: ["smtp", "smtps"], defaultPorts: ["smtp": 25, "smtps": 465])
    guard !to.isEmpty else { throw .invalidConfiguration("no recipient") }
    for address in [from] + to where !Self.isPlausibleAddress(address) {
      throw .invalidConfiguration("not an email address: \(singleLine(address))")
    }
    guard timeout > 0 else { throw .invalidConfiguration("timeout must be positive") }
    if password != nil && (username ?? "").isEmpty { throw .invalidConfiguration("password without username") }
    if let username, username.contains(where: { $0.isNewline }) {
      throw .invalidConfiguration("username contains a line break")
    }
  }

  /// Delivers one message. Returns the server's final reply on success.
  @discardableResult
  public func send(_ message: AlertMessage) throws(AlertDeliveryError) -> AlertDeliveryReceipt {
    try validate()
    let (_, hostPort) = try checkedChannelURL(url, schemes: ["smtp", "smtps"], defaultPorts: [:])
    let security: MessageTransfer.SMTPSecurity =
      switch tls {
      case .required: .required
      case .optional: .optional
      case .none: .none
      }
    let transfer = MessageTransfer(
      url: url, kind: .smtp(from: from, recipients: to, security: security), body: mimeMessage(for: message),
      caFile: caCertificatePath, username: username, password: password?.value, timeout: timeout)
    let result: MessageTransfer.Result
    do {
      result = try transfer.perform()
    } catch {
      throw .invalidConfiguration(error.description)
    }
    if let failure = alertError(
      result.failure, host: hostPort, timeout: timeout, responseCode: result.responseCode, log: result.log, smtp: true)
    {
      throw failure
    }
    return AlertDeliveryReceipt(attempts: 1, detail: "\(result.responseCode) \(result.log.lastReplyText)")
  }

  /// `local@domain`, printable ASCII or UTF-8 letters, no spaces, angle brackets or control characters: enough
  /// to keep an address from breaking the SMTP command or a header; the server judges the rest.
  static func isPlausibleAddress(_ address: String) -> Bool {
    guard let at = address.lastIndex(of: "@"), at != address.startIndex, address.index(after: at) != address.endIndex
    else { return false }
    return !address.unicodeScalars.contains {
      $0.properties.generalCategory == .control || $0.properties.isWhitespace
        || "<>,;\"()[]\\".unicodeScalars.contains($0)
    }
  }
}
