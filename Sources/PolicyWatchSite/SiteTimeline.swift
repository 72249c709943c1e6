import Foundation
import PolicyWatchDataUse
import PolicyWatchStore
import PolicyWatchSupport
import PolicyWatchView

/// A document's history drawn in SVG, inline in its page (no script, no external resource):
///
/// - row "fetches": one tick per pixel column that had a fetch, grey when the page was read, red when it was not;
///   streaks of inaccessibility as red bands with their reason;
/// - row "changes": each change a circle filled with the colour of its most consequential new data-use category
///   (grey: none), outlined in amber when it is `silent`; flaps as blue diamonds, technical re-extractions as grey
///   squares, the first version as a black ring; each mark links to its page and has a tooltip;
/// - row "declared": the date the document declares, a diamond joined to the change it belongs to, so a line slanting
///   far back shows a back-dated change (drawn red when flagged), and a change without a diamond of its own (a
///   `silent` one) shows the text changed while the date did not. A declared date outside the drawing is pinned to
///   its edge with an arrow.
///
/// The same events are in the table under the figure (its text alternative), and `<title>`/`<desc>` name it.
enum SiteTimeline {
  static let width = 1000.0
  static let left = 96.0
  static let right = 16.0
  static let fetchY = 34.0
  static let changeY = 82.0
  static let declaredY = 128.0
  static let axisY = 152.0
  static let height = 182.0

  /// Colours for data-use categories (by importance rank), all at least 4.5:1 against white.
  static let palette = ["#b3261e", "#6e40c9", "#0a6e8a", "#a05a00", "#116329", "#a3287a", "#1f5fbf", "#6b6b00"]
  static let noCategory = "#57606a"

  static func color(of category: String) -> String {
    palette[DataUseImportance.rank(of: category) % palette.count]
  }

  /// The colour of an event's mark: its most consequential new (not removed) category, else its first removed one.
  static func color(of event: StoreEvent) -> String {
    let findings = event.sortedFindings
    guard let finding = findings.first(where: { $0.change != .removed }) ?? findings.first else { return noCategory }
    return color(of: finding.category)
  }

