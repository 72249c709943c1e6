import Foundation
import PolicyWatch
import PolicyWatchTestSupport
import Testing

@Suite("Declared dates")
struct DeclaredDatesTests {
  /// One phrasing, the language of its page, and what a reader expects the document to declare.
  struct Case: Sendable, CustomTestStringConvertible {
    var text: String
    var language: String?
    var kind: DeclaredDateKind
    var date: String
    var testDescription: String { text }
  }

  static let english: [Case] = [
    Case(text: "Effective September 18, 2024", language: "en", kind: .effective, date: "2024-09-18"),
    Case(text: "Effective date: 18 September 2024", language: "en", kind: .effective, date: "2024-09-18"),
    Case(text: "Effective as of Sept. 18, 2024", language: "en", kind: .effective, date: "2024-09-18"),
    Case(text: "EFFECTIVE ON: MARCH 3, 2023", language: nil, kind: .effective, date: "2023-03-03"),
    Case(text: "Last updated: 2024-09-18", language: nil, kind: .updated, date: "2024-09-18"),
    Case(text: "Last modified on 18 September 2024", language: "en", kind: .updated, date: "2024-09-18"),
    Case(text: "Updated 9/18/2024", language: "en-US", kind: .updated, date: "2024-09-18"),
    Case(text: "Date of last revision: July 4, 2022", language: "en", kind: .updated, date: "2022-07-04"),
    Case(text: "Version date: 2021/11/30", language: "en", kind: .updated, date: "2021-11-30"),
    Case(text: "Last revised 12 Jan 2020", language: "en", kind: .updated, date: "2020-01-12"),
    Case(
      text: "Our members' trust matters. This policy was last updated on February 29, 2024.", language: "en",
      kind: .updated, date: "2024-02-29"),
    Case(text: "Updated: 18th September 2024", language: "en-GB", kind: .updated, date: "2024-09-18"),
    Case(text: "Last Updated: September 18th, 2024", language: "en", kind: .updated, date: "2024-09-18"),
    Case(text: "Last updated: Wednesday, September 18, 2024", language: "en", kind: .updated, date: "2024-09-18"),
    Case(text: "**Last updated:** _May 1, 2023_", language: "en", kind: .updated, date: "2023-05-01"),
    Case(
      text: "The effective date of this Privacy Notice is the 2nd of December, 2019.", language: "en",
      kind: .effective, date: "2019-12-02"),
    Case(text: "Privacy Policy (effective 1 Aug 2022)", language: "en", kind: .effective, date: "2022-08-01"),
    Case(text: "Last updated – 06.05.2021", language: "en-GB", kind: .updated, date: "2021-05-06"),
    // Markup glues neighbouring link texts to the date line.
    Case(text: "Effective 12 January 2026Previous Version", language: "en", kind: .effective, date: "2026-01-12"),
    Case(text: "Previous VersionEffective 12 January 2026", language: "en", kind: .effective, date: "2026-01-12"),
  ]

  static let french: [Case] = [
    Case(text: "En vigueur le 18 septembre 2024", language: "fr", kind: .effective, date: "2024-09-18"),
    Case(text: "Date d'entrée en vigueur : 1er octobre 2024", language: "fr", kind: .effective, date: "2024-10-01"),
    Case(text: "Date d’entrée en vigueur : 1ᵉʳ février 2023", language: "fr", kind: .effective, date: "2023-02-01"),
    Case(text: "Dernière mise à jour : 18/09/2024", language: "fr", kind: .updated, date: "2024-09-18"),
    Case(text: "Mis à jour le 3 févr. 2022", language: "fr-FR", kind: .updated, date: "2022-02-03"),
    Case(text: "Dernière modification : 05/04/2023", language: "fr", kind: .updated, date: "2023-04-05"),
    Case(text: "DERNIÈRE MISE À JOUR LE 14 AOÛT 2021", language: "fr", kind: .updated, date: "2021-08-14"),
    Case(text: "Applicable à compter du 2 décembre 2024", language: "fr", kind: .effective, date: "2024-12-02"),
  ]

  static let german: [Case] = [
    Case(text: "Gültig ab 18. September 2024", language: "de", kind: .effective, date: "2024-09-18"),
    Case(text: "Stand: 18.09.2024", language: "de", kind: .updated, date: "2024-09-18"),
    Case(text: "Stand: 01.02.2024", language: "de-DE", kind: .updated, date: "2024-02-01"),
    Case(text: "Zuletzt aktualisiert am 18. September 2024", language: "de", kind: .updated, date: "2024-09-18"),
    Case(text: "Inkrafttreten: 1. März 2025", language: "de", kind: .effective, date: "2025-03-01"),
    Case(text: "Letzte Änderung: 7. Okt. 2020", language: "de", kind: .updated, date: "2020-10-07"),
    Case(text: "Datenschutzhinweise, Fassung vom 02.05.2024", language: "de", kind: .updated, date: "2024-05-02"),
  ]

