import ArgumentParser
import Foundation
import PolicyWatch

/// `policywatch alert test|list|retry`.
struct AlertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "alert",
    abstract: "Test alert channels and look after the outbox.",
    subcommands: [AlertTestCommand.self, AlertListCommand.self, AlertRetryCommand.self]
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
        print("delivered  \(delivery.channel)  \(delivery.eventID)\(count)  \(delivery.delivered)  \(delivery.detail)")
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
        let next = entry.nextAttempt.map { " next attempt after \($0)" } ?? ""
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