  static func svg(_ document: SiteDocument, page: String) -> String {
    let times = document.attempts.map(\.time) + document.events.map(\.firstSeen)
    guard var start = times.min(), var end = times.max() else {
      return "<p>No fetch is recorded yet.</p>\n"
    }
    if end.timeIntervalSince(start) < 86_400 {
      start = start.addingTimeInterval(-43_200)
      end = end.addingTimeInterval(43_200)
    }
    let span = end.timeIntervalSince(start)
    let plot = width - left - right
    func x(_ date: Date) -> Double { left + plot * min(1, max(0, date.timeIntervalSince(start) / span)) }
    func f(_ value: Double) -> String { String(format: "%.1f", value) }

    let changes = document.events.filter { $0.kind == .change }
    let name = "\(document.ref.service)/\(document.ref.document)"
    let failures = document.attempts.filter { !$0.ok }.count
    let summary =
      "\(document.attempts.count) fetch\(document.attempts.count == 1 ? "" : "es") from \(SiteHTML.minute(start)) "
      + "to \(SiteHTML.minute(end)) (\(failures) not readable), \(changes.count) change\(changes.count == 1 ? "" : "s")"
      + ", \(document.events.filter { $0.kind == .flap }.count) flaps, "
      + "\(document.inaccessibleStreaks.count) inaccessible streaks, "
      + "\(document.events.filter { $0.kind == .technical }.count) technical re-extractions. "
      + "The same events are listed in the table below."
    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
    svg += "aria-labelledby=\"timeline-title timeline-desc\">\n"
    svg += "<title id=\"timeline-title\">Timeline of \(Markup.escape(name))</title>\n"
    svg += "<desc id=\"timeline-desc\">\(Markup.escape(summary))</desc>\n"
    // Row labels and guide lines.
    for (label, y) in [("fetches", fetchY), ("changes", changeY), ("declared", declaredY)] {
      svg += "<text x=\"8\" y=\"\(f(y + 4))\" font-size=\"13\" fill=\"#3d444d\">\(label)</text>\n"
      svg += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#d0d7de\"/>\n"
    }
    // Inaccessible streaks.
    for streak in document.inaccessibleStreaks {
      let x0 = x(streak.start)
      let x1 = max(x(streak.end), x0 + 2)
      let text =
        "inaccessible from \(SiteHTML.minute(streak.start)) "
        + (streak.open ? "(still at the last fetch)" : "to \(SiteHTML.minute(streak.end))")
        + (streak.reason.map { ": " + $0 } ?? "")
      svg += "<rect x=\"\(f(x0))\" y=\"\(f(fetchY - 14))\" width=\"\(f(x1 - x0))\" height=\"28\" fill=\"#cf222e\" "
      svg += "fill-opacity=\"0.18\"><title>\(Markup.escape(text))</title></rect>\n"
    }
    // Fetch ticks, one per pixel column (thousands of fetches stay a small drawing).
    var okColumns = Set<Int>()
    var badColumns = Set<Int>()
    for attempt in document.attempts {
      let column = Int(x(attempt.time).rounded())
      if attempt.ok { okColumns.insert(column) } else { badColumns.insert(column) }
    }
    for (columns, colour, label) in [(okColumns, "#8c959f", "readable"), (badColumns, "#cf222e", "not readable")]
    where !columns.isEmpty {
      let path = columns.sorted().map { "M\($0) \(f(fetchY - 8))v16" }.joined()
      svg += "<path d=\"\(path)\" stroke=\"\(colour)\" stroke-width=\"1\"><title>fetches (\(label))</title></path>\n"
    }
    // Declared dates first (under the change marks), then the marks.
    var marks = ""
    for event in document.events {
      let href =
        SiteDocument.hasPage(event)
        ? Markup.escape(SitePaths.relative(from: page, to: SitePaths.event(event))) : nil
      let cx = x(event.firstSeen)
      var tip = "\(event.kind.rawValue), first seen \(SiteHTML.minute(event.firstSeen))"
      if let declared = event.declaredDate { tip += ", declared \(declared)" }
      if !event.flags.isEmpty { tip += ", " + event.flags.map(\.rawValue).joined(separator: ", ") }
      let labels = event.labelTags.map { ($0.removed ? "removed " : "") + $0.label }
      if !labels.isEmpty { tip += "; data use: " + labels.joined(separator: ", ") }
      if let reason = event.reason, event.kind == .flap || event.kind == .technical { tip += "; " + reason }
      var shape: String
      switch event.kind {
      case .change:
        let silent = event.flags.contains(.silent)
        shape = "<circle cx=\"\(f(cx))\" cy=\"\(f(changeY))\" r=\"7\" fill=\"\(color(of: event))\""
        shape += silent ? " stroke=\"#bf8700\" stroke-width=\"3\"" : " stroke=\"#fff\" stroke-width=\"1\""
        shape += ">"
      case .flap:
        shape = "<path d=\"M\(f(cx)) \(f(changeY - 7))l7 7l-7 7l-7-7z\" fill=\"#0969da\">"
      case .technical:
        shape = "<rect x=\"\(f(cx - 5))\" y=\"\(f(changeY - 5))\" width=\"10\" height=\"10\" fill=\"#8c959f\">"
      case .first:
        shape =
          "<circle cx=\"\(f(cx))\" cy=\"\(f(changeY))\" r=\"6\" fill=\"#fff\" stroke=\"#1f2328\" stroke-width=\"3\">"
      case .inaccessible, .recovered:
        continue
      }
      let closing = shape.hasPrefix("<circle") ? "</circle>" : shape.hasPrefix("<path") ? "</path>" : "</rect>"
      shape += "<title>\(Markup.escape(tip))</title>\(closing)"
      marks += href.map { "<a href=\"\($0)\">\(shape)</a>\n" } ?? shape + "\n"
      // The declared date, joined to its change.
      if event.kind == .change || event.kind == .first, let declared = event.declaredDate,
        let date = EventFormatting.parseDate(declared)
      {
        let dx = x(date)
        let outside = date < start ? "◀ " : date > end ? "▶ " : ""
        let backdated = event.flags.contains(.backdated)
        svg += "<line x1=\"\(f(cx))\" y1=\"\(f(changeY + 7))\" x2=\"\(f(dx))\" y2=\"\(f(declaredY - 6))\" "
        svg += "stroke=\"\(backdated ? "#cf222e" : "#8c959f")\" stroke-width=\"\(backdated ? 2 : 1)\"/>\n"
        svg += "<path d=\"M\(f(dx)) \(f(declaredY - 6))l6 6l-6 6l-6-6z\" fill=\"\(backdated ? "#cf222e" : "#3d444d")\">"
        svg += "<title>\(Markup.escape("\(outside)declared \(declared) (\(event.kind.rawValue) first seen "))"
        svg += "\(SiteHTML.minute(event.firstSeen)))</title></path>\n"
      }
    }
    svg += marks
    // The time axis: years, and months when the drawing spans less than three years.
    svg += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(axisY))\" y2=\"\(f(axisY))\" "
    svg += "stroke=\"#57606a\"/>\n"
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let months = span < 3 * 365 * 86_400
    var components = calendar.dateComponents([.year, .month], from: start)
    components.day = 1
    var tick = calendar.date(from: components) ?? start
    var lastLabelX = -100.0
    for _ in 0..<600 {
      if tick > end { break }
      if tick >= start {
        let tx = x(tick)
        let month = calendar.component(.month, from: tick)
        let year = calendar.component(.year, from: tick)
        if months || month == 1 {
          svg += "<line x1=\"\(f(tx))\" x2=\"\(f(tx))\" y1=\"\(f(axisY))\" y2=\"\(f(axisY + (month == 1 ? 8 : 4)))\" "
          svg += "stroke=\"#57606a\"/>\n"
          let label = month == 1 || !months ? "\(year)" : String(format: "%d-%02d", year, month)
          let wide = Double(label.count) * 7.5
          if tx - lastLabelX > wide + 6 {
            svg += "<text x=\"\(f(tx))\" y=\"\(f(axisY + 22))\" font-size=\"12\" text-anchor=\"middle\" "
            svg += "fill=\"#3d444d\">\(label)</text>\n"
            lastLabelX = tx
          }
        }
      }
      guard let next = calendar.date(byAdding: .month, value: 1, to: tick) else { break }
      tick = next
    }
    svg += "</svg>\n"
    return svg
  }

