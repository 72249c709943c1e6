internal import CCurl
internal import CCurlShims
import Foundation

/// One message sent out through libcurl, for the alert channels: an SMTP submission or an HTTP POST. Typed
/// settings in, a typed result out: the channels never see a libcurl option, code or callback.
package struct MessageTransfer: Sendable {
  package enum Kind: Sendable {
    /// SMTP or SMTPS: `MAIL FROM` and `RCPT TO` from these addresses; the body is the whole MIME message.
    case smtp(from: String, recipients: [String], security: SMTPSecurity)
    /// HTTP(S) POST of the body with these header lines; redirects are not followed; the response body is dropped.
    case post(headers: [String], userAgent: String)
  }

  /// STARTTLS on an `smtp://` URL (an `smtps://` URL is TLS from the start whatever this says).
  package enum SMTPSecurity: Sendable {
    case required, optional, none
  }

  package var url: String
  package var kind: Kind
  package var body: [UInt8]
  /// A CA bundle to verify the server with, instead of the system's.
  package var caFile: String?
  package var username: String?
  package var password: String?
  /// Seconds, for the connection and for the whole transfer (and, for SMTP, each reply).
  package var timeout: Double

  package init(
    url: String, kind: Kind, body: [UInt8], caFile: String? = nil, username: String? = nil, password: String? = nil,
    timeout: Double
  ) {
    self.url = url
    self.kind = kind
    self.body = body
    self.caFile = caFile
    self.username = username
    self.password = password
    self.timeout = timeout
  }

  /// What went wrong with a transfer, as far as the network and TLS are concerned (a refusal by the server is in
  /// the result's `responseCode` and `log`).
  package struct Failure: Error, Sendable {
    package enum Kind: Sendable {
      case timedOut
      /// The server does not offer STARTTLS and TLS was required.
      case startTLSRefused
      /// The TLS handshake or the certificate check failed.
      case tls
      /// libcurl refused the request itself (malformed URL, unsupported scheme).
      case invalidRequest
      /// Anything else: connection refused, reset, the server closed the dialogue…
      case transport
    }

    package var kind: Kind
    /// libcurl's detailed message.
    package var message: String
    /// Whether another attempt may succeed (the network failed, not the request).
    package var retryable: Bool
  }

  /// What came back: the failure if the transfer failed, the last SMTP reply code or the HTTP status, and the
  /// dialogue (SMTP) or response headers (HTTP).
  package struct Result {
    package var failure: Failure?
    package var responseCode: Int
    package var log: ResponseLog
  }

  /// Runs the transfer. Throws only when libcurl cannot be set up (out of memory, an option it does not know).
  package func perform() throws(CurlSetupError) -> Result {
    let source = UploadSource(body)
    let log = ResponseLog()
    let easy = try CurlEasy()
    try easy.set(CURLOPT_URL, url)
    try easy.set(CURLOPT_NOSIGNAL, 1)
    try easy.setUpload(source)
    switch kind {
    case .smtp(let from, let recipients, let security):
      try easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
      try easy.set(CURLOPT_MAIL_FROM, "<\(from)>")
      try easy.set(CURLOPT_MAIL_RCPT, list: recipients.map { "<\($0)>" })
      try easy.set(CURLOPT_UPLOAD, 1)
      try easy.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(body.count))  // lets libcurl announce SIZE= in MAIL FROM
      let mode: curl_usessl =
        switch security {
        case .required: CURLUSESSL_ALL
        case .optional: CURLUSESSL_TRY
        case .none: CURLUSESSL_NONE
        }
      try easy.set(CURLOPT_USE_SSL, Int(mode.rawValue))
      try easy.recordDialogue(into: log)
      // CURLOPT_TIMEOUT does not cover the QUIT libcurl sends when the handle is cleaned up after a failure; a
      // server stuck in DATA would then hold us for the default 120 s. This bounds every reply wait, QUIT's too,
      // so a failing send takes at most about twice `timeout`.
      try easy.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, Int(timeout.rounded(.up))))
    case .post(let headers, let userAgent):
      try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
      try easy.set(CURLOPT_FOLLOWLOCATION, 0)
      try easy.set(CURLOPT_POST, 1)
      try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
      try easy.discardResponseBody()
      try easy.recordHeaders(into: log)
      try easy.set(CURLOPT_USERAGENT, userAgent)
      try easy.set(CURLOPT_HTTPHEADER, list: headers)
    }
    if let caFile { try easy.set(CURLOPT_CAINFO, caFile) }
    if let username, !username.isEmpty {
      try easy.set(CURLOPT_USERNAME, username)
      try easy.set(CURLOPT_PASSWORD, password ?? "")
    }
    let milliseconds = max(1, Int((timeout * 1000).rounded()))
    try easy.set(CURLOPT_TIMEOUT_MS, milliseconds)
    try easy.set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds)
    let code = withExtendedLifetime((source, log)) { easy.perform() }
    return Result(
      failure: Self.failure(code, errorBuffer: easy.errorMessage),
      responseCode: easy.info(long: CURLINFO_RESPONSE_CODE),
      log: log)
  }

  /// The one place a finished message transfer's `CURLcode` is interpreted.
  private static func failure(_ code: CURLcode, errorBuffer: String) -> Failure? {
    guard code != CURLE_OK else { return nil }
    let message = errorBuffer.isEmpty ? String(cString: curl_easy_strerror(code)) : errorBuffer
    let kind: Failure.Kind
    switch code {
    case CURLE_OPERATION_TIMEDOUT: kind = .timedOut
    case CURLE_USE_SSL_FAILED: kind = .startTLSRefused
    case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
      CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
      kind = .tls
    case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: kind = .invalidRequest
    default: kind = .transport
    }
    return Failure(kind: kind, message: message, retryable: isRetryable(transferCode: code))
  }
}