  static let spanish: [Case] = [
    Case(
      text: "Fecha de entrada en vigor: 18 de septiembre de 2024", language: "es", kind: .effective,
      date: "2024-09-18"),
    Case(text: "Última actualización: 18/09/2024", language: "es", kind: .updated, date: "2024-09-18"),
    Case(text: "Vigente a partir del 1º de octubre de 2024", language: "es", kind: .effective, date: "2024-10-01"),
    Case(text: "Actualizado el 3 de marzo de 2023", language: "es-ES", kind: .updated, date: "2023-03-03"),
    Case(text: "ÚLTIMA MODIFICACIÓN: 9 DIC 2022", language: "es", kind: .updated, date: "2022-12-09"),
  ]

  static let italian: [Case] = [
    Case(text: "In vigore dal 18 settembre 2024", language: "it", kind: .effective, date: "2024-09-18"),
    Case(text: "Ultimo aggiornamento: 18/09/2024", language: "it", kind: .updated, date: "2024-09-18"),
    Case(text: "Data di entrata in vigore: 1° gennaio 2025", language: "it", kind: .effective, date: "2025-01-01"),
    Case(text: "Aggiornato il 05.06.2023", language: "it", kind: .updated, date: "2023-06-05"),
    Case(text: "Ultima modifica: 30 apr 2021", language: "it", kind: .updated, date: "2021-04-30"),
  ]

  @Test("English phrasings", arguments: english)
  func englishPhrasings(_ example: Case) { expectSingle(example) }

  @Test("French phrasings", arguments: french)
  func frenchPhrasings(_ example: Case) { expectSingle(example) }

  @Test("German phrasings", arguments: german)
  func germanPhrasings(_ example: Case) { expectSingle(example) }

  @Test("Spanish phrasings", arguments: spanish)
  func spanishPhrasings(_ example: Case) { expectSingle(example) }

  @Test("Italian phrasings", arguments: italian)
  func italianPhrasings(_ example: Case) { expectSingle(example) }

  private func expectSingle(_ example: Case, sourceLocation: SourceLocation = #_sourceLocation) {
    let found = DeclaredDateParser.find(in: example.text, language: example.language)
    #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
    guard let first = found.first else { return }
    #expect(first.kind == example.kind, sourceLocation: sourceLocation)
    #expect(first.date == example.date, sourceLocation: sourceLocation)
    #expect(!first.ambiguous, sourceLocation: sourceLocation)
    #expect(first.clauseIndex == nil, sourceLocation: sourceLocation)
  }

  @Test func phraseRunsFromKeywordToDateWithWhitespaceCollapsed() {
    let found = DeclaredDateParser.find(
      in: "Privacy Policy\u{00A0}— Effective  as of\tSept. 18, 2024. Read it carefully.", language: "en")
    #expect(found.map(\.phrase) == ["Effective as of Sept. 18, 2024"])
  }

  @Test func effectiveAndUpdatedInOneText() {
    let text = """
      Terms of Service
      Effective: January 15, 2025 | Last updated: December 20, 2024
      Welcome to our service.
      """
    let found = DeclaredDateParser.find(in: text, language: "en")
    #expect(found.map(\.kind) == [.effective, .updated])
    #expect(found.map(\.date) == ["2025-01-15", "2024-12-20"])
  }

  // MARK: Numeric dates

  @Test func numericOrderFollowsTheNumbersFirst() {
    // 18 cannot be a month, whatever the language says.
    for language in ["en-US", "en", "fr", nil] {
      let found = DeclaredDateParser.find(in: "Last updated 18/09/2024", language: language)
      #expect(found.map(\.date) == ["2024-09-18"], "language \(language ?? "nil")")
      #expect(found.first?.ambiguous == false)
    }
    let us = DeclaredDateParser.find(in: "Last updated 09/18/2024", language: "de")
    #expect(us.map(\.date) == ["2024-09-18"])
  }

  @Test func numericOrderFollowsTheLanguageWhenNumbersCannot() {
    let text = "Last updated: 03/04/2024"
    #expect(DeclaredDateParser.find(in: text, language: "en-US").map(\.date) == ["2024-03-04"])
    #expect(DeclaredDateParser.find(in: text, language: "en").map(\.date) == ["2024-03-04"])
    #expect(DeclaredDateParser.find(in: text, language: "en-GB").map(\.date) == ["2024-04-03"])
    #expect(DeclaredDateParser.find(in: text, language: "EN_gb").map(\.date) == ["2024-04-03"])
    for language in ["fr", "de", "es", "it", "fr-CA"] {
      let found = DeclaredDateParser.find(in: text, language: language)
      #expect(found.map(\.date) == ["2024-04-03"], "language \(language)")
      #expect(found.first?.ambiguous == false)
    }
  }

