import ArgumentParser
import Foundation
import PolicyWatchCheck
import PolicyWatchDataUse
import PolicyWatchStore
import PolicyWatchView

/// `policywatch replay DIR`: ingest historical snapshots as if fetched at their times.
struct ReplayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay",
    abstract: "Record a folder of dated snapshots (DIR/declaration.json + DIR/snapshots/<time>[#page].html).",
    discussion: """
      Each snapshot is extracted with the rules in force at its time; the same decisions as `check` are made and \
      the same events recorded. Replaying the same folder twice adds nothing the second time. Several DIRs are \
      replayed in parallel (one document per core); each folder's events are printed in the order given.
      """
  )

  @Argument(help: "Folders laid out like the documents of ../shared/corpus/ota-genai-eu once unpacked.")
  var directories: [String]

  @OptionGroup var storeOptions: StoreOptions

  @Option(help: "text, or json (one event per line).")
  var format: OutputFormat = .text

  @OptionGroup var loggingOptions: LoggingOptions

  func run() throws {
    let config = try storeOptions.configFile.load()
    let logger = loggingOptions.logger()
    // A folder without its declaration is refused before the store is created (if new) and locked.
    for directory in directories where !FileManager.default.fileExists(atPath: directory + "/declaration.json") {
      let what = FileManager.default.fileExists(atPath: directory) ? "has no declaration.json" : "does not exist"
      printError(
        "policywatch: \(directory) \(what); replay reads DIR/declaration.json and DIR/snapshots/<time>[#page].html")
      throw ExitCode(64)
    }
    let (store, lock) = try storeOptions.openForWriting(ConfigLocations(config))
    var events: [StoreEvent] = []
    // Events a killed `check` recorded and never printed come first, once (as `check` would print them).
    for event in Alerting.beginRun("replay", config: config, store: store, logger: logger) {
      print(format == .json ? EventFormatting.json(event) : EventFormatting.line(event))
    }
    let replayer = Replayer(recorder: Recorder(store: store, classifier: config?.classifier ?? DataUseClassifier()))
    var troubled = false
    var changed = false
    // Documents are replayed in parallel; each folder's events are printed when it is done, in the order given.
    replayer.replay(directories: directories) { _, result in
      switch result {
      case .success(var summary):
        summary.events = store.addressed(summary.events)
        for event in summary.events {
          print(format == .json ? EventFormatting.json(event) : EventFormatting.line(event))
        }
        events += summary.events
        changed = changed || summary.events.contains { $0.kind == .change || $0.kind == .first }
        for warning in summary.warnings { printError("warning: \(warning)") }
        if format == .text {
          printError(
            "\(summary.service)/\(summary.document): \(summary.snapshots) snapshots recorded, \(summary.skipped) skipped"
          )
        }
      case .failure(let error):
        troubled = true
        printError("error: \(error)")
      }
    }
    let alertsQueued = Alerting.dispatch(events, config: config, store: store, logger: logger)
    troubled = !alertsQueued || troubled
    Alerting.remindFailures(store: store)
    Alerting.endRun(store: store, alertsQueued: alertsQueued)
    withExtendedLifetime(lock) {}
    if troubled { throw ExitCode(2) }
    if changed { throw ExitCode(1) }
  }
}
