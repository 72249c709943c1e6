import Foundation
import PolicyWatchFetch

/// The one place a finished alert transfer becomes an `AlertDeliveryError` (or nil on success). `responseCode` is
/// the last SMTP reply code, or the HTTP status.
func alertError(
  _ failure: MessageTransfer.Failure?, host: String, timeout: Double, responseCode: Int, log: ResponseLog, smtp: Bool
) -> AlertDeliveryError? {
  guard let failure else { return nil }
  let message = failure.message
  switch failure.kind {
  case .timedOut: return .timedOut(host: host, seconds: timeout)
  case .startTLSRefused: return .tls("\(host) does not offer STARTTLS, and TLS is required")
  case .tls: return .tls("\(host): \(message)")
  case .invalidRequest: return .invalidConfiguration(message)
  case .transport: break
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
