import ArgumentParser
import Foundation
import PolicyWatchSite
import PolicyWatchSupport

/// `policywatch site`: a static website of the watch.
struct SiteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "site",
    abstract: "Write a static website of the store: documents, timelines, changes, categories and Atom feeds.",
    discussion: """
      The folder works offline and from any path of a server: relative links, inline CSS, no script. A rebuild \
      rewrites only the pages whose content changed, so it can run after every check. The folder must be new, \
      empty or a site written by this command.
      """
  )

  @Option(name: .shortAndLong, help: ArgumentHelp("The folder to write the site to.", valueName: "dir"))
  var output: String

  @OptionGroup var storeOptions: StoreOptions

  @Option(help: "The site's title.")
  var title = "PolicyWatch"

  @Option(help: ArgumentHelp("The URL the site is published at (for the feeds and canonical links).", valueName: "url"))
  var baseURL: String?

  @Option(
    help: ArgumentHelp("Only this SERVICE or SERVICE/DOCUMENT (repeatable).", valueName: "service[/document]"))
  var only: [String] = []

  @Flag(help: "Copy the raw snapshot of every change into the site (as text).")
  var includeSnapshots = false

  func run() throws {
    let store = try storeOptions.openForReading()
    let dataUse = try storeOptions.configFile.dataUse()
    var options = SiteOptions(output: output, classifier: dataUse.classifier)
    options.title = title
    options.baseURL = baseURL
    options.only = only
    options.includeSnapshots = includeSnapshots
    // A change page is rendered again when the rules or the model that find its data-use language change.
    let rules = dataUse.rules.map { path in
      path + " " + (FileManager.default.contents(atPath: path).map { SHA256.hex(Array($0)) } ?? "unreadable")
    }
    options.classifierKey = "model \(dataUse.model != false); rules \(rules ?? "built-in")"
    let summary: SiteBuilder.Summary
    do {
      summary = try SiteBuilder(store: store, options: options).build()
    } catch {
      printError("policywatch: site: \(error)")
      switch error {
      case .noMatch, .notASite, .badBaseURL: throw ExitCode(64)
      case .write: throw ExitCode(2)
      }
    }
    print(
      "site: \(summary.documents) documents, \(summary.eventPages) change pages; \(summary.written.count) files "
        + "written, \(summary.unchanged) unchanged, \(summary.removed.count) removed; open "
        + "\(output)/\(SitePaths.index)")
  }
}
