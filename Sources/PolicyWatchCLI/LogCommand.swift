import ArgumentParser
import Foundation
import PolicyWatchDataUse
import PolicyWatchStore
import PolicyWatchView

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

  @Option(
    name: .customLong("kind"),
    help: ArgumentHelp(
      "Only events of these kinds: first, change, flap, technical, inaccessible, recovered (repeatable, or "
        + "comma-separated).", valueName: "kind"))
  var kinds: [String] = []

  @Option(
    name: .customLong("category"),
    help: ArgumentHelp(
      "Only events with data-use language of these categories (AI_TRAINING, NOT_SALE_OF_DATA…: policywatch "
        + "classify --print-rules lists them; repeatable, or comma-separated).", valueName: "category"))
  var categories: [String] = []

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
    let kindSet = try Self.kinds(kinds)
    if !kindSet.isEmpty { events = events.filter { kindSet.contains($0.kind) } }
    let categorySet = try Self.categories(categories, recorded: events)
    if !categorySet.isEmpty {
      events = events.filter { event in
        (event.dataUse ?? []).contains { categorySet.contains(($0.polarity == .negated ? "NOT_" : "") + $0.category) }
      }
    }
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

  /// The kinds `--kind` names (comma lists split); exits with status 64 for a word that is not a kind.
  static func kinds(_ words: [String]) throws -> Set<EventKind> {
    var kinds = Set<EventKind>()
    let names = EventKind.allCases.map(\.rawValue)
    for word in words.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingCharacters(in: .whitespaces) }) {
      guard let kind = EventKind(rawValue: word.lowercased()) else {
        let close = Suggestions.closest(to: word, among: names)
        printError(
          "policywatch: --kind \(word): not a kind of event"
            + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: " or "))?")
            + " (kinds: \(names.joined(separator: ", ")))")
        throw ExitCode(64)
      }
      kinds.insert(kind)
    }
    return kinds
  }

  /// The labels `--category` names, upper-cased (`ai_training` → `AI_TRAINING`, `NOT_` for negated statements);
  /// exits with status 64 for a word that is no category of the rules nor of a recorded event.
  static func categories(_ words: [String], recorded: [StoreEvent]) throws -> Set<String> {
    let known = DataUseRules.builtIn.categories + recorded.flatMap { ($0.dataUse ?? []).map(\.category) }
    let labels = Set(known + known.map { "NOT_" + $0 })
    var chosen = Set<String>()
    for word in words.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingCharacters(in: .whitespaces) }) {
      let label = word.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
      guard labels.contains(label) else {
        let close = Suggestions.closest(to: label, among: Array(labels))
        printError(
          "policywatch: --category \(word): not a data-use category"
            + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: " or "))?")
            + " (categories: \(Array(Set(known)).sorted().joined(separator: ", ")); NOT_ before one names its "
            + "negation)")
        throw ExitCode(64)
      }
      chosen.insert(label)
    }
    return chosen
  }
}
