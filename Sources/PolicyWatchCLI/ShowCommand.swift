import ArgumentParser
import Foundation
import PolicyWatchView

/// `policywatch show`: one version of a document as a person reads it.
struct ShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Show a version of a document with its section structure and declared dates.",
    discussion: "REF as for diff (default: latest). Exit status: 0, or 2 for an unknown document or REF."
  )

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

  @Argument(help: "SERVICE/DOCUMENT.")
  var document: String

  @OptionGroup var storeOptions: StoreOptions

  @Option(help: "The version to show (REF).")
  var at = "latest"

  @Option(help: "text, markdown or json (the stored version record).")
  var format: Format = .text

  @OptionGroup var colorOptions: ColorOptions

  @Flag(help: "Never start a pager.")
  var noPager = false

  func run() throws {
    let resolver = try openDocument(document, store: storeOptions)
    let resolved: (index: Int?, version: String)
    do {
      resolved = try resolver.resolve(at, option: "--at")
    } catch {
      printError("policywatch: \(error)")
      throw ExitCode(2)
    }
    guard let record = resolver.record(resolved.version) else {
      printError("policywatch: version \(resolved.version) of \(resolver.ref.name) is missing from the store")
      throw ExitCode(2)
    }
    let state = resolved.index.map { resolver.states[$0] }
    let format = VersionRenderer.Format(rawValue: self.format.rawValue) ?? .text
    let text = VersionRenderer.render(
      record, state: state, format: format, color: format == .text && colorOptions.enabled)
    Terminal.write(text, page: format == .text && !noPager)
  }
}
