import PolicyWatchStore

/// How `policywatch diff` shows a report.
public struct DiffViewOptions: Sendable {
  /// Unchanged clauses shown around each change; the rest are folded into one "⋯ N unchanged clauses" line.
  public var context = 1
  /// Only changed clauses that hold data-use language (no context).
  public var dataUseOnly = false
  public var sideBySide = false
  public var color = false
  /// Wrap to this many columns (a terminal's width). Nil: no wrapping (side-by-side then assumes 160).
  public var width: Int?

  public init(
    context: Int = 1, dataUseOnly: Bool = false, sideBySide: Bool = false, color: Bool = false, width: Int? = nil
  ) {
    self.context = context
    self.dataUseOnly = dataUseOnly
    self.sideBySide = sideBySide
    self.color = color
    self.width = width
  }
}

/// What the diff views list: clauses and folded runs of unchanged clauses.
enum DiffItem: Equatable {
  case entry(DiffReport.Entry)
  case fold(Int)
}

extension DiffReport {
  /// The changed entries with `context` unchanged entries around each; the rest folded.
  func items(_ options: DiffViewOptions) -> [DiffItem] {
    if options.dataUseOnly {
      return entries.filter { $0.isChange && $0.dataUse.contains(where: \.new) }.map { .entry($0) }
    }
    let context = max(0, options.context)
    var show = [Bool](repeating: false, count: entries.count)
    for (index, entry) in entries.enumerated() where entry.isChange {
      for near in max(0, index - context)...min(entries.count - 1, index + context) { show[near] = true }
    }
    var items: [DiffItem] = []
    var folded = 0
    for (index, entry) in entries.enumerated() {
      if show[index] {
        if folded > 0 { items.append(.fold(folded)) }
        folded = 0
        items.append(.entry(entry))
      } else {
        folded += 1
      }
    }
    if folded > 0 { items.append(.fold(folded)) }
    return items
  }

  /// `+2 -1 ~41 moved 1 unchanged 8 (~ includes 1 heading renamed)`: the `+ - ~` figures are those of the change
  /// event (`log`, `check`, the alert), the detail of what they include after them.
  var countsSummary: String {
    let grouped = ClauseCounts(counts)
    var parts = ["+\(grouped.added)", "-\(grouped.removed)", "~\(grouped.modified)"]
    if counts.moved > 0 { parts.append("moved \(counts.moved)") }
    parts.append("unchanged \(counts.unchanged)")
    var includes: [String] = []
    if counts.split > 0 { includes.append("+ includes \(counts.split) split") }
    if counts.merged > 0 { includes.append("- includes \(counts.merged) merged") }
    if counts.headingRenamed > 0 {
      includes.append("~ includes \(counts.headingRenamed) heading\(counts.headingRenamed == 1 ? "" : "s") renamed")
    }
    return parts.joined(separator: " ") + (includes.isEmpty ? "" : " (" + includes.joined(separator: ", ") + ")")
  }
}

extension DiffReport.Side {
  /// `effective 2024-09-18, updated 2024-09-17`, or `none`.
  var declaredSummary: String {
    var seen: [String] = []
    for date in declaredDates {
      let text = "\(date.kind) \(date.date)"
      if !seen.contains(text) { seen.append(text) }
    }
    return seen.isEmpty ? "none" : seen.joined(separator: ", ")
  }
}

extension DiffReport.Entry {
  /// The one-character marker of the unified view.
  var marker: String {
    switch kind {
    case .unchanged: " "
    case .added: "+"
    case .removed: "-"
    case .modified, .split, .merged, .headingRenamed: "~"
    case .moved: ">"
    }
  }

  var tone: Tone {
    switch kind {
    case .unchanged: .plain
    case .added: .added
    case .removed: .removed
    case .modified, .split, .merged, .headingRenamed: .modified
    case .moved: .moved
    }
  }

  /// A note after the clause: where a moved clause came from, what a split/merge/renamed heading is.
  var note: String? {
    switch kind {
    case .moved:
      if let oldSection, oldSection != section {
        return "moved from " + (oldSection.isEmpty ? "the top" : oldSection.joined(separator: " › "))
      }
      return "moved from clause \(oldIndices.first.map { $0 + 1 } ?? 0)"
    case .split: return "split into two clauses"
    case .merged: return "two clauses merged"
    case .headingRenamed: return "heading renamed"
    default: return nil
    }
  }

  var headingPrefix: String {
    clauseKind == .heading ? String(repeating: "#", count: max(1, level)) + " " : ""
  }
}

