import Foundation

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

  public func channel(named name: String) -> AlertChannelConfig? { channels.first { $0.name == name } }

  static func parse(_ reader: ConfigReader, context: ConfigContext) -> AlertSettings {
    var settings = AlertSettings()
    settings.digestThreshold = reader.integer("digestThreshold", range: 1...100_000) ?? settings.digestThreshold
    settings.messageIDDomain = reader.string("messageIDDomain")
    if let retry = reader.child("retry") {
      settings.retryInitialDelay = retry.number("initialDelay", range: 0...86_400 * 7) ?? settings.retryInitialDelay
      settings.retryMaxDelay = retry.number("maxDelay", range: 0...86_400 * 30) ?? settings.retryMaxDelay
      retry.finish()
    }
    var names = Set<String>()
    for channel in reader.children("channels") ?? [] {
      // Names must be unique even among channels with other problems, so every error shows at once.
      if let name = channel.peek("name") as? String, !names.insert(name).inserted {
        channel.fail("name", "another channel is already called \(name)")
      }
      if let parsed = AlertChannelConfig.parse(channel, settings: settings, context: context) {
        settings.channels.append(parsed)
      }
      channel.finish()
    }
    for index in settings.channels.indices {
      if case .exec(var hook) = settings.channels[index].transport {
        hook.withheldEnvironment = context.secretVariables.names
        settings.channels[index].transport = .exec(hook)
      }
    }
    return settings
  }
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

  static func parse(_ reader: ConfigReader, settings: AlertSettings, context: ConfigContext) -> AlertChannelConfig? {
    let name = reader.string("name")
    if name == nil && !reader.has("name") { reader.fail(nil, "a channel needs a \"name\"") }
    if let name, name.isEmpty || !name.unicodeScalars.allSatisfy(Self.nameCharacters.contains) {
      reader.fail("name", "use letters, digits, '.', '_' and '-' only")
    }
    let kinds = ["smtp", "webhook", "exec"].filter(reader.has)
    if kinds.count != 1 {
      reader.fail(
        nil, kinds.isEmpty ? "a channel needs one of smtp, webhook, exec" : "give only one of smtp, webhook, exec")
    }
    var transport: AlertTransport?
    if let smtp = reader.child("smtp") {
      transport = Self.smtp(smtp, settings: settings, context: context).map(AlertTransport.smtp)
      smtp.finish()
    }
    if let webhook = reader.child("webhook") {
      transport = Self.webhook(webhook, context: context).map(AlertTransport.webhook)
      webhook.finish()
    }
    if let exec = reader.child("exec") {
      transport = Self.exec(exec, context: context).map(AlertTransport.exec)
      exec.finish()
    }
    var rules = AlertRules()
    if let rulesReader = reader.child("rules") {
      rules = AlertRules.parse(rulesReader)
      rulesReader.finish()
    }
    guard let name, let transport, kinds.count == 1 else { return nil }
    return AlertChannelConfig(name: name, transport: transport, rules: rules)
  }

  static let nameCharacters = CharacterSet(
    charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

  private static func check(_ reader: ConfigReader, _ validate: () throws(AlertDeliveryError) -> Void) -> Bool {
    do {
      try validate()
      return true
    } catch {
      if case .invalidConfiguration(let message) = error {
        reader.fail(nil, message)
      } else {
        reader.fail(nil, "\(error)")
      }
      return false
    }
  }

  static func smtp(_ reader: ConfigReader, settings: AlertSettings, context: ConfigContext) -> SMTPChannel? {
    let url = reader.string("url")
    let from = reader.string("from")
    let to = reader.strings("to")
    for (key, value) in [("url", url as Any?), ("from", from), ("to", to)] where value == nil && !reader.has(key) {
      reader.fail(key, "missing")
    }
    var tls = SMTPChannel.TLSMode.required
    if let mode = reader.string("tls") {
      if let parsed = SMTPChannel.TLSMode(rawValue: mode) {
        tls = parsed
      } else {
        reader.fail("tls", "\"\(mode)\" is not one of required, optional, none")
      }
    }
    let channel = SMTPChannel(
      url: url ?? "", from: from ?? "", fromName: reader.string("fromName") ?? "PolicyWatch", to: to ?? [],
      username: reader.string("username"), password: context.secret(reader, "password"), tls: tls,
      caCertificatePath: reader.string("caFile").map(context.resolve),
      timeout: reader.number("timeout", range: 0.1...3600) ?? 60,
      messageIDDomain: settings.messageIDDomain)
    guard url != nil, from != nil, to != nil, check(reader, channel.validate) else { return nil }
    return channel
  }

  static func webhook(_ reader: ConfigReader, context: ConfigContext) -> WebhookChannel? {
    // The URL may itself be the secret (Slack's are), so it may come from the environment or a file.
    let url = context.secret(reader, "url", allowInline: true)
    if url == nil && !["url", "urlEnv", "urlFile"].contains(where: reader.has) { reader.fail("url", "missing") }
    let channel = WebhookChannel(
      url: url?.value ?? "", bearerToken: context.secret(reader, "bearerToken"),
      headers: reader.dictionaryOfStrings("headers") ?? [:], timeout: reader.number("timeout", range: 0.1...3600) ?? 30,
      attempts: reader.integer("attempts", range: 1...10) ?? 3,
      retryDelay: reader.number("retryDelay", range: 0...60) ?? 1,
      caCertificatePath: reader.string("caFile").map(context.resolve))
    guard url != nil, check(reader, channel.validate) else { return nil }
    return channel
  }

  static func exec(_ reader: ConfigReader, context: ConfigContext) -> ExecutableChannel? {
    guard var argv = reader.strings("argv"), !argv.isEmpty else {
      reader.fail("argv", "missing: the program and its arguments, e.g. [\"/usr/local/bin/notify\", \"--json\"]")
      return nil
    }
    // A program given as a relative path ("hooks/notify.sh") is relative to the config file, like every path.
    if argv[0].contains("/") { argv[0] = context.resolve(argv[0]) }
    let channel = ExecutableChannel(
      argv: argv, environment: reader.dictionaryOfStrings("environment") ?? [:],
      timeout: reader.number("timeout", range: 0.1...3600) ?? 60,
      inheritEnvironment: reader.bool("inheritEnvironment") ?? true)
    guard check(reader, channel.validate) else { return nil }
    if argv[0].contains("/") && !FileManager.default.isExecutableFile(atPath: argv[0]) {
      reader.fail("argv[0]", "\(argv[0]) is not an executable file")
      return nil
    }
    return channel
  }
}

