import ArgumentParser
import Foundation
import Logging
import PolicyWatchAlerts
import PolicyWatchConfig
import PolicyWatchFetch
import PolicyWatchStore
import PolicyWatchSupport
import PolicyWatchView

/// `--verbose`, shared by the commands that log their steps (`check`, `replay`, `alert`).
struct LoggingOptions: ParsableArguments {
  @Flag(help: "Log every step (debug level) on standard error.")
  var verbose = false

  func logger(quiet: Bool = false) -> Logger {
    let level = StderrLogHandler.level(verbose: verbose, quiet: quiet)
    return Logger(label: "policywatch") { _ in StderrLogHandler(level: level) }
  }
}

/// The alert steps of a run (`check`, `replay`), and the run marker.
enum Alerting {
  /// Marks the start of a run in the outbox (`outbox/run.json`, with or without alert channels), after taking note
  /// of a run that was killed before it ended: its alerts are queued now (see `AlertDispatcher.beginRun`), and
  /// for a `check` the events it recorded are returned, for this run to print (the killed run could not).
  static func beginRun(
    _ command: String, config: PolicyWatchConfig?, store: SnapshotStore, logger: Logger, now: Date = Date()
  ) -> [StoreEvent] {
    let outbox = Outbox(store: store)
    var unreported: [StoreEvent] = []
    if let interrupted = outbox.interruptedRun() {
      let started = EventFormatting.timestamp(interrupted.started)
      if interrupted.command == "check" {
        unreported = store.allEvents().filter { $0.firstSeen >= interrupted.started.addingTimeInterval(-1) }
        printError(
          "policywatch: warning: the check started \(started) (pid \(interrupted.pid)) stopped before reporting "
            + "what it recorded; its \(unreported.count) event(s) are reported with this run's")
      } else if config?.alerts.channels.isEmpty ?? true {
        printError(
          "policywatch: warning: the \(interrupted.command) started \(started) stopped before reporting what it "
            + "recorded; its events cannot be told from older ones (policywatch log shows them)")
      }
    }
    if let config, !config.alerts.channels.isEmpty {
      _ = AlertDispatcher(settings: config.alerts, store: store, logger: logger).beginRun(command: command, now: now)
    } else {
      do {
        try outbox.beginRun(OutboxRun(command: command, started: now, pid: Int(getpid())))
      } catch {
        logger.error("cannot mark the run in the outbox: \(error.description)")
      }
    }
    return unreported
  }

  /// Queues and delivers the alerts for a run's events. Returns false when an alert could not be queued (the
  /// run then exits 2: that alert would otherwise be lost). Failed deliveries stay in the outbox and are logged
  /// (as errors at most once a day each); they do not change the exit status. The run marker stays: `endRun`
  /// removes it once the run's events are printed.
  static func dispatch(
    _ events: [StoreEvent], config: PolicyWatchConfig?, store: SnapshotStore, logger: Logger
  ) -> Bool {
    guard let config, !config.alerts.channels.isEmpty else {
      logger.debug("no alert channels configured")
      return true
    }
    let dispatcher = AlertDispatcher(settings: config.alerts, store: store, logger: logger)
    do {
      let report = try dispatcher.dispatch(events, endingRun: false)
      for error in report.errors + report.flush.ioErrors { logger.error("\(error)") }
      for (entry, why) in report.flush.deferred {
        logger.debug("alert \(entry.eventID) for \(entry.channel) waits: \(why)")
      }
      return report.errors.isEmpty && report.flush.ioErrors.isEmpty
    } catch {
      logger.error("alerts: \(error)")
      return false
    }
  }

  /// Says, at most once a day each, which alerts failed and still wait in the outbox (a quiet run prints it, so
  /// cron mails it daily until the alert is delivered or dropped).
  static func remindFailures(store: SnapshotStore, now: Date = Date()) {
    for entry in Outbox(store: store).reminders(now: now) {
      let when = entry.lastAttempt.map { " (last attempt \(EventFormatting.timestamp($0)))" } ?? ""
      printError(
        "policywatch: error: alert \(entry.eventID) to \(entry.channel) is not delivered after "
          + "\(entry.attempts) attempt(s)\(when): \(entry.lastError ?? "")"
          + (entry.needsAttention ? "; it needs attention" : "; it is retried with backoff")
          + ": `policywatch alert retry` sends it now, `policywatch alert drop \(entry.eventID)` gives it up")
    }
  }

