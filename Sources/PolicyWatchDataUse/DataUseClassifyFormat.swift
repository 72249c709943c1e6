import Foundation

/// The line formats of `policywatch classify`: input `id<TAB>text`, output TSV or JSON lines.
public enum DataUseClassifyFormat {
  /// Splits an input line at its first tab. A line with no tab is all text, and gets `fallbackID` (the line
  /// number) as its id. Returns nil for a blank line.
  public static func parseInputLine(_ line: Substring, fallbackID: String) -> (id: String, text: String)? {
    let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
    if trimmed.allSatisfy(\.isWhitespace) { return nil }
    guard let tab = trimmed.firstIndex(of: "\t") else { return (fallbackID, String(trimmed)) }
    return (String(trimmed[..<tab]), String(trimmed[trimmed.index(after: tab)...]))
  }

  /// `id<TAB>LABEL|LABEL…`, negated labels prefixed `NOT_`, nothing after the tab when nothing matched.
  public static func tsvLine(id: String, matches: [DataUseMatch]) -> String {
    var seen = Set<String>()
    let labels = matches.map(\.label).filter { seen.insert($0).inserted }
    return id + "\t" + labels.joined(separator: "|")
  }

  /// One JSON object: `{"id": …, "labels": […], "matches": [{"category", "polarity", "label", "match", "rule"}]}`.
  public static func jsonLine(id: String, matches: [DataUseMatch]) -> String {
    struct Item: Encodable {
      var category: String
      var polarity: DataUsePolarity
      var label: String
      var match: String
      var rule: String
    }
    struct Line: Encodable {
      var id: String
      var labels: [String]
      var matches: [Item]
    }
    let line = Line(
      id: id, labels: matches.map(\.label),
      matches: matches.map {
        Item(category: $0.category, polarity: $0.polarity, label: $0.label, match: $0.match, rule: $0.rule)
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding plain strings and arrays cannot fail.
    let data = (try? encoder.encode(line)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}