/// The terminal views of a diff: unified (one column, word changes inline) and side by side.
public enum DiffTextRenderer {
  /// A diff for a terminal: header, data-use lines, then clauses inline or side by side.
  /// - Parameters:
  ///   - report: the diff.
  ///   - options: colour, width, layout, context.
  /// - Returns: the text, lines ending in newlines.
  public static func render(_ report: DiffReport, options: DiffViewOptions) -> String {
    let painter = Painter(color: options.color)
    var lines = header(report, painter: painter)
    if let width = options.width {
      // Header and data-use lines wrap at word boundaries like the clauses (a terminal would cut words).
      lines = lines.flatMap { Wrap.words($0, width: width, indent: $0.hasPrefix("  ") ? "    " : "      ") }
    }
    if report.identical {
      lines.append("")
      lines.append("no differences: both REFs name the same text")
      return lines.joined(separator: "\n") + "\n"
    }
    let items = report.items(options)
    if items.isEmpty {
      lines.append("")
      lines.append("no changed clause has data-use language")
      return lines.joined(separator: "\n") + "\n"
    }
    lines.append("")
    var lastSection: [String]?
    for item in items {
      switch item {
      case .fold(let count):
        lines.append(painter.paint("  ⋯ \(count) unchanged clause\(count == 1 ? "" : "s") ⋯", .fold))
      case .entry(let entry):
        if entry.section != lastSection {
          if lines.last != "" { lines.append("") }
          let path = entry.section.isEmpty ? "(top)" : entry.section.joined(separator: " › ")
          lines.append(painter.paint("@@ " + path + " @@", .section))
          lastSection = entry.section
        }
        if options.sideBySide {
          lines += sideBySide(entry, painter: painter, width: options.width ?? 160)
        } else {
          lines += unified(entry, painter: painter, width: options.width)
        }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func header(_ report: DiffReport, painter: Painter) -> [String] {
    var lines = [painter.paint("\(report.service)/\(report.document)", .title)]
    for address in report.addresses {
      lines.append(painter.paint(address.page.map { "page \($0)" } ?? "url", .label) + "  " + address.url)
    }
    func side(_ label: String, _ side: DiffReport.Side) -> String {
      painter.paint(label, .label) + " " + side.version.prefix(12) + "  first seen " + ViewDates.stamp(side.firstSeen)
        + "  declared " + side.declaredSummary
    }
    lines.append(side("from", report.from))
    lines.append(side("to  ", report.to))
    // The kind of event and the last sighting of the old text on a line of their own (the header fits 80 columns).
    if let event = report.event, !report.identical {
      lines.append(
        "      " + painter.paint(event.rawValue, .kind(event))
          + (report.to.lastSeenBefore.map { painter.paint(", previous text last seen ", .label) + ViewDates.stamp($0) }
            ?? ""))
    }
    if !report.flags.isEmpty {
      lines.append(
        painter.paint("flags", .label) + " "
          + painter.paint(report.flags.map(\.rawValue).joined(separator: ", "), .flag) + flagExplanation(report))
    }
    if !report.identical {
      lines.append(painter.paint("clauses", .label) + " " + report.countsSummary)
    }
    if !report.dataUse.isEmpty {
      lines.append(painter.paint("new data-use language:", .label))
      for finding in report.dataUse {
        let label = (finding.polarity == .negated ? "NOT_" : "") + finding.category
        let section = finding.section.last.map { " [\($0)]" } ?? ""
        let verb = finding.changeDescription
        lines.append("  " + painter.paint(label, .dataUse) + "  \(verb)\(section) “\(finding.match)”")
      }
    }
    return lines
  }

  static func flagExplanation(_ report: DiffReport) -> String {
    var reasons: [String] = []
    if report.flags.contains(.silent) { reasons.append("the text changed, the declared date did not") }
    if report.flags.contains(.backdated) {
      reasons.append("the declared date is earlier than the last fetch showing the old text")
    }
    return reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")"
  }

  static func unified(_ entry: DiffReport.Entry, painter: Painter, width: Int?) -> [String] {
    let spans = InlineSpans.spans(entry, side: .unified)
    var prefixed = spans
    if !entry.headingPrefix.isEmpty { prefixed.insert(InlineSpan(text: entry.headingPrefix, role: .text), at: 0) }
    let marker = painter.paint(entry.marker, entry.tone)
    var lines: [String] = []
    let paragraphs = split(prefixed)
    for (index, paragraph) in paragraphs.enumerated() {
      let lead = index == 0 ? marker + " " : "  "
      if let width {
        for (number, line) in Wrap.lines(paragraph, width: width - 2, painter: painter, base: entry.tone).enumerated() {
          lines.append((number == 0 ? lead : "  ") + line.text)
        }
      } else {
        lines.append(lead + painter.spans(paragraph, base: entry.tone))
      }
    }
    if let note = entry.note { lines.append("  " + painter.paint("(\(note))", .label)) }
    return lines
  }

  /// Splits spans at "\n" (lines inside a clause, split/merged parts).
  static func split(_ spans: [InlineSpan]) -> [[InlineSpan]] {
    var result: [[InlineSpan]] = [[]]
    for span in spans {
      let parts = span.text.split(separator: "\n", omittingEmptySubsequences: false)
      for (index, part) in parts.enumerated() {
        if index > 0 { result.append([]) }
        if !part.isEmpty {
          var piece = span
          piece.text = String(part)
          result[result.count - 1].append(piece)
        }
      }
    }
    return result
  }

  static func sideBySide(_ entry: DiffReport.Entry, painter: Painter, width: Int) -> [String] {
    let column = max(20, (width - 3) / 2)
    func cells(_ side: InlineSpans.Side) -> [(text: String, width: Int)] {
      var spans = InlineSpans.spans(entry, side: side)
      if side == .old && entry.old == nil && entry.kind != .unchanged && entry.kind != .moved { return [] }
      if side == .new && entry.new == nil { return [] }
      if !entry.headingPrefix.isEmpty { spans.insert(InlineSpan(text: entry.headingPrefix, role: .text), at: 0) }
      return split(spans).flatMap { Wrap.lines($0, width: column, painter: painter, base: entry.tone) }
    }
    let left = cells(.old)
    let right = cells(.new)
    let gutter = painter.paint(entry.kind == .unchanged ? "│" : entry.marker, entry.tone)
    var lines: [String] = []
    for row in 0..<max(left.count, right.count) {
      let l = row < left.count ? left[row] : (text: "", width: 0)
      let r = row < right.count ? right[row].text : ""
      let line = l.text + String(repeating: " ", count: max(0, column - l.width)) + " " + gutter + " " + r
      lines.append(r.isEmpty ? String(line.dropLast(1)) : line)
    }
    if let note = entry.note {
      lines.append(String(repeating: " ", count: column + 3) + painter.paint("(\(note))", .label))
    }
    return lines
  }
}
