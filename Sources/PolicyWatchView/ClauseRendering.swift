import PolicyWatchText

/// Renders clauses for people: Markdown (headings, nested lists, tables, links) and plain text with section paths.
public enum ClauseRendering {
  /// Clauses as Markdown: headings as headings, list items as list items, paragraphs as paragraphs.
  public static func markdown(_ clauses: [Clause]) -> String {
    var lines: [String] = []
    var previous: ClauseKind?
    for clause in clauses {
      let text = clause.text
      switch clause.kind {
      case .heading:
        if !lines.isEmpty { lines.append("") }
        lines.append(
          String(repeating: "#", count: max(1, min(6, clause.level))) + " "
            + text.replacingOccurrences(of: "\n", with: " "))
        lines.append("")
      case .listItem:
        if previous != .listItem, lines.last != "" { lines.append("") }
        let indent = String(repeating: "  ", count: max(0, clause.level - 1))
        lines.append(indent + "- " + text.replacingOccurrences(of: "\n", with: "\n" + indent + "  "))
      case .tableRow:
        let cells = text.components(separatedBy: " | ")
        if previous != .tableRow {
          if lines.last != "" { lines.append("") }
          lines.append("| " + cells.joined(separator: " | ") + " |")
          lines.append("|" + String(repeating: " --- |", count: cells.count))
        } else {
          lines.append("| " + cells.joined(separator: " | ") + " |")
        }
      case .quote:
        lines.append("> " + text.replacingOccurrences(of: "\n", with: "\n> "))
        lines.append("")
      case .preformatted:
        lines.append("```")
        lines.append(text)
        lines.append("```")
        lines.append("")
      case .term:
        lines.append("**\(text)**")
      case .definition:
        lines.append(": " + text)
        lines.append("")
      case .paragraph:
        if previous == .listItem || previous == .tableRow { lines.append("") }
        lines.append(text.replacingOccurrences(of: "\n", with: "  \n"))
        lines.append("")
      }
      previous = clause.kind
    }
    while lines.last == "" { lines.removeLast() }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `Section › Subsection: text`, one clause per line (headings shown as `#` lines).
  public static func text(_ clauses: [Clause]) -> String {
    var output: [String] = []
    for clause in clauses {
      if clause.kind == .heading {
        output.append(String(repeating: "#", count: max(1, clause.level)) + " " + clause.text)
      } else {
        let path = clause.section.last.map { "[\($0)] " } ?? ""
        output.append(path + clause.text.replacingOccurrences(of: "\n", with: " / "))
      }
    }
    return output.joined(separator: "\n") + "\n"
  }
}
