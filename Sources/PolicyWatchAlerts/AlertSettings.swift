import Foundation
import PolicyWatchDataUse
import PolicyWatchStore

/// The `alerts` section: channels, their rules, digests and retry backoff.
public struct AlertSettings: Sendable {
  public var channels: [AlertChannelConfig] = []
  /// When one run gives one channel more than this many alerts, they go out as a single digest.
  public var digestThreshold = 5
  /// The wait before the first retry of a failed delivery, in seconds; doubled on every failure.
  public var retryInitialDelay: Double = 300
  /// The longest wait between retries, in seconds.
  public var retryMaxDelay: Double = 6 * 3600
  /// The right-hand side of email Message-IDs (default: this machine's host name). Keep it fixed when the host
  /// name may change, so a duplicate delivery keeps its Message-ID.
  public var messageIDDomain: String?

  public init(channels: [AlertChannelConfig] = []) { self.channels = channels }

  /// The channel called `name`, if there is one.
  public func channel(named name: String) -> AlertChannelConfig? { channels.first { $0.name == name } }

}

/// One named channel: how to deliver, and which events to deliver.
public struct AlertChannelConfig: Sendable {
  public var name: String
  public var transport: AlertTransport
  public var rules: AlertRules

  public init(name: String, transport: AlertTransport, rules: AlertRules = AlertRules()) {
    self.name = name
    self.transport = transport
    self.rules = rules
  }

}

/// How a channel delivers.
public enum AlertTransport: Sendable {
  case smtp(SMTPChannel)
  case webhook(WebhookChannel)
  case exec(ExecutableChannel)

  /// Delivers one message through this channel.
  /// - Parameter message: the alert.
  /// - Returns: what the receiving end answered.
  /// - Throws: `AlertDeliveryError` saying what failed (transport, TLS, refusal, a hook's exit status…).
  @discardableResult
  public func send(_ message: AlertMessage) throws(AlertDeliveryError) -> AlertDeliveryReceipt {
    switch self {
    case .smtp(let channel): return try channel.send(message)
    case .webhook(let channel): return try channel.send(message)
    case .exec(let channel): return try channel.send(message)
    }
  }

  /// A secret-free description: `smtp 127.0.0.1:2525 → 2 recipients`, `webhook hooks.example.org:443`,
  /// `exec /usr/local/bin/notify`.
  public var summary: String {
    func hostPort(_ url: String) -> String {
      guard let components = URLComponents(string: url), let host = components.host else { return "(invalid URL)" }
      return components.port.map { "\(host):\($0)" } ?? host
    }
    switch self {
    case .smtp(let channel):
      return "smtp \(hostPort(channel.url)) → \(channel.to.joined(separator: ", "))"
    case .webhook(let channel): return "webhook \(hostPort(channel.url))"
    case .exec(let channel): return "exec \(channel.argv.first ?? "")"
    }
  }
}

/// Which events a channel gets.
public struct AlertRules: Sendable, Equatable {
  /// `Service` or `Service/Document` names; empty means every document.
  public var documents: [String] = []
  /// The event kinds that alert. `first` only when listed (a first run over 500 documents is not news).
  public var events: Set<EventKind> = [.change]
  /// For `inaccessible`: alert once a document has been inaccessible this many days (0: when it becomes so).
  public var inaccessibleDays = 0
  public var dataUse: DataUseTrigger = .anyNewLanguage
  /// Overrides `alerts.digestThreshold` for this channel.
  public var digestThreshold: Int?

  /// Which `change` events alert.
  public enum DataUseTrigger: Sendable, Equatable {
    /// A change that brings any new data-use language or removes a protection (the default).
    case anyNewLanguage
    /// Every change, data-use language or not.
    case everyChange
    /// A change bringing language of one of these categories (`AI_TRAINING`, `SALE_OF_DATA` …).
    case categories(Set<String>)
  }

  public init() {}

  /// Whether `event` alerts on this channel (the day-count rule for `inaccessible` is the dispatcher's).
  public func matches(_ event: StoreEvent) -> Bool {
    guard covers(service: event.service, document: event.document), events.contains(event.kind) else { return false }
    switch event.kind {
    case .change:
      let findings = event.dataUse ?? []
      switch dataUse {
      case .everyChange: return true
      case .anyNewLanguage: return !findings.isEmpty
      case .categories(let wanted): return findings.contains { wanted.contains($0.category) }
      }
    case .inaccessible:
      return inaccessibleDays == 0
    default:
      return true
    }
  }

  /// Whether `documents` includes this document (by its service, or by `Service/Document`), or is empty.
  public func covers(service: String, document: String) -> Bool {
    documents.isEmpty || documents.contains { $0 == service || $0 == "\(service)/\(document)" }
  }

}