  /// The legend under the figure: the marks, and the colours of the categories this document's changes brought.
  static func legend(_ document: SiteDocument) -> String {
    var items = [
      "<li><span class=\"swatch\" style=\"background:#8c959f;border-radius:0\"></span>fetch</li>",
      "<li><span class=\"swatch\" style=\"background:#f4c7c9;border-radius:0\"></span>inaccessible</li>",
      "<li><span class=\"swatch\" style=\"background:#fff;border:3px solid #1f2328\"></span>first version</li>",
      "<li><span class=\"swatch\" style=\"background:\(noCategory)\"></span>change without data-use language</li>",
      "<li><span class=\"swatch\" style=\"background:#fff;border:3px solid #bf8700\"></span>silent change</li>",
      "<li><span class=\"swatch\" style=\"background:#0969da;border-radius:0;transform:rotate(45deg)\"></span>flap</li>",
      "<li><span class=\"swatch\" style=\"background:#8c959f;border-radius:0\"></span>technical</li>",
      "<li><span class=\"swatch\" style=\"background:#3d444d;border-radius:0;transform:rotate(45deg)\"></span>"
        + "declared date (red: back-dated)</li>",
    ]
    var categories: [String] = []
    for event in document.events where event.kind == .change {
      for finding in event.sortedFindings where finding.change != .removed && !categories.contains(finding.category) {
        categories.append(finding.category)
      }
    }
    for category in categories.sorted(by: { DataUseImportance.rank(of: $0) < DataUseImportance.rank(of: $1) }) {
      items.append(
        "<li><span class=\"swatch\" style=\"background:\(color(of: category))\"></span>\(Markup.escape(category))</li>")
    }
    return "<ul class=\"legend\">\n" + items.joined(separator: "\n") + "\n</ul>\n"
  }
}
