import Foundation
import PolicyWatchAlerts
import PolicyWatchDataUse
import PolicyWatchStore

// Reading the `alerts` section of policywatch.json into the models of PolicyWatchAlerts.

extension AlertSettings {
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
      if let name = channel.node("name")?.string, !names.insert(name).inserted {
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

extension AlertChannelConfig {
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

extension AlertRules {
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
    guard node(key)?.string != nil else { return nil }
    return string(key)
  }
}
