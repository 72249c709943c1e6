internal import CCurl
internal import CCurlShims
import Foundation
import PolicyWatchFetch

/// The C signature shared by CURLOPT_READFUNCTION, CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typealias AlertCurlDataCallback = pw_curl_data_callback

// libcurl plumbing shared by the SMTP and webhook channels: the upload source behind CURLOPT_READFUNCTION, the
// response recorders behind CURLOPT_HEADERFUNCTION / CURLOPT_DEBUGFUNCTION, and the mapping of a finished
// transfer's CURLcode to `AlertDeliveryError`. Ownership: every object handed to libcurl as userdata is kept
// alive by the Swift caller until `perform()` returns (`withExtendedLifetime`); libcurl never frees it.

/// The bytes to upload (SMTP DATA, POST body), read by libcurl through `readUpload`.
final class UploadSource {
  let bytes: [UInt8]
  var offset = 0
  init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// CURLOPT_READFUNCTION: copies the next slice of the upload; returning 0 means end of data.
private let readUpload: AlertCurlDataCallback = { buffer, size, count, userdata in
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
private let discardBody: AlertCurlDataCallback = { _, size, count, _ in size * count }

/// What the peer said, as seen by the header and debug callbacks. Secret-free by construction: only the verb
/// of each command is kept (an `AUTH PLAIN` line carries the password), plus the address of `RCPT TO`.
final class ResponseLog {
  /// Server reply lines (SMTP) or response header lines (HTTP), the last 40, each cut at 300 characters.
  var lines: [String] = []
  /// The verb of the last command libcurl sent (`EHLO`, `AUTH`, `MAIL`, `RCPT`, `DATA` …).
  var lastVerb = ""
  /// The address of the last `RCPT TO:` sent: the recipient a failing RCPT reply is about.
  var lastRecipient = ""
  /// The last SMTP reply with a code of 400 or more, with the command and recipient it answered. Kept apart
  /// because libcurl sends QUIT after a failure, and QUIT's "221 Bye" then is the last reply.
  var failure: (code: Int, verb: String, recipient: String, text: String)?

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
  var lastReplyText: String {
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
  func header(_ name: String) -> String? {
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
private let recordHeader: AlertCurlDataCallback = { data, size, count, userdata in
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

/// The one place a finished alert transfer's CURLcode becomes an `AlertDeliveryError` (or nil on success).
/// `responseCode` is CURLINFO_RESPONSE_CODE: the last SMTP reply code, or the HTTP status.
func alertError(
  code: CURLcode, errorBuffer: String, host: String, timeout: Double, responseCode: Int, log: ResponseLog,
  smtp: Bool
) -> AlertDeliveryError? {
  guard code != CURLE_OK else { return nil }
  let message = errorBuffer.isEmpty ? String(cString: curl_easy_strerror(code)) : errorBuffer
  switch code {
  case CURLE_OPERATION_TIMEDOUT:
    return .timedOut(host: host, seconds: timeout)
  case CURLE_USE_SSL_FAILED:
    return .tls("\(host) does not offer STARTTLS, and TLS is required")
  case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
    CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
    return .tls("\(host): \(message)")
  case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
    return .invalidConfiguration(message)
  default:
    break
  }
  if smtp, let failure = log.failure {
    let reply = failure.text.isEmpty ? message : failure.text
    if !failure.recipient.isEmpty {
      return .recipientRejected(recipient: failure.recipient, code: failure.code, message: reply)
    }
    return .smtp(code: failure.code, message: reply)
  }
  if smtp && responseCode >= 400 {
    return .smtp(code: responseCode, message: message)
  }
  return .transport(host: host, message: message)
}

/// Parses and checks a channel URL: the scheme must be one of `schemes`, no credentials in it (they would end
/// up in logs); returns the scheme and `host:port` for messages.
func checkedChannelURL(
  _ url: String, schemes: [String], defaultPorts: [String: Int]
) throws(AlertDeliveryError) -> (scheme: String, hostPort: String) {
  guard !url.contains(where: { $0.isNewline || $0 == " " }), let components = URLComponents(string: url),
    let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty
  else {
    throw .invalidConfiguration(
      "not a valid URL (expected \(schemes.map { $0 + "://host" }.joined(separator: " or ")))")
  }
  guard schemes.contains(scheme) else {
    throw .invalidConfiguration("scheme \(scheme) is not supported; use \(schemes.joined(separator: " or "))")
  }
  guard components.user == nil && components.password == nil else {
    throw .invalidConfiguration("put credentials in the channel's username/password or token, not in the URL")
  }
  let port = components.port ?? defaultPorts[scheme] ?? 0
  return (scheme, "\(host):\(port)")
}
