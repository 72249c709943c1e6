import Foundation
import PolicyWatchDataUse
import PolicyWatchStore

/// One-line, human descriptions of events (for `check`, `replay` and `log` text output).
public enum EventFormatting {
  /// One event as one line for people: minute, document, kind, clause counts, dates, flags, data-use labels.
  public static func line(_ event: StoreEvent) -> String {
    var parts = [
      minute(event.firstSeen),
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

  /// One event as one line of JSON (the `events.jsonl` schema).
  public static func json(_ event: StoreEvent) -> String { StoreJSON.line(event) }

  /// `2024-09-19 06:10Z`: the minute, in UTC, as text outputs write it.
  public static func minute(_ date: Date) -> String {
    String(StoreJSON.format(date).prefix(16)).replacingOccurrences(of: "T", with: " ") + "Z"
  }

  /// `2024-09-19T06:10:13Z`, the store's timestamps.
  public static func timestamp(_ date: Date) -> String { StoreJSON.format(date) }

  /// A JSON line about a document that has no event in this run but needs saying (`check --format json`):
  /// `{"kind": "still-inaccessible" | "store-error", "service", "document", "outcome", "reason", "since"?}`.
  public static func statusJSON(
    kind: String, service: String, document: String, outcome: String, reason: String, since: Date? = nil
  ) -> String {
    struct Status: Encodable {
      var kind: String
      var service: String
      var document: String
      var outcome: String
      var reason: String
      var since: Date?
    }
    return StoreJSON.line(
      Status(kind: kind, service: service, document: document, outcome: outcome, reason: reason, since: since))
  }

  /// Parses `2024-09-19` or a full ISO timestamp.
  public static func parseDate(_ text: String) -> Date? {
    if let date = StoreJSON.parse(text) { return date }
    return StoreJSON.parse(text + "T00:00:00Z")
  }
}
