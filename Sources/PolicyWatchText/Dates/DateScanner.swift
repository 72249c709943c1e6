/// How a page writes numeric dates whose day and month are both ≤ 12.
enum NumericDateOrder: Sendable, Equatable {
  case monthFirst  // en, en-US: 9/10/2024 is September 10
  case dayFirst  // en-GB, fr, de, es, it…: 9/10/2024 is 9 October
  case unknown  // no language, or one that does not settle it (en-CA): reported as ambiguous

  /// Languages whose pages write the day first. English depends on the region.
  private static let dayFirstLanguages: Set<String> = [
    "fr", "de", "es", "it", "pt", "nl", "ca", "gl", "eu", "pl", "cs", "sk", "sl", "hr", "sr", "bs", "ro", "bg",
    "ru", "uk", "be", "el", "tr", "da", "nb", "nn", "no", "is", "fi", "et", "lv", "lt", "ga", "cy", "mt", "lb",
  ]
  private static let dayFirstEnglishRegions: Set<String> = [
    "gb", "uk", "ie", "au", "nz", "in", "za", "sg", "hk", "my", "ng", "ke", "pk", "mt", "jm", "001", "150",
  ]
  private static let monthFirstEnglishRegions: Set<String> = ["us", "ph", "um", "vi", "as", "gu", "pr", "mp"]

  /// From a BCP 47 tag such as "en", "en-US", "en_GB", "fr-CA" (case-insensitive). Only the language and the
  /// region subtags matter; a script subtag ("sr-Latn-RS") is skipped.
  init(language: String?) {
    guard let language, !language.isEmpty else {
      self = .unknown
      return
    }
    let parts = language.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
    let primary = parts.first ?? ""
    let region = parts.dropFirst().first(where: { $0.count == 2 || $0.count == 3 && $0.allSatisfy(\.isNumber) })
    if primary == "en" {
      if let region {
        if Self.monthFirstEnglishRegions.contains(region) {
          self = .monthFirst
        } else if Self.dayFirstEnglishRegions.contains(region) {
          self = .dayFirst
        } else {
          self = .unknown
        }
      } else {
        self = .monthFirst
      }
    } else if Self.dayFirstLanguages.contains(primary) {
      self = .dayFirst
    } else {
      self = .unknown
    }
  }
}

/// A date found after a keyword, before it becomes a `DeclaredDate`.
struct ScannedDate: Sendable {
  var kind: DeclaredDateKind
  var year: Int
  var month: Int
  var day: Int
  var ambiguous: Bool
  /// Only a month and a year ("September 2024"): `day` is 1.
  var monthOnly = false
  /// From the keyword to the end of the date, whitespace collapsed.
  var phrase: String
  /// UTF-8 offset of the date itself (not of the keyword), to find the clause it came from.
  var dateUTF8Start: Int
  /// UTF-8 offsets of the whole phrase, keyword to date.
  var phraseUTF8Range: Range<Int> = 0..<0

  var isoDate: String {
    func pad(_ value: Int, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }
}

/// Finds "keyword [connectors] date" in a text, left to right.
///
/// Algorithm choice: tokens come from `DateTokenizer` on demand into a small window; at each word that can start a
/// keyword, the keyword is matched, at most `maxConnectors` connector tokens are skipped and the date grammar is
/// tried on the next dozen tokens. Every step looks a bounded number of tokens ahead and the window is trimmed
/// behind the scan, so time is linear in the text and memory is constant. A date is only accepted right after a
/// keyword, or on a short line of its own right under a keyword line ("Last updated" / "18 September 2024").
struct DateScanner {
  static let maxConnectors = 8
  /// A keyword may have this many tokens before it on its line and still head a date on the next line.
  static let maxKeywordColumn = 6
  /// A date on its own line under a keyword may be followed by this many tokens before the line ends.
  static let maxTrailingTokens = 3

  private let bytes: UnsafeBufferPointer<UInt8>
  private var tokenizer: DateTokenizer
  private var window: [DateToken] = []
  private var windowBase = 0
  private var exhausted = false
  private let order: NumericDateOrder