  @Test func numericOrderIsAmbiguousWhenNothingDecides() {
    for language in [nil, "ja", "", "en-CA"] {
      let found = DeclaredDateParser.find(in: "Updated 03/04/2024", language: language)
      #expect(found.count == 1)
      #expect(found.first?.ambiguous == true, "language \(language ?? "nil")")
    }
    // Equal day and month read the same both ways: not ambiguous.
    let same = DeclaredDateParser.find(in: "Updated 05/05/2024", language: nil)
    #expect(same.map(\.date) == ["2024-05-05"])
    #expect(same.first?.ambiguous == false)
    // ISO dates are never ambiguous.
    #expect(DeclaredDateParser.find(in: "Updated 2024-03-04", language: nil).first?.ambiguous == false)
  }

  @Test func twoDigitYears() {
    #expect(DeclaredDateParser.find(in: "Revised 9/18/24", language: "en-US").map(\.date) == ["2024-09-18"])
    #expect(DeclaredDateParser.find(in: "Stand: 18.09.24", language: "de").map(\.date) == ["2024-09-18"])
  }

  @Test func impossibleCalendarDatesAreRejected() {
    let texts = [
      "Effective February 31, 2024", "Last updated: 2023-02-29", "Stand: 31.04.2024", "Updated 13/13/2024",
      "Effective 0 March 2024", "Last updated: 2024-00-10", "Effective 32 May 2024", "Updated: 1 June 0999",
    ]
    for text in texts {
      #expect(DeclaredDateParser.find(in: text, language: "en").isEmpty, "\(text)")
    }
    // …but a real 29 February is a date.
    #expect(DeclaredDateParser.find(in: "Last updated: 2024-02-29", language: nil).map(\.date) == ["2024-02-29"])
    #expect(DeclaredDateParser.find(in: "Last updated: 2000-02-29", language: nil).map(\.date) == ["2000-02-29"])
    #expect(DeclaredDateParser.find(in: "Last updated: 1900-02-29", language: nil).isEmpty)
  }

  @Test func versionNumbersAreNotDates() {
    #expect(DeclaredDateParser.find(in: "Updated 1.2.2024.5 of the app", language: "de").isEmpty)
    #expect(DeclaredDateParser.find(in: "Version 3.1 updated 10 days ago", language: "en").isEmpty)
  }

  // MARK: Dates that are not about the document

  @Test func datesWithoutAKeywordAreIgnored() {
    let text = """
      You may use the service only if you were born after January 1, 2010 with a parent's consent.
      By March 2025 we will offer new controls. Our office moved on 12 June 2019.
      Changes become effective 30 days after we notify you, and we updated the list on request.
      The contract signed 2020-05-06 stays in force. Call us on 01/02/2023 hours.
      """
    #expect(DeclaredDateParser.find(in: text, language: "en").isEmpty)
  }

  @Test func keywordFollowedByUnrelatedWordsIsIgnored() {
    let texts = [
      "These terms are effective for accounts created before January 1, 2020.",
      "We regularly updated our systems and, in March 12, 2021, moved data centers.",
      "Der Stand der Technik im Jahr 2024 ist 18.09.2024 zu prüfen.",
      "Effective immediately. September 18, 2024 was a Wednesday.",
      "Any data protection law applicable since 25 May 2018 still binds us.",
    ]
    for text in texts {
      #expect(DeclaredDateParser.find(in: text, language: "en").isEmpty, "\(text)")
    }
  }

  // MARK: Standalone date lines

  @Test func shortDateLineUnderAKeywordLine() {
    let text = "Privacy Policy\nLast updated\n\nSeptember 18, 2024\n\nWe respect your privacy."
    let found = DeclaredDateParser.find(in: text, language: "en")
    #expect(found.map(\.date) == ["2024-09-18"])
    #expect(found.first?.phrase == "Last updated September 18, 2024")
  }

  @Test func dateLineWithMarkupUnderAKeywordLine() {
    let text = "## Effective date:\n_Wednesday, 18 September 2024_\n"
    let found = DeclaredDateParser.find(in: text, language: "en")
    #expect(found.map(\.kind) == [.effective])
    #expect(found.map(\.date) == ["2024-09-18"])
  }

  @Test func headingKeywordOverALongParagraphIsIgnored() {
    let clauses = [
      Clause(kind: .heading, text: "Last updated"),
      Clause(kind: .paragraph, text: "18 September 2024 marks the day we opened our office in Lyon to the public."),
    ]
    #expect(DeclaredDateParser.find(in: clauses, language: "en").isEmpty)
  }

