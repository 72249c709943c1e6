import ArgumentParser
import Foundation
import PolicyWatch

/// `policywatch check`: the cron job.
struct CheckCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Fetch every declared document, record what changed, and report it.",
    discussion: """
      Exit status: 0 nothing new; 1 new changes recorded; 2 some documents could not be checked (details \
      printed); 64 usage error. With --quiet nothing is printed unless something changed or failed.
      """
  )

  @Option(
    help: ArgumentHelp(
      "Open Terms Archive declarations: a directory of <Service>.json files, or one file (default: the "
        + "configuration's, else ./declarations)."))
  var declarations: String?

  @OptionGroup var storeOptions: StoreOptions

  @Option(name: .customLong("only"), help: "Check only SERVICE or SERVICE/DOCUMENT (repeatable).")
  var only: [String] = []

  @Option(help: "Documents fetched at once (the per-host limit stays 2).")
  var concurrency: Int = 16

  @Option(help: "text, or json (one event per line).")
  var format: OutputFormat = .text

  @Flag(help: "Print nothing unless something changed or failed.")
  var quiet = false

  @OptionGroup var fetchOptions: FetchOptions

  @OptionGroup var configOptions: ConfigOptions

  func validate() throws {
    guard concurrency >= 1 && concurrency <= 256 else { throw ValidationError("--concurrency must be 1…256") }
  }

  func run() async throws {
    let config = try configOptions.load()
    let logger = configOptions.logger(quiet: quiet)
    let declarations = self.declarations ?? config?.declarations ?? "declarations"
    let concurrency = concurrency == 16 ? config?.fetch.concurrency ?? concurrency : concurrency
    let loaded = DeclarationLoader.loadDirectory(declarations)
    for error in loaded.errors { printError("error: \(error)") }
    if !quiet { for warning in loaded.warnings { printError("warning: \(warning)") } }
    let filters = only.map(DocumentFilter.init)
    let now = Date()
    var documents: [DocumentDeclaration] = []
    for service in loaded.services {
      for document in service.documents {
        guard
          filters.isEmpty
            || filters.contains(where: { $0.matches(service: document.service, document: document.documentType) })
        else { continue }
        documents.append(service.declaration(of: document.documentType, at: now) ?? document)
      }
    }
    if documents.isEmpty && loaded.errors.isEmpty {
      printError("policywatch: no documents to check in \(declarations)\(only.isEmpty ? "" : " matching --only")")
      throw ExitCode(64)
    }
    let (store, lock) = try ConfigOptions.store(storeOptions, config).openForWriting()
    var configuration = try fetchOptions.configuration()
    configuration.apply(config?.fetch, options: fetchOptions)
    configuration.maxConcurrent = concurrency
    let checker = Checker(
      recorder: Recorder(store: store, classifier: config?.classifier ?? DataUseClassifier()),
      fetcher: Fetcher(configuration: configuration))
    ConfigOptions.beginRun("check", config: config, store: store, logger: logger)
    let results = await checker.check(documents)
    for result in results {
      logger.debug("\(result.service)/\(result.document): \(result.outcome.rawValue) \(result.reason ?? "")")
    }
    let alertsQueued = ConfigOptions.dispatch(
      results.flatMap(\.events), config: config, store: store, logger: logger)
    withExtendedLifetime(lock) {}
    var changed = false
    var troubled = !loaded.errors.isEmpty || !alertsQueued
    for result in results {
      let important = result.events.contains { [.change, .flap, .technical, .first].contains($0.kind) }
      changed = changed || result.events.contains { $0.kind == .change || $0.kind == .first }
      let failed = result.outcome == .failed || result.outcome == .inaccessible
      troubled = troubled || failed
      switch format {
      case .json:
        for event in result.events { print(EventFormatting.json(event)) }
      case .text:
        for event in result.events where !quiet || important || event.kind == .inaccessible {
          print(EventFormatting.line(event))
        }
        if failed, !result.events.contains(where: { $0.kind == .inaccessible }) {
          print("\(result.service)/\(result.document)  still inaccessible: \(result.reason ?? "")")
        } else if !quiet, result.events.isEmpty {
          print("\(result.service)/\(result.document)  \(result.outcome.rawValue)")
        }
      }
    }
    if troubled { throw ExitCode(2) }
    if changed { throw ExitCode(1) }
  }
}