// libcurl plumbing of message transfers: the upload source behind CURLOPT_READFUNCTION, the response recorders
// behind CURLOPT_HEADERFUNCTION / CURLOPT_DEBUGFUNCTION. Ownership: every object handed to libcurl as userdata is
// kept alive by `perform()` until libcurl returns (`withExtendedLifetime`); libcurl never frees it.

final class UploadSource {
  let bytes: [UInt8]
  var offset = 0
  init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// CURLOPT_READFUNCTION: copies the next slice of the upload; returning 0 means end of data.
private let readUpload: pw_curl_read_callback = { buffer, size, count, userdata in
  guard let buffer, let userdata else { return 0 }
  let source = Unmanaged<UploadSource>.fromOpaque(userdata).takeUnretainedValue()
  let length = min(size * count, source.bytes.count - source.offset)
  guard length > 0 else { return 0 }
  source.bytes.withUnsafeBytes { bytes in
    UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + source.offset, byteCount: length)
  }
  source.offset += length
  return length
}

/// CURLOPT_WRITEFUNCTION that drops the response body (libcurl would otherwise write it to stdout).
private let discardBody: pw_curl_data_callback = { _, size, count, _ in size * count }

/// What the peer said, as seen by the header and debug callbacks. Secret-free by construction: only the verb
/// of each command is kept (an `AUTH PLAIN` line carries the password), plus the address of `RCPT TO`.
package final class ResponseLog {
  /// Server reply lines (SMTP) or response header lines (HTTP), the last 40, each cut at 300 characters.
  package var lines: [String] = []
  /// The verb of the last command libcurl sent (`EHLO`, `AUTH`, `MAIL`, `RCPT`, `DATA` …).
  package var lastVerb = ""
  /// The address of the last `RCPT TO:` sent: the recipient a failing RCPT reply is about.
  package var lastRecipient = ""
  /// The last SMTP reply with a code of 400 or more, with the command and recipient it answered. Kept apart
  /// because libcurl sends QUIT after a failure, and QUIT's "221 Bye" then is the last reply.
  package var failure: (code: Int, verb: String, recipient: String, text: String)?

  func record(incoming line: String) {
    let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return }
    lines.append(String(trimmed.prefix(300)))
    if lines.count > 40 { lines.removeFirst(lines.count - 40) }
    // The final line of an SMTP reply is "NNN text" (continuation lines are "NNN-text").
    let bytes = Array(trimmed.utf8)
    if bytes.count >= 3, bytes.count == 3 || bytes[3] == UInt8(ascii: " "), let code = Int(trimmed.prefix(3)),
      code >= 400
    {
      failure = (code, lastVerb, lastVerb == "RCPT" ? lastRecipient : "", lastReplyText)
    }
  }

  func record(outgoing command: String) {
    let verb = command.prefix { $0 != " " && $0 != ":" && $0 != "\r" && $0 != "\n" }.uppercased()
    lastVerb = verb
    if verb == "RCPT", let open = command.firstIndex(of: "<"), let close = command[open...].firstIndex(of: ">") {
      lastRecipient = String(command[command.index(after: open)..<close])
    }
  }

  /// The text of the last SMTP reply (all its lines, codes removed), e.g. `5.1.1 <x@y>: unknown user`.
  package var lastReplyText: String {
    guard let last = lines.last, last.count >= 3 else { return lines.last ?? "" }
    let code = last.prefix(3)
    var parts: [String] = []
    for line in lines.reversed() {
      guard line.hasPrefix(code) else { break }
      let rest = line.dropFirst(4)
      parts.insert(String(rest), at: 0)
      if parts.count > 1 && line.dropFirst(3).first == " " { break }
    }
    return parts.joined(separator: " ")
  }

  /// A response header's value (HTTP), from the last response.
  package func header(_ name: String) -> String? {
    for line in lines.reversed() {
      if line.hasPrefix("HTTP/") { return nil }
      guard let colon = line.firstIndex(of: ":") else { continue }
      if line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() {
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
    }
    return nil
  }
}