/// How a channel delivers.
public enum AlertTransport: Sendable {
  case smtp(SMTPChannel)
  case webhook(WebhookChannel)
  case exec(ExecutableChannel)

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

  public func covers(service: String, document: String) -> Bool {
    documents.isEmpty || documents.contains { $0 == service || $0 == "\(service)/\(document)" }
  }

  static func parse(_ reader: ConfigReader) -> AlertRules {
    var rules = AlertRules()
    rules.documents = reader.strings("documents") ?? []
    if let kinds = reader.strings("events") {
      var set = Set<EventKind>()
      for (index, kind) in kinds.enumerated() {
        if let parsed = EventKind(rawValue: kind) {
          set.insert(parsed)
        } else {
          reader.fail(
            "events[\(index)]",
            "\"\(kind)\" is not an event kind (\(EventKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
      }
      rules.events = set
    }
    rules.inaccessibleDays = reader.integer("inaccessibleDays", range: 0...3650) ?? 0
    if rules.inaccessibleDays > 0 && !rules.events.contains(.inaccessible) {
      reader.fail("inaccessibleDays", "has no effect unless \"events\" lists \"inaccessible\"")
    }
    rules.digestThreshold = reader.integer("digestThreshold", range: 1...100_000)
    if reader.has("dataUse") {
      if let single = reader.string(ifString: "dataUse") {
        switch single {
        case "any": rules.dataUse = .anyNewLanguage
        case "every-change": rules.dataUse = .everyChange
        default:
          reader.fail("dataUse", "\"\(single)\" is not \"any\", \"every-change\" or a list of categories")
        }
      } else if let list = reader.strings("dataUse") {
        let known = Set(DataUseRules.builtIn.categories)
        for (index, category) in list.enumerated() where !known.contains(category) {
          reader.fail(
            "dataUse[\(index)]", "unknown category \"\(category)\" (one of \(known.sorted().joined(separator: ", ")))")
        }
        rules.dataUse = .categories(Set(list))
      }
    }
    return rules
  }
}

extension ConfigReader {
  /// The string at `key` when it is one, without reporting a type error (for keys that take a string or a list).
  func string(ifString key: String) -> String? {
    guard peek(key) is String else { return nil }
    return string(key)
  }
}
