import ArgumentParser
import Foundation
import PolicyWatch

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

  @OptionGroup var configOptions: ConfigOptions

  func run() throws {
    let config = try configOptions.load()
    let logger = configOptions.logger()
    let (store, lock) = try ConfigOptions.store(storeOptions, config).openForWriting()
    var events: [StoreEvent] = []
    ConfigOptions.beginRun("replay", config: config, store: store, logger: logger)
    let replayer = Replayer(recorder: Recorder(store: store, classifier: config?.classifier ?? DataUseClassifier()))
    var troubled = false
    var changed = false
    // Documents are replayed in parallel; each folder's events are printed when it is done, in the order given.
    replayer.replay(directories: directories) { _, result in
      switch result {
      case .success(let summary):
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
    troubled = !ConfigOptions.dispatch(events, config: config, store: store, logger: logger) || troubled
    withExtendedLifetime(lock) {}
    if troubled { throw ExitCode(2) }
    if changed { throw ExitCode(1) }
  }
}
