import ArgumentParser
import Foundation
import PolicyWatchAlerts
import PolicyWatchConfig
import PolicyWatchView

/// `policywatch alert test|list|retry`.
struct AlertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "alert",
    abstract: "Test alert channels and look after the outbox.",
    subcommands: [AlertTestCommand.self, AlertListCommand.self, AlertRetryCommand.self, AlertDropCommand.self]
  )
}

/// Loads the configuration (required here).
private func requiredConfig(_ options: ConfigFileOption) throws -> PolicyWatchConfig {
  guard let config = try options.load() else {
    printError("policywatch: no configuration file: give --config FILE or set POLICYWATCH_CONFIG")
    throw ExitCode(64)
  }
  return config
}

struct AlertTestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Send a test message through every channel (or one), now, without the outbox.",
    discussion: "Exit status: 0 every test message was delivered, 2 one failed (the reason is printed), 64 usage."
  )

  @OptionGroup var configFile: ConfigFileOption

  @Option(help: "Only this channel.")
  var channel: String?

  func run() throws {
    let config = try requiredConfig(configFile)
    var channels = config.alerts.channels
    if let channel {
      channels = channels.filter { $0.name == channel }
      guard !channels.isEmpty else {
        printError(
          "policywatch: no channel \(channel) in \(config.file) (channels: "
            + config.alerts.channels.map(\.name).joined(separator: ", ") + ")")
        throw ExitCode(64)
      }
    }
    guard !channels.isEmpty else {
      printError("policywatch: \(config.file) has no alert channels")
      throw ExitCode(64)
    }
    var failed = false
    for channel in channels {
      let message = AlertComposer.testMessage(channel: channel.name, now: Date())
      do {
        let receipt = try channel.transport.send(message)
        print("\(channel.name): delivered (\(channel.transport.summary); \(receipt.detail))")
      } catch {
        failed = true
        print("\(channel.name): FAILED (\(channel.transport.summary)): \(error)")
      }
    }
    if failed { throw ExitCode(2) }
  }
}

struct AlertListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List the alerts waiting in the outbox (pending retries and failed deliveries).",
    discussion: "Exit status: 0 the outbox is empty, 1 alerts are waiting, 64 usage."
  )

  @OptionGroup var storeOptions: StoreOptions

  @Flag(help: "Also list the deliveries made (outbox/delivered.jsonl).")
  var delivered = false

  func run() throws {
    let store = try storeOptions.openForReading()
    let outbox = Outbox(store: store)
    if delivered {
      for delivery in outbox.deliveries() {
        let count = delivery.events.count > 1 ? " (\(delivery.events.count) events)" : ""
        let what = delivery.dropped == true ? "dropped  " : "delivered"
        print(
          "\(what)  \(delivery.channel)  \(delivery.eventID)\(count)  \(EventFormatting.timestamp(delivery.delivered))  "
            + delivery.detail)
      }
    }
    let pending = outbox.pending { printError("policywatch: \($0)") }
    for entry in pending {
      let state: String
      if entry.attempts == 0 {
        state = "pending (not tried yet)"
      } else if entry.needsAttention {
        state = "FAILED after \(entry.attempts) attempt(s), needs attention: \(entry.lastError ?? "")"
      } else {
        let next = entry.nextAttempt.map { " next attempt after \(EventFormatting.timestamp($0))" } ?? ""
        state = "retrying (\(entry.attempts) attempt(s), last: \(entry.lastError ?? ""))\(next)"
      }
      print("\(entry.channel)  \(entry.eventID)  \(entry.subject)")
      print("    \(state)")
    }
    if pending.isEmpty {
      print("outbox is empty (\(outbox.directory))")
    } else {
      print("\(pending.count) alert\(pending.count == 1 ? "" : "s") waiting in \(outbox.directory)")
      throw ExitCode(1)
    }
  }
}

struct AlertRetryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retry",
    abstract: "Deliver every alert waiting in the outbox now, ignoring backoff and earlier permanent failures.",
    discussion: "Exit status: 0 the outbox is empty afterwards, 2 some alerts are still waiting, 64 usage."
  )

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var loggingOptions: LoggingOptions

  @Option(help: "Only this channel's alerts.")
  var channel: String?

  func run() throws {
    let config = try requiredConfig(storeOptions.configFile)
    let (store, lock) = try storeOptions.openForWriting(ConfigLocations(config), create: false)
    defer { withExtendedLifetime(lock) {} }
    let logger = loggingOptions.logger()
    let outbox = Outbox(store: store)
    let transports = Dictionary(
      config.alerts.channels.map { ($0.name, $0.transport) }, uniquingKeysWith: { first, _ in first })
    let report = try outbox.flush(
      channels: transports, settings: config.alerts, force: true, only: channel, logger: logger)
    for (entry, why) in report.deferred { print("\(entry.channel)  \(entry.eventID): not sent: \(why)") }
    for error in report.ioErrors { printError("policywatch: \(error)") }
    print(
      "\(report.delivered.count) delivered, \(report.failed.count) failed, \(report.deferred.count) not sent")
    if !report.failed.isEmpty || !report.deferred.isEmpty || !report.ioErrors.isEmpty { throw ExitCode(2) }
  }
}

struct AlertDropCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "drop",
    abstract: "Give up alerts waiting in the outbox: they are never sent, and their failures no longer reminded.",
    discussion: """
      Each dropped alert is logged in outbox/delivered.jsonl as dropped (alert list --delivered shows it), so it is \
      never queued again. Exit status: 0 dropped, 64 an EVENT-ID matches no waiting alert (the waiting ones are \
      listed) or nothing to drop.
      """
  )

  @Argument(help: "The event ids of the alerts to drop (as alert list shows them).")
  var eventIDs: [String] = []

  @Flag(help: "Drop every alert that failed permanently (FAILED, needs attention).")
  var allFailed = false

  @Option(help: "Only this channel's alerts.")
  var channel: String?

  @OptionGroup var storeOptions: StoreOptions

  func validate() throws {
    guard !eventIDs.isEmpty || allFailed else { throw ValidationError("give EVENT-ID… or --all-failed") }
  }

  func run() throws {
    let locations = try storeOptions.configFile.locations()
    let (store, lock) = try storeOptions.openForWriting(locations, create: false)
    defer { withExtendedLifetime(lock) {} }
    let outbox = Outbox(store: store)
    let pending = outbox.pending { printError("policywatch: \($0)") }.filter { channel == nil || $0.channel == channel }
    var chosen = allFailed ? pending.filter(\.needsAttention) : []
    for id in eventIDs {
      let matching = pending.filter { $0.eventID == id }
      guard !matching.isEmpty else {
        let waiting = pending.map { "\($0.channel)  \($0.eventID)" }
        printError(
          "policywatch: no alert for \(id) waits in the outbox"
            + (waiting.isEmpty ? " (it is empty)" : "; waiting:\n  " + waiting.joined(separator: "\n  ")))
        throw ExitCode(64)
      }
      chosen += matching.filter { entry in !chosen.contains { $0.fileName == entry.fileName } }
    }
    guard !chosen.isEmpty else {
      printError("policywatch: no alert needs attention\(channel.map { " for \($0)" } ?? "")")
      throw ExitCode(64)
    }
    for entry in chosen {
      do {
        try outbox.drop(entry)
        print("dropped  \(entry.channel)  \(entry.eventID)  \(entry.subject)")
      } catch {
        printError("policywatch: cannot drop \(entry.eventID) for \(entry.channel): \(error)")
        throw ExitCode(2)
      }
    }
  }
}
