/// A clause that states a declared date and little else: "Effective 12 January 2026", "Last updated: March 3,
/// 2025 · Print", "Effective 12 January 2026Previous Version" (a link glued to the date by the page's markup).
///
/// Pages put interface text beside their date line (links to previous versions, print and download buttons) and
/// change how it is glued to the date from one fetch to the next. What a date line says is its dates and its
/// words; so its identity (`identityKey`) is the dates it declares (kind and calendar date, whatever the format)
/// and its other words, lowercased, without punctuation or spacing, leaving out the texts of its links and a short
/// tail after the last date (at most `maxTrailingWords` words: interface text). A line that says more than that
/// keeps those words ("These terms are effective as of …").
package enum DateLine {
  /// Longer clauses are never date lines (a paragraph that mentions a date says more).
  package static let maxBytes = 300
  static let maxTrailingWords = 4

  /// The identity key of a date line, or nil when `text` declares no date or is too long to be a date line.
  package static func identityKey(text: String, links: [ClauseLink]) -> String? {
    guard text.utf8.count <= maxBytes else { return nil }
    let dates = DateScanner.scan(text, order: .unknown)
    guard !dates.isEmpty else { return nil }
    let bytes = Array(text.utf8)
    var rest: [UInt8] = []
    var cursor = 0
    for date in dates where date.phraseUTF8Range.lowerBound >= cursor {
      rest += bytes[cursor..<date.phraseUTF8Range.lowerBound]
      rest.append(0x0A)
      cursor = date.phraseUTF8Range.upperBound
    }
    let trailing = String(decoding: bytes[cursor...], as: UTF8.self)
    if words(of: trailing).count > maxTrailingWords { rest += bytes[cursor...] }
    var remaining = String(decoding: rest, as: UTF8.self).lowercased()
    for link in links where !link.text.isEmpty {
      if let range = remaining.range(of: link.text.lowercased()) { remaining.replaceSubrange(range, with: "\n") }
    }
    let declared = dates.map { "\($0.kind.rawValue) \($0.isoDate)" }.joined(separator: " ")
    return (["(date line) \(declared)"] + words(of: remaining)).joined(separator: " ")
  }

  /// Runs of letters and digits.
  package static func words(of text: String) -> [Substring] {
    text.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
  }
}
