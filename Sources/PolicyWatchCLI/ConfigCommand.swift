import ArgumentParser
import Foundation
import Logging
import PolicyWatch

/// `--config FILE` and `--verbose`, shared by `check`, `replay`, `alert` and `config`.
struct ConfigOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The configuration file (default: $POLICYWATCH_CONFIG, then ~/.config/policywatch/config.json, then "
        + "/etc/policywatch/config.json).", valueName: "file"))
  var config: String?

  @Flag(help: "Log every step (debug level) on standard error.")
  var verbose = false

  /// The configuration, or nil when none is given and no default file exists. Exits with status 64 and every
  /// problem (file, key path, cause) when the file is invalid: nothing is fetched or recorded with a broken
  /// alert setup, so no change can pass unannounced.
  func load() throws -> PolicyWatchConfig? {
    guard let path = PolicyWatchConfig.locate(explicit: config) else { return nil }
    do {
      return try PolicyWatchConfig.load(path: path)
    } catch {
      for problem in error.errors { printError("policywatch: config: \(problem)") }
      throw ExitCode(64)
    }
  }

  func logger(quiet: Bool = false) -> Logger {
    let level = StderrLogHandler.level(verbose: verbose, quiet: quiet)
    return Logger(label: "policywatch") { _ in StderrLogHandler(level: level) }
  }

  /// `--store` when given (anything but its default), else the configuration's store, else the default.
  static func store(_ options: StoreOptions, _ config: PolicyWatchConfig?) -> StoreOptions {
    var options = options
    // "Snapshots" is StoreOptions' default (ArgumentParser cannot say whether an option was given).
    if options.store == "Snapshots", let store = config?.store { options.store = store }
    return options
  }

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
  /// The configuration file's fetch settings, under any option given on the command line (an option counts as
  /// given when it differs from its default).
  mutating func apply(_ settings: PolicyWatchConfig.FetchSettings?, options: FetchOptions) {
    guard let settings else { return }
    // FetchOptions' defaults (an unparsed FetchOptions() cannot be read).
    let defaults = (
      connectTimeout: 15.0, timeout: 60.0, maxBody: 20 * 1024 * 1024, attempts: 3,
      userAgent: FetchConfiguration.defaultUserAgent, acceptLanguage: "en"
    )
    if options.connectTimeout == defaults.connectTimeout, let value = settings.connectTimeout {
      connectTimeout = .milliseconds(Int(value * 1000))
    }
    if options.timeout == defaults.timeout, let value = settings.timeout {
      totalTimeout = .milliseconds(Int(value * 1000))
    }
    if options.maxBody == defaults.maxBody, let value = settings.maxBody { maxBodyBytes = value }
    if options.attempts == defaults.attempts, let value = settings.attempts { maxAttempts = value }
    if options.userAgent == defaults.userAgent, let value = settings.userAgent { userAgent = value }
    if options.acceptLanguage == defaults.acceptLanguage, let value = settings.acceptLanguage {
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

  @OptionGroup var configOptions: ConfigOptions

  func run() throws {
    guard let path = PolicyWatchConfig.locate(explicit: configOptions.config) else {
      printError(
        "policywatch: no configuration file: give --config FILE or set POLICYWATCH_CONFIG (looked in "
          + PolicyWatchConfig.defaultPaths().joined(separator: ", ") + ")")
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