/// CURLOPT_HEADERFUNCTION for HTTP: keeps the response header lines.
private let recordHeader: pw_curl_data_callback = { data, size, count, userdata in
  guard let data, let userdata else { return size * count }
  let log = Unmanaged<ResponseLog>.fromOpaque(userdata).takeUnretainedValue()
  let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
  log.record(incoming: line)
  return size * count
}

/// CURLOPT_DEBUGFUNCTION: the SMTP dialogue line by line (CURLINFO_HEADER_IN: replies; CURLINFO_HEADER_OUT:
/// commands). Needed to name the refused recipient; CURLINFO_RESPONSE_CODE alone only gives the code.
private let dialogueCallback: curl_debug_callback = { _, type, data, size, userdata in
  guard let data, let userdata, type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else { return 0 }
  let log = Unmanaged<ResponseLog>.fromOpaque(userdata).takeUnretainedValue()
  let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
  for line in text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) {
    if type == CURLINFO_HEADER_IN { log.record(incoming: String(line)) } else { log.record(outgoing: String(line)) }
  }
  return 0
}

extension CurlEasy {
  /// Uploads `source` through the read callback. `source` must outlive `perform()`.
  func setUpload(_ source: UploadSource) throws(CurlSetupError) {
    try setReadCallback(readUpload)
    try set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(source).toOpaque())
  }

  /// Drops the response body.
  func discardResponseBody() throws(CurlSetupError) {
    try set(CURLOPT_WRITEFUNCTION, callback: discardBody)
  }

  /// Records HTTP response headers into `log`, which must outlive `perform()`.
  func recordHeaders(into log: ResponseLog) throws(CurlSetupError) {
    try set(CURLOPT_HEADERFUNCTION, callback: recordHeader)
    try set(CURLOPT_HEADERDATA, pointer: Unmanaged.passUnretained(log).toOpaque())
  }

  /// Records the SMTP dialogue into `log`, which must outlive `perform()`. CurlEasy has no typed setter for
  /// CURLOPT_DEBUGFUNCTION, so the function pointer goes through the `void *` shim: a C function pointer and a
  /// data pointer have the same size and are passed alike through varargs on every platform Swift runs on
  /// Linux. (A `pw_curl_easy_setopt_debug_callback` shim would be the tidier fix.)
  func recordDialogue(into log: ResponseLog) throws(CurlSetupError) {
    try set(CURLOPT_DEBUGFUNCTION, pointer: unsafeBitCast(dialogueCallback, to: UnsafeMutableRawPointer.self))
    try set(CURLOPT_DEBUGDATA, pointer: Unmanaged.passUnretained(log).toOpaque())
    try set(CURLOPT_VERBOSE, 1)  // the debug callback only runs in verbose mode; nothing goes to stderr
  }
}
