import ArgumentParser
import Foundation
import PolicyWatchCheck
import PolicyWatchConfig
import PolicyWatchDataUse
import PolicyWatchDeclarations
import PolicyWatchFetch
import PolicyWatchStore
import PolicyWatchSupport
import PolicyWatchView

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

  @Option(help: "Documents fetched at once (default: the configuration's, else 16; the per-host limit stays 2).")
  var concurrency: Int?

  @Option(help: "text, or json (one event per line).")
  var format: OutputFormat = .text

  @Flag(help: "Print nothing unless something changed or failed.")
  var quiet = false

  @OptionGroup var fetchOptions: FetchOptions

  @OptionGroup var browserOptions: BrowserOptions

  @OptionGroup var loggingOptions: LoggingOptions

  func validate() throws {
    guard (1...256).contains(concurrency ?? 16) else { throw ValidationError("--concurrency must be 1…256") }
  }

  func run() async throws {
    let config = try storeOptions.configFile.load()
    let logger = loggingOptions.logger(quiet: quiet)
    var configuration = try fetchOptions.configuration()
    configuration.apply(config?.fetch, options: fetchOptions)
    let browser = BrowserRun(
      options: browserOptions, settings: config?.fetch.browser, fetch: configuration,
      filtersFolder: declarationsFolder(declarations ?? config?.declarations ?? "declarations"))
    let documents = try DeclarationChoice.load(
      declarations, only: only, config: config, quiet: quiet, now: Date(), runsClientScripts: browser.runsClientScripts)
    configuration.maxConcurrent = concurrency ?? config?.fetch.concurrency ?? configuration.maxConcurrent
    // Only now, with a run that can go ahead, is the store created (if new) and locked.
    let (store, lock) = try storeOptions.openForWriting(ConfigLocations(config))
    var checker = Checker(
      recorder: Recorder(store: store, classifier: config?.classifier ?? DataUseClassifier()),
      fetcher: Fetcher(configuration: configuration))
    checker.browser = browser.support
    // What each document was before this run (when it was last tried), for saying a long streak once a day.
    var before: [String: DocumentState] = [:]
    for declaration in documents.declarations {
      let ref = SnapshotStore.DocumentRef(service: declaration.service, document: declaration.documentType)
      before[ref.name] = store.state(ref)
    }
    let unreported = Alerting.beginRun("check", config: config, store: store, logger: logger)
    let results = await checker.check(documents.declarations)
    await browser.finish()
    for result in results {
      logger.debug("\(result.service)/\(result.document): \(result.outcome.rawValue) \(result.reason ?? "")")
    }
    let alertsQueued = Alerting.dispatch(
      results.flatMap(\.events), config: config, store: store, logger: logger)
    var changed = false
    var troubled = documents.troubled || !alertsQueued
    let report = CheckReport(format: format, quiet: quiet)
    // Events a killed check recorded and never printed come first, once.
    for event in unreported { report.event(event) }
    for result in results {
      changed = changed || result.events.contains { $0.kind == .change || $0.kind == .first }
      let name = "\(result.service)/\(result.document)"
      if let error = result.storeError {
        // A local failure, not the site's: said apart, as an error of its own.
        troubled = true
        report.storeError(service: result.service, document: result.document, error: error)
        continue
      }
      let failed = result.outcome == .failed || result.outcome == .inaccessible
      troubled = troubled || failed
      for event in result.events { report.event(event) }
      if failed, !result.events.contains(where: { $0.kind == .inaccessible }) {
        let ref = SnapshotStore.DocumentRef(service: result.service, document: result.document)
        let state = store.state(ref)
        report.stillInaccessible(
          result, since: state.inaccessibleSince, previousAttempt: before[name]?.lastAttempt,
          now: state.lastAttempt ?? Date())
      } else if result.events.isEmpty {
        report.unchanged(result)
      }
    }
    Alerting.remindFailures(store: store)
    Alerting.endRun(store: store, alertsQueued: alertsQueued)
    withExtendedLifetime(lock) {}
    if troubled { throw ExitCode(2) }
    if changed { throw ExitCode(1) }
  }
}

/// What `check` prints: one line per event (text or JSON), and a line for each document that failed without a new
/// event. With `--quiet`, text lines only for what needs a person: changes, flaps, technical re-extractions, the
/// start and the end of an inaccessible streak, and an ongoing streak once a day.
struct CheckReport {
  var format: OutputFormat
  var quiet: Bool

  /// Every event is said, in quiet runs too (a recovery ends a streak a quiet run announced).
  func event(_ event: StoreEvent) {
    print(format == .json ? EventFormatting.json(event) : EventFormatting.line(event))
  }