  private init(bytes: UnsafeBufferPointer<UInt8>, order: NumericDateOrder) {
    self.bytes = bytes
    tokenizer = DateTokenizer(bytes: bytes)
    self.order = order
  }

  /// The dates declared in `text`, in order.
  static func scan(_ text: String, order: NumericDateOrder) -> [ScannedDate] {
    var text = text
    return text.withUTF8 { bytes in
      var scanner = DateScanner(bytes: bytes, order: order)
      return scanner.scan()
    }
  }

  private mutating func scan() -> [ScannedDate] {
    var results: [ScannedDate] = []
    var position = 0
    while true {
      if position == windowBase + window.count {
        // Nothing buffered ahead: skip straight to the next word that may start a keyword, without buffering the
        // tokens in between (the common case: most of a document is far from any keyword).
        guard !exhausted, let candidate = tokenizer.nextWord(where: DateVocabulary.mayStartKeyword) else { break }
        window.removeAll(keepingCapacity: true)
        windowBase = position
        window.append(candidate)
      }
      guard let token = token(at: position) else { break }
      trimWindow(before: position)
      if token.kind == .word, DateVocabulary.mayStartKeyword(token.hash),
        let candidates = DateVocabulary.keywordsByFirstToken[tokenizer.text(of: token)]
      {
        var found: (ScannedDate, Int)?
        for keyword in candidates where matches(keyword, at: position) {
          if let hit = dateAfter(keyword: keyword, at: position) {
            found = hit
            break
          }
        }
        if let (date, next) = found {
          results.append(date)
          position = next
          continue
        }
      }
      position += 1
    }
    return results
  }

  // MARK: Token window

  private mutating func token(at position: Int) -> DateToken? {
    // The scan never looks behind its window; answering "no token" keeps a logic slip from ever trapping.
    guard position >= windowBase else { return nil }
    while position - windowBase >= window.count {
      guard !exhausted, let next = tokenizer.next() else {
        exhausted = true
        return nil
      }
      window.append(next)
    }
    return window[position - windowBase]
  }

  private mutating func trimWindow(before position: Int) {
    let consumed = position - windowBase
    if consumed >= 256 {
      window.removeFirst(consumed)
      windowBase = position
    }
  }

  // MARK: Keyword, connectors, standalone line

  private mutating func matches(_ keyword: DateVocabulary.Keyword, at position: Int) -> Bool {
    for (offset, expected) in keyword.hashes.enumerated() {
      guard let token = token(at: position + offset), token.hash == expected else { return false }
    }
    // Hashes agree; confirm with the texts (only reached for real keyword candidates).
    for (offset, expected) in keyword.tokens.enumerated() {
      guard let token = token(at: position + offset), tokenizer.text(of: token) == expected else { return false }
    }
    return true
  }

  /// The date after a keyword that starts at `position`, and the position after the date.
  private mutating func dateAfter(keyword: DateVocabulary.Keyword, at position: Int) -> (ScannedDate, Int)? {
    guard let keywordToken = token(at: position) else { return nil }
    var cursor = position + keyword.tokens.count
    var crossedLine = false
    for _ in 0...Self.maxConnectors {
      guard let token = token(at: cursor) else { return nil }
      if token.newlineBefore {
        // The date may sit on its own line under a short keyword line, never further away.
        if crossedLine || keywordToken.column > Self.maxKeywordColumn { return nil }
        crossedLine = true
      }
      if let parsed = parseDate(at: cursor) {
        if crossedLine && !lineEnds(after: parsed.end) { return nil }
        let last = self.token(at: parsed.end - 1) ?? token
        let date = ScannedDate(
          kind: keyword.kind, year: parsed.year, month: parsed.month, day: parsed.day, ambiguous: parsed.ambiguous,
          monthOnly: parsed.monthOnly, phrase: phrase(from: keywordToken.start, to: last.end),
          dateUTF8Start: token.start, phraseUTF8Range: keywordToken.start..<max(keywordToken.start, last.end))
        return (date, parsed.end)
      }
      // After a line break only punctuation (Markdown emphasis, a bullet) may come before the date.
      guard !crossedLine || token.kind == .punct, DateVocabulary.connectors.contains(tokenizer.text(of: token)) else {
        return nil
      }
      cursor += 1
    }
    return nil
  }

