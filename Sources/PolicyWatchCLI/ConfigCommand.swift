import ArgumentParser
import Foundation
import Logging
import PolicyWatch

/// `--verbose`, shared by the commands that log their steps (`check`, `replay`, `alert`).
struct LoggingOptions: ParsableArguments {
  @Flag(help: "Log every step (debug level) on standard error.")
  var verbose = false

  func logger(quiet: Bool = false) -> Logger {
    let level = StderrLogHandler.level(verbose: verbose, quiet: quiet)
    return Logger(label: "policywatch") { _ in StderrLogHandler(level: level) }
  }
}

/// The alert steps of a run (`check`, `replay`).
enum Alerting {
  /// Marks the start of a run in the outbox (see `AlertDispatcher.beginRun`), when alerts are configured.
  static func beginRun(_ command: String, config: PolicyWatchConfig?, store: SnapshotStore, logger: Logger) {
    guard let config, !config.alerts.channels.isEmpty else { return }
    _ = AlertDispatcher(settings: config.alerts, store: store, logger: logger).beginRun(command: command)
  }

  /// Queues and delivers the alerts for a run's events. Returns false when an alert could not be queued (the
  /// run then exits 2: that alert would otherwise be lost). Failed deliveries stay in the outbox and are logged;
  /// they do not change the exit status.
  static func dispatch(
    _ events: [StoreEvent], config: PolicyWatchConfig?, store: SnapshotStore, logger: Logger
  ) -> Bool {
    guard let config, !config.alerts.channels.isEmpty else {
      logger.debug("no alert channels configured")
      return true
    }
    let dispatcher = AlertDispatcher(settings: config.alerts, store: store, logger: logger)
    do {
      let report = try dispatcher.dispatch(events)
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
