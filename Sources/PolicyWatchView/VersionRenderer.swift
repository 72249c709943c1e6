import PolicyWatchDataUse
import PolicyWatchStore
import PolicyWatchSupport
import PolicyWatchText

/// `policywatch show`: one version as a person reads it, with its section structure and declared dates.
public enum VersionRenderer {
  /// How `show` prints a version.
  public enum Format: String, Sendable, CaseIterable {
    case text, markdown, json
  }

  /// One version as a person reads it (or as JSON).
  /// - Parameters:
  ///   - record: the version.
  ///   - state: where it stands in the timeline (first seen, current…), when known.
  ///   - format: text, Markdown or JSON.
  ///   - color: ANSI colours in text.
  /// - Returns: the rendered version.
  public static func render(_ record: VersionRecord, state: VersionState?, format: Format, color: Bool = false)
    -> String
  {
    switch format {
    case .json:
      return String(decoding: StoreJSON.pretty(record), as: UTF8.self)
    case .markdown:
      var lines = ["<!-- \(record.service)/\(record.document), version \(record.id) -->", ""]
      lines.append("> **\(Markup.escapeMarkdown(record.service + "/" + record.document))**  ")
      lines.append("> version `\(record.id.prefix(12))`, first seen \(ViewDates.minute(record.firstSeen)) UTC  ")
      lines.append("> declared: \(Markup.escapeMarkdown(declared(record)))")
      lines.append("")
      return lines.joined(separator: "\n") + "\n" + ClauseRendering.markdown(record.clauses)
    case .text:
      let painter = Painter(color: color)
      var lines = [painter.paint("\(record.service)/\(record.document)", .title)]
      lines.append(
        painter.paint("version", .label) + " \(record.id.prefix(12))  "
          + painter.paint("first seen", .label) + " \(ViewDates.stamp(record.firstSeen))"
          + (state.map { "  (\($0.event.kind.rawValue))" } ?? ""))
      lines.append(painter.paint("declared", .label) + " " + declared(record))
      for date in record.declaredDates {
        lines.append("  " + painter.paint("“\(date.phrase)”", .label))
      }
      lines.append("")
      var previous: ClauseKind?
      for clause in record.clauses {
        switch clause.kind {
        case .heading:
          if !lines.isEmpty, lines.last != "" { lines.append("") }
          let marks = String(repeating: "#", count: max(1, clause.level))
          lines.append(painter.paint(marks + " " + clause.text.replacingOccurrences(of: "\n", with: " "), .section))
          lines.append("")
        case .listItem:
          if previous != .listItem, lines.last != "" { lines.append("") }
          let indent = String(repeating: "  ", count: max(0, clause.level - 1))
          lines.append(indent + "• " + clause.text.replacingOccurrences(of: "\n", with: "\n" + indent + "  "))
        case .tableRow:
          if previous != .tableRow, lines.last != "" { lines.append("") }
          lines.append("  " + clause.text)
        default:
          if previous == .listItem || previous == .tableRow { lines.append("") }
          lines.append(clause.text)
          lines.append("")
        }
        previous = clause.kind
      }
      while lines.last == "" { lines.removeLast() }
      return lines.joined(separator: "\n") + "\n"
    }
  }

  static func declared(_ record: VersionRecord) -> String {
    var seen: [String] = []
    for date in record.declaredDates {
      let text = "\(date.kind.rawValue) \(date.date)" + (date.ambiguous ? " (ambiguous)" : "")
      if !seen.contains(text) { seen.append(text) }
    }
    return seen.isEmpty ? "none" : seen.joined(separator: ", ")
  }
}

/// `policywatch log` for people: one line per event, data-use categories in colour; and a Markdown report.
public enum LogRenderer {
  /// The text line of an event. Without colour it is exactly `EventFormatting.line` (what `check` and `replay`
  /// print); with colour the kind, flags and data-use categories are coloured.
  public static func line(_ event: StoreEvent, color: Bool) -> String {
    guard color else { return EventFormatting.line(event) }
    let painter = Painter(color: true)
    var parts = [
      painter.paint(ViewDates.stamp(event.firstSeen), .label),
      "\(event.service)/\(event.document)", painter.paint(event.kind.rawValue, .kind(event.kind)),
    ]
    if let counts = event.clauses {
      parts.append(
        painter.paint("+\(counts.added)", .added) + " " + painter.paint("-\(counts.removed)", .removed) + " ~"
          + "\(counts.modified)")
    }
    if let declared = event.declaredDate, event.kind != .inaccessible, event.kind != .recovered {
      parts.append("declared \(declared)")
    }
    if !event.flags.isEmpty { parts.append(painter.paint(event.flags.map(\.rawValue).joined(separator: ","), .flag)) }
    let labels = categories(event)
    if !labels.isEmpty {
      parts.append(
        "data-use: "
          + labels.map { painter.paint($0, $0.hasPrefix("removed ") ? .removed : .dataUse) }.joined(separator: ","))
    }
    if let reason = event.reason, event.kind == .inaccessible || event.kind == .flap { parts.append(reason) }
    return parts.joined(separator: "  ")
  }

  /// `AI_TRAINING`, `NOT_SALE_OF_DATA`, `removed NOT_SALE_OF_DATA`, unique, most consequential first (as
  /// `EventFormatting.line`).
  static func categories(_ event: StoreEvent) -> [String] {
    DataUseImportance.sortedLabels((event.dataUse ?? []).map(\.listLabel))
  }

  /// A Markdown report: a table of the events (newest first), then the data-use language each change brought.
  public static func markdown(_ events: [StoreEvent], title: String = "PolicyWatch report") -> String {
    var lines = ["# \(Markup.escapeMarkdown(title))", ""]
    guard !events.isEmpty else { return (lines + ["No events."]).joined(separator: "\n") + "\n" }
    lines.append("| first seen (UTC) | document | event | clauses | declared | flags | data use |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for event in events {
      let counts = event.clauses.map { "+\($0.added) −\($0.removed) ~\($0.modified)" } ?? ""
      let declared =
        event.kind == .inaccessible || event.kind == .recovered ? "" : (event.declaredDate ?? "")
      let cells = [
        ViewDates.minute(event.firstSeen), Markup.escapeMarkdown("\(event.service)/\(event.document)"),
        event.kind.rawValue + (event.kind == .inaccessible ? ": " + Markup.escapeMarkdown(event.reason ?? "") : ""),
        counts, declared, event.flags.map { "**\($0.rawValue)**" }.joined(separator: ", "),
        categories(event).map { "`\($0)`" }.joined(separator: ", "),
      ]
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    let withDataUse = events.filter { !($0.dataUse ?? []).isEmpty }
    if !withDataUse.isEmpty {
      lines.append("")
      lines.append("## Data-use language")
      for event in withDataUse {
        lines.append("")
        lines.append(
          "### \(Markup.escapeMarkdown("\(event.service)/\(event.document)")), first seen \(ViewDates.minute(event.firstSeen))"
            + " UTC" + (event.declaredDate.map { ", declared \($0)" } ?? "")
            + (event.flags.isEmpty ? "" : " (" + event.flags.map(\.rawValue).joined(separator: ", ") + ")"))
        lines.append("")
        for finding in DataUseImportance.sorted(event.dataUse ?? []) {
          let section = finding.section.last.map { " in *\(Markup.escapeMarkdown($0))*" } ?? ""
          lines.append(
            "- **\(finding.label)** (\(finding.changeDescription))\(section): "
              + "“\(Markup.escapeMarkdown(finding.match))”")
        }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