  /// Ends the run (removes `outbox/run.json`) once its events are reported and its alerts queued.
  static func endRun(store: SnapshotStore, alertsQueued: Bool) {
    if alertsQueued { Outbox(store: store).endRun() }
  }
}

extension FetchConfiguration {
  /// The configuration file's fetch settings, under every option given on the command line (an option given wins,
  /// even when its value is the default).
  mutating func apply(_ settings: PolicyWatchConfig.FetchSettings?, options: FetchOptions) {
    guard let settings else { return }
    if options.connectTimeout == nil, let value = settings.connectTimeout {
      connectTimeout = .milliseconds(Int(value * 1000))
    }
    if options.timeout == nil, let value = settings.timeout { totalTimeout = .milliseconds(Int(value * 1000)) }
    if options.maxBody == nil, let value = settings.maxBody { maxBodyBytes = value }
    if options.attempts == nil, let value = settings.attempts { maxAttempts = value }
    if options.userAgent == nil, let value = settings.userAgent { userAgent = value }
    if options.acceptLanguage == nil, let value = settings.acceptLanguage {
      acceptLanguage = value.isEmpty ? nil : value
    }
  }
}

/// `policywatch config check`.
struct ConfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config",
    abstract: "Check the configuration file.",
    subcommands: [ConfigCheckCommand.self]
  )
}

struct ConfigCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate the configuration file and summarise it (secrets are never shown).",
    discussion: """
      Every problem is printed as FILE: KEY.PATH: CAUSE. Exit status: 0 valid, 1 invalid, 64 no file found.
      """
  )

  @OptionGroup var configFile: ConfigFileOption

  func run() throws {
    guard let path = configFile.located else {
      printError(
        "policywatch: no configuration file: give --config FILE or set POLICYWATCH_CONFIG (looked in "
          + PolicyWatchConfig.defaultPaths().joined(separator: ", ") + ")")
      throw ExitCode(64)
    }
    guard FileManager.default.fileExists(atPath: path) else {
      let given = configFile.config != nil ? "--config" : "POLICYWATCH_CONFIG"
      printError("policywatch: no configuration file: \(path) (from \(given)) does not exist")
      throw ExitCode(64)
    }
    let config: PolicyWatchConfig
    do {
      config = try PolicyWatchConfig.load(path: path)
    } catch {
      for problem in error.errors { print(problem) }
      print("\(path): \(error.errors.count) problem\(error.errors.count == 1 ? "" : "s")")
      throw ExitCode(1)
    }
    print("\(config.file): valid")
    print("  declarations  \(config.declarations ?? "(not set: --declarations or ./declarations)")")
    print("  store         \(config.store ?? "(not set: --store or ./Snapshots)")")
    if let declarations = config.declarations, !FileManager.default.fileExists(atPath: declarations) {
      print("  warning: \(declarations) does not exist yet")
    }
    for channel in config.alerts.channels {
      print("  channel \(channel.name): \(channel.transport.summary)")
      print("    alerts on: \(describe(channel.rules))")
    }
    if config.alerts.channels.isEmpty { print("  no alert channels") }
  }

  func describe(_ rules: AlertRules) -> String {
    var parts: [String] = []
    for kind in EventKind.allCases where rules.events.contains(kind) {
      switch kind {
      case .change:
        switch rules.dataUse {
        case .anyNewLanguage: parts.append("changes bringing data-use language")
        case .everyChange: parts.append("every change")
        case .categories(let categories):
          parts.append("changes bringing \(categories.sorted().joined(separator: ", "))")
        }
      case .inaccessible:
        parts.append(rules.inaccessibleDays == 0 ? "inaccessible" : "inaccessible for \(rules.inaccessibleDays) days")
      default:
        parts.append(kind.rawValue)
      }
    }
    let scope = rules.documents.isEmpty ? "every document" : rules.documents.joined(separator: ", ")
    return (parts.isEmpty ? "nothing" : parts.joined(separator: "; ")) + " — in " + scope
  }
}
