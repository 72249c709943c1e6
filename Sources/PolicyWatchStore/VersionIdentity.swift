import Foundation
import PolicyWatchSupport
import PolicyWatchText

/// When two extractions are "the same text": the identity of a version.
///
/// Built from each clause's comparison key, lowercased, with what real pages change on every fetch without the
/// policy changing taken out: dates written in another format ("February 24, 2025" / "24 February 2025") are
/// rewritten as ISO dates, relative times ("updated 3 days ago") are blanked, interface-only clauses ("Back to
/// top", "Copy link") are dropped, and so are screen-reader notes glued to link texts ("More InformationOpens in
/// new tab"). A declared-date line counts by its dates and words only (`DateLine`: not by how the interface text
/// beside it is glued or formatted), and a clause that is only the short text of one link right beside a date
/// line ("Previous version") is interface text. Clause order does not count: the same clauses in another order (a
/// layout change) are the same version. Link targets and markup never reach the keys.
public enum VersionIdentity {
  /// The id of the version these clauses make: 20 hex digits of the SHA-256 of their identity keys, sorted, so
  /// the same text gives the same id whatever the order it was extracted in (interface text left out).
  /// - Parameter clauses: the clauses of one extracted document.
  /// - Returns: the version id.
  public static func id(of clauses: [Clause]) -> String {
    let keys = identityKeys(of: clauses).sorted()
    return String(SHA256.hex(keys.joined(separator: "\n")).prefix(20))
  }

  /// The keys the clauses contribute to their version's identity, in clause order (interface text left out).
  static func identityKeys(of clauses: [Clause]) -> [String] {
    var keys: [String?] = []
    keys.reserveCapacity(clauses.count)
    var dateLines: [Int] = []
    for (index, clause) in clauses.enumerated() {
      let (key, isDateLine) = canonical(clause)
      keys.append(key)
      if isDateLine { dateLines.append(index) }
    }
    for line in dateLines {
      for neighbour in [line - 1, line + 1] where clauses.indices.contains(neighbour) {
        if isShortLinkText(clauses[neighbour]) { keys[neighbour] = nil }
      }
    }
    return keys.compactMap { $0 }
  }

  /// The key a clause contributes to its version's identity, or nil for interface text.
  static func canonicalKey(_ clause: Clause) -> String? { canonical(clause).key }

  /// The identity key of a clause, and whether it is a declared-date line.
  private static func canonical(_ clause: Clause) -> (key: String?, isDateLine: Bool) {
    var key = clause.key.lowercased()
    // Byte-level tests first: Foundation's trimming and searching cost more than the rest of the identity.
    if key.utf8.count <= chromeMaxLength {
      let bytes = Array(key.utf8)
      let trimmed = bytes.drop { chromeTrim.contains($0) }.reversed().drop { chromeTrim.contains($0) }.reversed()
      if chrome.contains(String(decoding: trimmed, as: UTF8.self)) { return (nil, false) }
    }
    if contains(key, "opens in ") { key = dropScreenReaderNotes(key) }
    if containsYear(key) {
      if key.utf8.count <= DateLine.maxBytes, let line = DateLine.identityKey(text: clause.text, links: clause.links) {
        return (line, true)
      }
      key = canonicalDates(key)
    }
    if contains(key, " ago") { key = blankRelativeTimes(key) }
    return (key.isEmpty ? nil : key, false)
  }

  /// A clause that is all the text of its one link, in at most four words ("Previous version", "Download PDF").
  static func isShortLinkText(_ clause: Clause) -> Bool {
    guard clause.links.count == 1, clause.key.utf8.count <= chromeMaxLength,
      TextNormalization.key(clause.links[0].text) == clause.key
    else { return false }
    return DateLine.words(of: clause.key).count <= 4
  }

  /// What screen readers are told about a link, as pages write it into the link's text: "Opens in new tab".
  static let screenReaderNotes = [
    "(opens in a new tab)", "(opens in new tab)", "(opens in a new window)", "(opens in new window)",
    "opens in a new tab", "opens in new tab", "opens in a new window", "opens in new window",
  ]

  static func dropScreenReaderNotes(_ key: String) -> String {
    var key = key
    for note in screenReaderNotes where contains(key, note) {
      key = key.replacingOccurrences(of: note, with: " ")
    }
    return key.split(separator: " ").joined(separator: " ")
  }

  static let chromeTrim: Set<UInt8> = Set(" .:!?".utf8)
  static let chromeMaxLength = 40