  @Test func dateFarFromTheKeywordLineIsIgnored() {
    // The keyword ends a long sentence and the next line is a sentence, not a date line.
    let long =
      "In the past we have changed how this policy reads several times and it was updated\n"
      + "September 18, 2024 is when our new office opened for visitors and partners alike."
    #expect(DeclaredDateParser.find(in: long, language: "en").isEmpty)
    // A date two lines below the keyword is not under it.
    let far = "Effective date\nSee below.\n18 September 2024"
    #expect(DeclaredDateParser.find(in: far, language: "en").isEmpty)
  }

  // MARK: Clauses

  @Test func clausesGiveIndexesAndDropDuplicates() {
    let clauses = [
      Clause(kind: .heading, text: "Privacy Policy", level: 1),
      Clause(kind: .paragraph, text: "Effective date", section: ["Privacy Policy"]),
      Clause(kind: .paragraph, text: "18 September 2024", section: ["Privacy Policy"]),
      Clause(kind: .paragraph, text: "Users born after January 1, 2010 need consent.", section: ["Privacy Policy"]),
      Clause(kind: .paragraph, text: "This policy is effective as of Sept. 18, 2024.", section: ["Privacy Policy"]),
      Clause(kind: .paragraph, text: "Last updated: 2024-08-30", section: ["Privacy Policy"]),
    ]
    let found = DeclaredDateParser.find(in: clauses, language: "en")
    #expect(found.map(\.kind) == [.effective, .updated])
    #expect(found.map(\.date) == ["2024-09-18", "2024-08-30"])
    #expect(found.map(\.clauseIndex) == [2, 5])
  }

  @Test func clausesWithNonASCIITextMapToTheRightClause() {
    let clauses = [
      Clause(kind: .heading, text: "Politique de confidentialité — données à caractère personnel"),
      Clause(kind: .paragraph, text: "Ünïcödé 🙂 text with no date"),
      Clause(kind: .paragraph, text: "Dernière mise à jour : 1er mars 2024"),
    ]
    let found = DeclaredDateParser.find(in: clauses, language: "fr")
    #expect(found.map(\.clauseIndex) == [2])
    #expect(found.first?.phrase == "Dernière mise à jour : 1er mars 2024")
  }

  @Test func noClausesNoDates() {
    #expect(DeclaredDateParser.find(in: [Clause](), language: nil).isEmpty)
    #expect(DeclaredDateParser.find(in: "", language: nil).isEmpty)
  }

  @Test func declaredDateRoundTripsThroughJSON() throws {
    let found = DeclaredDateParser.find(in: [Clause(kind: .paragraph, text: "Updated 03/04/2024")], language: nil)
    let data = try JSONEncoder().encode(found)
    #expect(try JSONDecoder().decode([DeclaredDate].self, from: data) == found)
    #expect(found.first?.ambiguous == true)
  }

  // MARK: Robustness

  @Test func hugeTextIsScannedToTheEnd() {
    var text = String(repeating: "We may update this policy from time to time 12.05.2023 (see § 4). ", count: 60_000)
    text += "\nLast updated: 18 September 2024\n"
    text += String(repeating: "x", count: 200_000)  // one very long word
    text += "\nEffective 1 October 2024"
    let found = DeclaredDateParser.find(in: text, language: "en")
    #expect(found.map(\.date) == ["2024-09-18", "2024-10-01"])
  }

  @Test func randomGarbageNeverTraps() {
    // Deterministic pseudo-random input (xorshift) mixing keyword fragments, digits, separators, accents,
    // combining marks, emoji, control characters and broken surrogates' replacements.
    let pieces = [
      "last", "updated", "Effective", "as of", "Stand", "mise à jour", "de", "le", "1er", "º", "°", "th", "Sept",
      "février", "März", "2024", "18", "09", "1", "99999999999999999999", "/", "-", ".", ":", ",", " ", "\n", "\r\n",
      "\u{0301}", "\u{200B}", "\u{0}", "🙂", "ᵉʳ", "\u{FFFD}", "ß", "İ", "*", "|", "(", "\t", "\u{2028}",
    ]
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func nextRandom() -> Int {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return Int(truncatingIfNeeded: state >> 1)
    }
    var total = 0
    for _ in 0..<2_000 {
      var text = ""
      for _ in 0..<(nextRandom() % 60) { text += pieces[nextRandom() % pieces.count] }
      let found = DeclaredDateParser.find(in: text, language: ["en", "fr", nil, "de-AT"][nextRandom() % 4])
      for date in found {
        #expect(date.date.count == 10)
        #expect(!date.phrase.isEmpty)
      }
      let clauses = text.split(separator: "|").map { Clause(kind: .paragraph, text: String($0)) }
      for date in DeclaredDateParser.find(in: clauses, language: nil) {
        #expect(date.clauseIndex.map { clauses.indices.contains($0) } == true)
      }
      total += found.count
    }
    // The mix contains keywords next to valid dates often enough that some are found.
    #expect(total > 0)
  }
}
