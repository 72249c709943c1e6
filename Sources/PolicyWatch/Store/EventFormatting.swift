import Foundation

/// One-line, human descriptions of events (for `check`, `replay` and `log` text output).
public enum EventFormatting {
  public static func line(_ event: StoreEvent) -> String {
    var parts = [
      String(StoreJSON.format(event.firstSeen).prefix(16)).replacingOccurrences(of: "T", with: " "),
      "\(event.service)/\(event.document)", event.kind.rawValue,
    ]
    if let counts = event.clauses {
      parts.append("+\(counts.added) -\(counts.removed) ~\(counts.modified)")
    }
    if let declared = event.declaredDate, event.kind != .inaccessible, event.kind != .recovered {
      parts.append("declared \(declared)")
    }
    if !event.flags.isEmpty { parts.append(event.flags.map(\.rawValue).joined(separator: ",")) }
    if let findings = event.dataUse, !findings.isEmpty {
      let labels = DataUseImportance.sortedLabels(findings.map(\.listLabel))
      parts.append("data-use: " + labels.joined(separator: ","))
    }
    if let reason = event.reason, event.kind == .inaccessible || event.kind == .flap { parts.append(reason) }
    return parts.joined(separator: "  ")
  }

  public static func json(_ event: StoreEvent) -> String { StoreJSON.line(event) }

  /// Parses `2024-09-19` or a full ISO timestamp.
  public static func parseDate(_ text: String) -> Date? {
    if let date = StoreJSON.parse(text) { return date }
    return StoreJSON.parse(text + "T00:00:00Z")
  }
}