  /// Whether `text` holds `word` (plain byte comparison).
  package static func contains(_ text: String, _ word: String) -> Bool {
    var text = text
    var word = word
    // On the strings' own UTF-8 storage: no copy per clause.
    return text.withUTF8 { haystack in
      word.withUTF8 { needle in !needle.isEmpty && haystack.contains(bytes: needle) }
    }
  }

  static let chrome: Set<String> = [
    "back to top", "skip to content", "skip to main content", "copy link", "link copied", "print", "share",
    "on this page", "table of contents", "was this page helpful", "was this helpful", "yes", "no", "close", "menu",
    "open menu", "close menu", "scroll to top", "go to top", "top", "download pdf", "print this page",
  ]

  static let months: [String: Int] = [
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
  ]

  /// Whether the text holds a year (four digits 1900–2199 standing alone): the cheap test before `canonicalDates`.
  static func containsYear(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { containsYear(bytes: $0) }
  }

  private static func containsYear(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count >= 4 else { return false }
    func digit(_ index: Int) -> Bool { index >= 0 && index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57 }
    for index in 0...(bytes.count - 4)
    where (bytes[index] == 49 && bytes[index + 1] == 57)
      || (bytes[index] == 50 && (bytes[index + 1] == 48 || bytes[index + 1] == 49))
    {
      if digit(index + 2), digit(index + 3), !digit(index - 1), !digit(index + 4) { return true }
    }
    return false
  }

  /// "september 18, 2024", "sept. 18th 2024", "18 september 2024" → "2024-09-18".
  static func canonicalDates(_ text: String) -> String {
    let words = text.split(separator: " ", omittingEmptySubsequences: false)
    guard words.count >= 3 else { return text }
    func strip(_ word: Substring) -> Substring {
      var end = word.endIndex
      while end > word.startIndex, [",", "."].contains(word[word.index(before: end)]) { end = word.index(before: end) }
      return word[..<end]
    }
    func number(_ word: Substring, _ range: ClosedRange<Int>) -> Int? {
      var digits = strip(word)
      for suffix in ["st", "nd", "rd", "th"] where digits.hasSuffix(suffix) { digits.removeLast(2) }
      guard let value = Int(digits), range.contains(value) else { return nil }
      return value
    }
    func month(_ word: Substring) -> Int? { months[String(strip(word))] }
    /// The ISO date the three words from `index` on spell, keeping the year's trailing comma or period.
    func date(at index: Int) -> String? {
      // Cheap test first: a word `number` reads as 1900–2199 starts with "1", "2", "0" or "+".
      guard index + 2 < words.count, let first = words[index + 2].utf8.first, (48...50).contains(first) || first == 43,
        let y = number(words[index + 2], 1900...2199)
      else { return nil }
      let m: Int
      let d: Int
      if let month = month(words[index]), let day = number(words[index + 1], 1...31) {
        (m, d) = (month, day)
      } else if let day = number(words[index], 1...31), let month = month(words[index + 1]) {
        (m, d) = (month, day)
      } else {
        return nil
      }
      let year = words[index + 2]
      let trailing = year.hasSuffix(",") ? "," : year.hasSuffix(".") ? "." : ""
      return String(format: "%04d-%02d-%02d", y, m, d) + trailing
    }
    // Most clauses with a year hold no date ("the Act of 2018"): they are returned as they are, with no rebuilding.
    guard (0..<(words.count - 2)).contains(where: { date(at: $0) != nil }) else { return text }
    var output: [Substring] = []
    var index = 0
    while index < words.count {
      if let iso = date(at: index) {
        output.append(Substring(iso))
        index += 3
      } else {
        output.append(words[index])
        index += 1
      }
    }
    return output.joined(separator: " ")
  }

  /// "3 days ago", "an hour ago" → "(time) ago".
  static func blankRelativeTimes(_ text: String) -> String {
    guard text.contains(" ago") else { return text }
    var words = text.split(separator: " ").map(String.init)
    let units = ["second", "minute", "hour", "day", "week", "month", "year"]
    var index = 0
    while index + 2 < words.count {
      let unit = words[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: "s"))
      if words[index + 2].hasPrefix("ago"), units.contains(unit) {
        words[index] = "(time)"
        words[index + 1] = ""
      }
      index += 1
    }
    return words.filter { !$0.isEmpty }.joined(separator: " ")
  }
}
