import ArgumentParser
import Foundation
import PolicyWatchDataUse
import PolicyWatchView

/// `--color auto|always|never`, shared by the viewer commands.
struct ColorOptions: ParsableArguments {
  enum Mode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

  @Option(help: "Colour and bold: auto (a terminal, unless NO_COLOR is set), always, never.")
  var color: Mode = .auto

  var enabled: Bool {
    (ColorMode(rawValue: color.rawValue) ?? .auto).enabled(
      isTerminal: Terminal.standardOutputIsTerminal, environment: ProcessInfo.processInfo.environment)
  }
}

/// Opens the store read-only and finds the document, or exits with status 2 and a message naming what exists.
func openDocument(_ name: String, store options: StoreOptions) throws -> VersionResolver {
  let store = try options.openForReading()
  do {
    return try VersionResolver(store: store, name: name)
  } catch {
    printError("policywatch: \(error)")
    throw ExitCode(2)
  }
}

/// `policywatch diff`: what changed between two versions of a document.
struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Show what changed between two versions of a document, clause by clause.",
    discussion: """
      REF: a date (2024-09-19: the version the document showed at the end of that day, UTC), a timestamp \
      (2024-09-19T06:10:13Z), a version id or a unique prefix of it, previous or latest. Default: the latest \
      change (--from previous --to latest).

      Exit status, like diff(1): 0 no differences, 1 differences, 2 trouble (unknown document or REF: the \
      message lists what exists).
      """
  )

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown, html }

  @Argument(help: "SERVICE/DOCUMENT, e.g. \"LinkedIn/Privacy Policy\".")
  var document: String

  @OptionGroup var storeOptions: StoreOptions

  @Option(help: "The older version (REF).")
  var from: String?

  @Option(help: "The newer version (REF).")
  var to: String?

  @Option(help: "Unchanged clauses shown around each change.")
  var context = 1

  @Flag(help: "Old and new side by side, as wide as the terminal.")
  var sideBySide = false

  @Flag(help: "Only changed clauses that bring new data-use language.")
  var dataUse = false

  @Option(
    help: ArgumentHelp(
      "A data-use rules file of your own, merged with the built-in rules (instead of the configuration's "
        + "dataUse.rules).", valueName: "file"))
  var rules: String?

  @Flag(
    help: "Find data-use language with the rules alone, without the learned model (whatever the configuration says).")
  var noModel = false

  @OptionGroup var colorOptions: ColorOptions

  @Flag(help: "Never start a pager.")
  var noPager = false

  @Option(help: "text, json (schema policywatch-diff/1, see README.md), markdown or html (a standalone page).")
  var format: Format = .text

  func run() throws {
    let resolver = try openDocument(document, store: storeOptions)
    // The configuration's data-use settings, as `check` and `replay` record with; --rules and --no-model win.
    var settings = try storeOptions.configFile.dataUse(readingRules: rules == nil)
    if let rules {
      do {
        settings.loadedRules = try DataUseRules(contentsOf: rules)
        settings.rules = rules
      } catch {
        throw ValidationError(error.description)
      }
    }
    if noModel { settings.model = false }
    let classifier = settings.classifier
    let report: DiffReport
    do {
      report = try resolver.diffReport(from: from, to: to, classifier: classifier)
    } catch {
      printError("policywatch: \(error)")
      throw ExitCode(2)
    }
    // A terminal's width wraps both views; through a pipe only side-by-side needs one (COLUMNS, else 160).
    let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) }
    let width = Terminal.standardOutputIsTerminal ? Terminal.size()?.columns : (sideBySide ? columns ?? 160 : nil)
    let options = DiffViewOptions(
      context: context, dataUseOnly: dataUse, sideBySide: sideBySide,
      color: format == .text && colorOptions.enabled, width: width)
    switch format {
    case .text: Terminal.write(DiffTextRenderer.render(report, options: options), page: !noPager)
    case .json: Terminal.write(report.json(), page: false)
    case .markdown: Terminal.write(DiffMarkupRenderer.markdown(report, options: options), page: false)
    case .html: Terminal.write(DiffMarkupRenderer.htmlPage(report, options: options), page: false)
    }
    if !report.identical { throw ExitCode(1) }
  }
}
