import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchStore
@testable import PolicyWatchText

@Suite("Text normalisation: fast paths agree with the definitions")
struct TextNormalizationTests {
  /// Random text over pieces that hit every rule: spaces and other whitespace (ASCII or not), the backtick,
  /// invisible characters, typographic marks, non-ASCII letters, compatibility characters, control characters.
  static func text(_ random: inout SplitMix64) -> String {
    let pieces = [
      " ", " ", "  ", "\t", "\n", "\r\n", "`", "'", "\u{A0}", "\u{200B}", "\u{2019}", "\u{2014}", "é", "ﬁ", "\u{0}",
      "\u{1F}", "2024", "1999", " ago", "x", "We", "sell", ".",
    ]
    var text = ""
    for _ in 0..<Int(random.next() % 10) {
      text += random.next() % 2 == 0 ? pieces[Int(random.next() % UInt64(pieces.count))] : random.word()
    }
    return text
  }

  @Test("key returns text already in key form as it is, and equals the definition on any text")
  func keyFastPath() {
    var random = SplitMix64(seed: 99)
    var fast = 0
    for _ in 0..<5000 {
      let text = Self.text(&random)
      #expect(TextNormalization.key(text) == TextNormalization.normalizedKey(text), "\(text.debugDescription)")
      if TextNormalization.isASCIIKey(text) {
        fast += 1
        #expect(TextNormalization.collapsedKey(text) == text, "\(text.debugDescription)")
      }
    }
    #expect(fast > 500, "the fast path was taken \(fast) times")
    for text in ["", "a", "We sell data.", "a\u{1}b"] { #expect(TextNormalization.isASCIIKey(text)) }
    for text in [" a", "a ", "a  b", "a\tb", "a`b", "caf\u{E9}", "a .", "( a"] {
      #expect(!TextNormalization.isASCIIKey(text))
    }
  }

  @Test("spaces that inline markup leaves before punctuation are not part of the key")
  func spacesBeforePunctuation() {
    #expect(TextNormalization.key("Write to privacy@example.com .") == "Write to privacy@example.com.")
    #expect(
      TextNormalization.key("data ( such as your name ) , and more ; see below !")
        == "data (such as your name), and more; see below!")
    #expect(TextNormalization.key("Mise \u{E0} jour\u{A0}: 3 mars") == "Mise \u{E0} jour: 3 mars")
    #expect(TextNormalization.key("a \u{2026}") == "a...")
  }

  @Test(
    "numbering that changes style gives the same key",
    arguments: [
      ("A.1. \"Customer Data\" means data you submit.", "\"Customer Data\" means data you submit."),
      ("1. \"Customer Data\" means data you submit.", "\"Customer Data\" means data you submit."),
      ("(a) the service is available", "the service is available"),
      ("a. the service is available", "the service is available"),
      ("iv) the service is available", "the service is available"),
      ("(IV) the service is available", "the service is available"),
      ("12.3.4 Retention", "Retention"),
      ("B.3.a. \"sell\" or \"share\" personal data", "\"sell\" or \"share\" personal data"),
      ("2.iv. the processor", "the processor"),
      ("3 Definitions", "Definitions"),
      ("1.Introduction", "Introduction"),
      ("2. (b) we may share it", "we may share it"),
      ("\u{2022} We sell nothing.", "We sell nothing."),
      ("- We sell nothing.", "We sell nothing."),
      ("B.", ""),
      ("(c)", ""),
    ])
  func markers(text: String, key: String) {
    #expect(TextNormalization.key(text) == key)
    #expect(TextNormalization.normalizedKey(text) == key)
  }

  @Test(
    "words, numbers and abbreviations that look like markers stay",
    arguments: [
      "U.S. law applies.", "i.e. the account", "e.g. your name", "2024. The year", "3.5 million users",
      "30 days after", "1.5GB of storage", "Mr. Smith", "No. 5 of the list", "-", "*", "-5% off", "(ab) c",
      "1 in 3 users",
      "A user may ask.", "I agree.", "civil. Rights", "U.K. users", "at 9 a.m. daily",
    ])
  func notMarkers(text: String) {
    #expect(TextNormalization.key(text) == text)
  }

  @Test("version identity's byte searches agree with String's")
  func identitySearches() {
    var random = SplitMix64(seed: 5)
    for _ in 0..<3000 {
      let text = Self.text(&random)
      #expect(VersionIdentity.contains(text, " ago") == Array(text.utf8).contains(subsequence: Array(" ago".utf8)))
      let year = text.unicodeScalars.indices.contains { index in
        let digits = text.unicodeScalars[index...].prefix(4)
        guard digits.count == 4, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return false }
        let value = Int(String(String.UnicodeScalarView(digits)))!
        let before =
          index == text.unicodeScalars.startIndex ? nil : text.unicodeScalars[text.unicodeScalars.index(before: index)]
        let afterIndex = text.unicodeScalars.index(index, offsetBy: 4)
        let after = afterIndex == text.unicodeScalars.endIndex ? nil : text.unicodeScalars[afterIndex]
        return (1900...2199).contains(value) && !(before.map { ("0"..."9").contains($0) } ?? false)
          && !(after.map { ("0"..."9").contains($0) } ?? false)
      }
      #expect(VersionIdentity.containsYear(text) == year, "\(text.debugDescription)")
    }
  }
}

extension Array where Element: Equatable {
  fileprivate func contains(subsequence: [Element]) -> Bool {
    guard !subsequence.isEmpty, count >= subsequence.count else { return false }
    return (0...(count - subsequence.count)).contains { self[$0..<$0 + subsequence.count].elementsEqual(subsequence) }
  }
}