  /// The text between two UTF-8 offsets, whitespace runs collapsed to one space.
  private func phrase(from start: Int, to end: Int) -> String {
    let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<max(start, end)]), as: UTF8.self)
    var phrase = ""
    var pendingSpace = false
    for scalar in raw.unicodeScalars {
      if scalar.properties.isWhitespace {
        pendingSpace = !phrase.isEmpty
        continue
      }
      if pendingSpace {
        phrase.append(" ")
        pendingSpace = false
      }
      phrase.unicodeScalars.append(scalar)
    }
    return phrase
  }

  private mutating func lineEnds(after position: Int) -> Bool {
    for offset in 0...Self.maxTrailingTokens {
      guard let token = token(at: position + offset) else { return true }
      if token.newlineBefore { return true }
    }
    return false
  }

  // MARK: Date grammar

  private struct ParsedDate {
    var year: Int
    var month: Int
    var day: Int
    var ambiguous: Bool
    var end: Int  // position after the last token of the date
    var monthOnly = false
  }

  /// A date starting at `position`: an optional weekday, then a numeric, day-first or month-first date.
  private mutating func parseDate(at position: Int) -> ParsedDate? {
    var start = position
    if let weekday = token(at: start), weekday.kind == .word,
      DateVocabulary.weekdays.contains(tokenizer.text(of: weekday))
    {
      start += 1
      if let comma = token(at: start), comma.isPunct(",") { start += 1 }
    }
    guard let first = token(at: start) else { return nil }
    if start > position && first.newlineBefore { return nil }
    switch first.kind {
    case .number:
      return numericDate(at: start) ?? dayFirstDate(at: start)
    case .word:
      guard let month = DateVocabulary.months[tokenizer.text(of: first)] else { return nil }
      return monthFirstDate(at: start, month: month)
    case .punct:
      return nil
    }
  }

  /// The token at `position` if it continues the date on the same line.
  private mutating func sameLine(_ position: Int) -> DateToken? {
    guard let token = token(at: position), !token.newlineBefore else { return nil }
    return token
  }

  /// 2024-09-18, 2024/9/18, 18/09/2024, 9/18/2024, 18.09.2024, 18-09-24.
  private mutating func numericDate(at position: Int) -> ParsedDate? {
    guard let first = token(at: position), let a = first.number, first.length <= 4,
      let separator = sameLine(position + 1),
      separator.isPunct("/") || separator.isPunct("-") || separator.isPunct("."),
      let second = sameLine(position + 2), let b = second.number, second.length <= 2,
      let separator2 = sameLine(position + 3), separator2.kind == .punct, separator2.punct == separator.punct,
      let third = sameLine(position + 4), let c = third.number
    else { return nil }
    // "1.2.2024.5" is a version number, not a date.
    if let after = sameLine(position + 5), after.kind == .punct, after.punct == separator.punct, !after.spaceBefore,
      let digits = sameLine(position + 6), digits.kind == .number, !digits.spaceBefore
    {
      return nil
    }
    let end = position + 5
    if first.length == 4 {
      guard third.length <= 2 else { return nil }
      return validated(year: a, month: b, day: c, ambiguous: false, end: end)
    }
    guard first.length <= 2, third.length == 4 || third.length == 2 else { return nil }
    let year = third.length == 2 ? 2000 + c : c
    // Day and month: the numbers decide when one of them is > 12 or both are equal, else the page's language.
    let dayFirst: Bool
    var ambiguous = false
    if a > 12 || b > 12 || a == b {
      dayFirst = a > 12
    } else {
      switch order {
      case .dayFirst: dayFirst = true
      case .monthFirst: dayFirst = false
      case .unknown:
        // Reported as ambiguous; the guess follows the separator's usual convention (18.09. in Europe, 9/18 in
        // the US).
        ambiguous = true
        dayFirst = !separator.isPunct("/")
      }
    }
    return dayFirst
      ? validated(year: year, month: b, day: a, ambiguous: ambiguous, end: end)
      : validated(year: year, month: a, day: b, ambiguous: ambiguous, end: end)
  }

  /// 18 September 2024, 18. September 2024, 18th of September, 2024, 1er octobre 2024,
  /// 18 de septiembre de 2024, 1º de octubre de 2024, 18-Sep-2024.
  private mutating func dayFirstDate(at position: Int) -> ParsedDate? {
    guard let dayToken = token(at: position), let day = dayToken.number, dayToken.length <= 2 else { return nil }
    var cursor = skipOrdinal(after: position)
    if let infix = sameLine(cursor), isInfix(infix) || infix.isPunct("-") {
      cursor += 1
    }
    guard let monthToken = sameLine(cursor), monthToken.kind == .word,
      let month = DateVocabulary.months[tokenizer.text(of: monthToken)]
    else { return nil }
    cursor += 1
    if let dot = sameLine(cursor), dot.isPunct("."), !dot.spaceBefore { cursor += 1 }
    if let infix = sameLine(cursor), isInfix(infix) || infix.isPunct(",") || infix.isPunct("-") {
      cursor += 1
    }
    guard let yearToken = sameLine(cursor), yearToken.length == 4, let year = yearToken.number else { return nil }
    return validated(year: year, month: month, day: day, ambiguous: false, end: cursor + 1)
  }

  /// September 18, 2024, Sept. 18th, 2024, Sep 18 2024; a month and a year alone: September 2024, Sept. 2024,
  /// September, 2024 (precision: month).
  private mutating func monthFirstDate(at position: Int, month: Int) -> ParsedDate? {
    var cursor = position + 1
    if let dot = sameLine(cursor), dot.isPunct("."), !dot.spaceBefore { cursor += 1 }
    var yearCursor = cursor
    if let comma = sameLine(yearCursor), comma.isPunct(",") { yearCursor += 1 }
    if let yearToken = sameLine(yearCursor), yearToken.length == 4, let year = yearToken.number,
      var parsed = validated(year: year, month: month, day: 1, ambiguous: false, end: yearCursor + 1)
    {
      // Not the start of "2024-09-18" or "2024/9/18" (a numeric date after a month name is no month and year).
      if let after = sameLine(yearCursor + 1), !after.spaceBefore, after.isPunct("-") || after.isPunct("/") {
        return nil
      }
      parsed.monthOnly = true
      return parsed
    }
    guard let dayToken = sameLine(cursor), dayToken.length <= 2, let day = dayToken.number else { return nil }
    cursor = skipOrdinal(after: cursor)
    if let comma = sameLine(cursor), comma.isPunct(",") { cursor += 1 }
    guard let yearToken = sameLine(cursor), yearToken.length == 4, let year = yearToken.number else { return nil }
    return validated(year: year, month: month, day: day, ambiguous: false, end: cursor + 1)
  }

  /// The position after a day number and its ordinal mark, if any ("18th", "1er", "1º", "18.", "1°").
  private mutating func skipOrdinal(after position: Int) -> Int {
    guard let next = sameLine(position + 1), !next.spaceBefore else { return position + 1 }
    if next.kind == .word && next.length <= 3 && DateVocabulary.ordinalSuffixes.contains(tokenizer.text(of: next)) {
      return position + 2
    }
    if next.isPunct(".") || next.isPunct("°") { return position + 2 }
    return position + 1
  }

  private func isInfix(_ token: DateToken) -> Bool {
    token.kind == .word && token.length <= 3 && DateVocabulary.dateInfixes.contains(tokenizer.text(of: token))
  }

  /// A real calendar date (no 31 September, 29 February only in leap years), years 1900–2199.
  private func validated(year: Int, month: Int, day: Int, ambiguous: Bool, end: Int) -> ParsedDate? {
    guard (1900...2199).contains(year), (1...12).contains(month), day >= 1 else { return nil }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard day <= lengths[month - 1] else { return nil }
    return ParsedDate(year: year, month: month, day: day, ambiguous: ambiguous, end: end)
  }
}
