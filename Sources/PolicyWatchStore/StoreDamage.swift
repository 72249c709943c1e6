import Foundation

/// What is wrong with a line of a JSON Lines file of the store, in words, and what can be salvaged from it.
package enum StoreDamage {
  /// `3 NUL bytes at columns 14–16`, `not valid JSON`, `valid JSON but not a timeline entry (…)`.
  package static func describe(_ line: ArraySlice<UInt8>) -> String {
    let controls = line.indices.filter { line[$0] < 0x20 && line[$0] != 0x09 }
    if !controls.isEmpty {
      let nul = controls.allSatisfy { line[$0] == 0 }
      let columns = controls.map { $0 - line.startIndex + 1 }
      let range =
        columns.count == 1
        ? "column \(columns[0])"
        : columns.last! - columns[0] + 1 == columns.count
          ? "columns \(columns[0])–\(columns.last!)"
          : "columns " + columns.prefix(5).map(String.init).joined(separator: ", ")
      let kind = nul ? "NUL" : "control"
      return "\(controls.count) \(kind) byte\(controls.count == 1 ? "" : "s") at \(range)"
    }
    if (try? JSONSerialization.jsonObject(with: Data(line))) == nil { return "not valid JSON" }
    return "valid JSON, but a field is missing or of the wrong type"
  }

  /// The line without its control bytes (NUL…), when that is different from the line.
  package static func withoutControlBytes(_ line: ArraySlice<UInt8>) -> [UInt8]? {
    let kept = line.filter { $0 >= 0x20 || $0 == 0x09 }
    return kept.count == line.count ? nil : kept
  }
}