  func storeError(service: String, document: String, error: StoreIOError) {
    let reason = "the store could not be written (\(error.description))"
    switch format {
    case .json:
      print(
        EventFormatting.statusJSON(
          kind: "store-error", service: service, document: document, outcome: "not-recorded", reason: reason))
    case .text:
      printError(
        "policywatch: error: \(service)/\(document): this fetch could not be recorded: \(reason). This is a "
          + "problem of this machine, not of the site; nothing of this fetch is in the store, and the next run "
          + "fetches the document again")
    }
  }

  /// A document that failed again, in an inaccessible streak that began before this run. With `--quiet` it is
  /// said only when a whole day has passed since the streak began, or since it was last said.
  func stillInaccessible(_ result: Checker.DocumentResult, since: Date?, previousAttempt: Date?, now: Date) {
    if quiet, let since, let previousAttempt, previousAttempt >= since {
      let day = 86_400.0
      guard
        (now.timeIntervalSince(since) / day).rounded(.down)
          > (previousAttempt.timeIntervalSince(since) / day)
          .rounded(.down)
      else { return }
    }
    let reason = result.reason ?? "no reason recorded"
    switch format {
    case .json:
      print(
        EventFormatting.statusJSON(
          kind: "still-inaccessible", service: result.service, document: result.document,
          outcome: result.outcome.rawValue, reason: reason, since: since))
    case .text:
      let streak =
        since.map { " since \(EventFormatting.minute($0)) (\(Self.duration(now.timeIntervalSince($0))))" } ?? ""
      print("\(result.service)/\(result.document)  still inaccessible\(streak): \(reason)")
    }
  }

  func unchanged(_ result: Checker.DocumentResult) {
    guard !quiet, format == .text else { return }
    print("\(result.service)/\(result.document)  \(result.outcome.rawValue)")
  }

  /// `3 days`, `1 day`, `5 hours`.
  static func duration(_ seconds: TimeInterval) -> String {
    let days = Int(seconds / 86_400)
    if days >= 1 { return "\(days) day\(days == 1 ? "" : "s")" }
    let hours = Int(seconds / 3_600)
    return "\(hours) hour\(hours == 1 ? "" : "s")"
  }
}

/// The documents a `check` fetches: the declarations (`--declarations`, else the configuration's, else
/// `./declarations`) filtered by `--only`. Exits with status 64 (nothing created, nothing fetched) when the
/// declarations cannot be found, hold no usable document, or an `--only` matches no declared document.
struct DeclarationChoice {
  var declarations: [DocumentDeclaration]
  /// Some declaration files could not be used (each was printed): the run ends with status 2.
  var troubled: Bool

  static func load(
    _ option: String?, only: [String], config: PolicyWatchConfig?, quiet: Bool, now: Date,
    runsClientScripts: Bool = false
  ) throws -> DeclarationChoice {
    let path: String
    let origin: String
    if let option {
      (path, origin) = (option, "--declarations")
    } else if let configured = config?.declarations {
      (path, origin) = (configured, "\"declarations\" in \(config?.file ?? "the configuration")")
    } else {
      (path, origin) = (
        "declarations", "the default; give --declarations DIR or set \"declarations\" in the configuration"
      )
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      printError(
        "policywatch: declarations \(path): no such file or directory (from \(origin)); PolicyWatch reads Open "
          + "Terms Archive declarations, a folder of <Service>.json files or one such file")
      throw ExitCode(64)
    }
    let loaded = DeclarationLoader.loadDirectory(path)
    for error in loaded.errors { printError("policywatch: error: \(error)") }
    if !quiet {
      // With a browser, `executeClientScripts` and filters are run: their warnings would be wrong.
      for warning in loaded.warnings
      where
        !(runsClientScripts && (warning.field.hasSuffix("executeClientScripts") || warning.field.hasSuffix("filter")))
      {
        printError("policywatch: warning: \(warning)")
      }
    }
    let declared = loaded.services.flatMap(\.documents)
    if declared.isEmpty {
      let what =
        loaded.errors.isEmpty
        ? "no <Service>.json declarations in \(path)" : "no usable declaration in \(path) (see the errors above)"
      printError("policywatch: \(what) (from \(origin))")
      throw ExitCode(64)
    }
    let names = declared.map { "\($0.service)/\($0.documentType)" }
    for filter in only {
      let documentFilter = DocumentFilter(filter)
      guard !declared.contains(where: { documentFilter.matches(service: $0.service, document: $0.documentType) })
      else { continue }
      printError("policywatch: --only \(filter): " + DocumentFilter.noMatch(filter, names: names))
      throw ExitCode(64)
    }
    let filters = only.map(DocumentFilter.init)
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
    return DeclarationChoice(declarations: documents, troubled: !loaded.errors.isEmpty)
  }
}
