import ArgumentParser
import Foundation
import PolicyWatch

/// `policywatch log`: the recorded events.
struct LogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log",
    abstract: "List recorded events (first, change, flap, technical, inaccessible, recovered).",
    discussion: """
      Text: one line per event, newest first (data-use categories in colour on a terminal). Markdown: a report, \
      newest first. JSON: JSON Lines in time order (schema in README.md).
      """
  )

  @Argument(help: "SERVICE or SERVICE/DOCUMENT.")
  var filter: String?

  @OptionGroup var storeOptions: StoreOptions

  @Option(help: "Only events first seen at or after this date (2024-09-19 or a full timestamp).")
  var since: String?

  @Option(help: "At most this many events (the newest).")
  var limit: Int?

  @Flag(help: "Only events that bring data-use language.")
  var dataUse = false

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

  @Option(help: "text, json (JSON Lines) or markdown.")
  var format: Format = .text

  @OptionGroup var colorOptions: ColorOptions

  func run() throws {
    let store = try storeOptions.openForReading()
    var sinceDate: Date?
    if let since {
      guard let date = EventFormatting.parseDate(since) else {
        printError("policywatch: --since \(since): not a date (use 2024-09-19 or 2024-09-19T06:10:13Z)")
        throw ExitCode(64)
      }
      sinceDate = date
    }
    var events = try DocumentFilter.events(in: store, matching: filter)
    if let sinceDate { events = events.filter { $0.firstSeen >= sinceDate } }
    if dataUse { events = events.filter { !($0.dataUse ?? []).isEmpty } }
    if let limit { events = Array(events.suffix(max(0, limit))) }
    switch format {
    case .json:
      for event in events { print(EventFormatting.json(event)) }
    case .text:
      let color = colorOptions.enabled
      for event in events.reversed() { print(LogRenderer.line(event, color: color)) }
    case .markdown:
      print(LogRenderer.markdown(events.reversed()), terminator: "")
    }
  }
}
