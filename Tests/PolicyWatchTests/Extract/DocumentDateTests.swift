import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchText

/// The document's own date among the dates it declares, on documents written for these tests.
@Suite("The document's own date")
struct DocumentDateTests {
  /// Clauses from lines: "# " starts a heading (its text the section of what follows), other lines paragraphs.
  static func clauses(_ lines: [String]) -> [Clause] {
    var clauses: [Clause] = []
    var section: [String] = []
    for line in lines {
      if line.hasPrefix("# ") {
        let heading = String(line.dropFirst(2))
        clauses.append(Clause(kind: .heading, text: heading, section: Array(section.prefix(1)), level: 2))
        section = Array(section.prefix(1)) + [heading]
      } else {
        clauses.append(Clause(kind: .paragraph, text: line, section: section))
      }
    }
    return clauses
  }

  static let filler = (1...12).map {
    "Paragraph \($0): we process the information you give us to provide the service you asked for."
  }

  func chosen(_ lines: [String]) -> DeclaredDate? {
    let clauses = Self.clauses(lines)
    return DocumentDate.choose(DeclaredDateParser.find(in: clauses, language: "en"), clauses: clauses)
  }

  // MARK: Phrasings

  @Test(
    "phrasings of effective and updated dates",
    arguments: [
      ("This version of the Terms will go into effect on March 1, 2026.", DeclaredDateKind.effective, "2026-03-01"),
      ("These terms will take effect on 1 April 2026.", .effective, "2026-04-01"),
      ("Effective starting: January 5, 2026", .effective, "2026-01-05"),
      ("UPDATED AS OF: June 1, 2025", .updated, "2025-06-01"),
      ("This notice became effective on 2 May 2024.", .effective, "2024-05-02"),
    ])
  func phrasings(text: String, kind: DeclaredDateKind, date: String) {
    let found = DeclaredDateParser.find(in: text, language: "en")
    #expect(found.map(\.kind) == [kind])
    #expect(found.map(\.date) == [date])
    #expect(found.first?.precision == nil)
  }

  @Test(
    "a month and a year are a date of precision month",
    arguments: [
      ("Last updated: September 2024", "en", "2024-09-01"),
      ("Last updated: Sept. 2024", "en", "2024-09-01"),
      ("Effective March, 2025", "en", "2025-03-01"),
      ("Dernière mise à jour : septembre 2024", "fr", "2024-09-01"),
      ("Stand: Mai 2024", "de", "2024-05-01"),
    ])
  func monthAndYear(text: String, language: String, date: String) {
    let found = DeclaredDateParser.find(in: text, language: language)
    #expect(found.map(\.date) == [date])
    #expect(found.first?.precision == .month)
  }

  @Test func aWholeDateIsNotAMonth() {
    #expect(DeclaredDateParser.find(in: "Last updated: September 18, 2024", language: "en").first?.precision == nil)
    #expect(DeclaredDateParser.find(in: "Updated September 2024-09-18", language: "en").isEmpty)
  }

  @Test func aMonthAndADayOfTheSameDocument() {
    let found = DeclaredDateParser.find(
      in: "Datenschutzhinweise, Stand Mai 2024, Fassung vom 02.05.2024", language: "de")
    #expect(found.map(\.date) == ["2024-05-01", "2024-05-02"])
    #expect(found.map(\.precision) == [.month, nil])
    let clauses = [Clause(kind: .paragraph, text: "Datenschutzhinweise, Stand Mai 2024, Fassung vom 02.05.2024")]
    #expect(DocumentDate.choose(found, clauses: clauses)?.date == "2024-05-02")
  }

  // MARK: Which date is the document's

  @Test func theOpeningDateBeatsALawsDateInAStateSection() {
    let date = chosen(
      ["Privacy Policy", "Last updated: March 3, 2025"] + Self.filler + [
        "# Notice to Colorado residents",
        "The Colorado Privacy Act, effective January 1, 2026, gives you the right to opt out of profiling.",
      ])
    #expect(date?.date == "2025-03-03")
  }

  @Test func aLawsDateIsNeverTheDocumentsEvenAlone() {
    let date = chosen(
      Self.filler + ["The Digital Services Act, effective February 17, 2024, applies to online platforms."]
        + Self.filler)
    #expect(date == nil)
  }

  @Test func aChangeOfNameIsNotTheDocumentsDate() {
    let date = chosen(
      ["Terms of Service", "Last updated: May 2, 2024"] + Self.filler
        + ["Example Inc. changed its name to Example Labs, effective June 1, 2024."])
    #expect(date?.date == "2024-05-02")
  }

  @Test func aSupplementalNoticeFurtherDownIsNotTheDocumentsDate() {
    let date = chosen(
      ["Privacy Notice", "Effective: February 1, 2024"] + Self.filler + [
        "# Supplemental notice for users in Brazil", "Effective: August 1, 2024",
        "You may ask the national authority for help.",
      ] + Self.filler)
    #expect(date?.date == "2024-02-01")
  }

  @Test func thePreviousVersionsLineBelowAnUpcomingVersionIsNotItsDate() {
    let lines = [
      "Terms of Use", "These terms take effect on April 1, 2026.",
      "Previous version of the terms: Effective January 1, 2027 until replaced",
    ]
    #expect(chosen(lines + Self.filler)?.date == "2026-04-01")
    let section =
      ["Terms of Use", "Effective April 1, 2026"] + Self.filler + [
        "# Previous version of these terms", "Effective May 1, 2026",
      ]
    #expect(chosen(section)?.date == "2026-04-01")
  }

  @Test func anUpcomingAndACurrentVersionGiveTheUpcomingOne() {
    let date = chosen(
      ["Privacy Policy", "Upcoming version: effective June 1, 2026", "Current version: effective January 1, 2026"]
        + Self.filler)
    #expect(date?.date == "2026-06-01")
    #expect(date?.kind == .effective)
  }

  @Test func theDateLineBeatsADateForPartOfTheTermsInTheOpening() {
    let date = chosen(
      [
        "Example Assistant Terms of Use", "Effective: October 24, 2025 (past versions)",
        "Terms related to Example Health are effective as of May 13, 2026.",
      ] + Self.filler)
    #expect(date?.date == "2025-10-24")
  }

  @Test func aSentenceAboutTheWholeDocumentInTheBody() {
    let date = chosen(
      Self.filler + ["We last updated this Privacy Notice on July 4, 2023."] + Self.filler + [
        "# California residents", "This section was last updated on August 9, 2024.",
      ])
    #expect(date?.date == "2023-07-04")
  }

  @Test func aDateLineAtTheEnd() {
    let date = chosen(
      ["# Who we are"] + Self.filler + ["# Other rules", "Rules for events took effect on 9 May 2019 in our venues."]
        + Self.filler + ["Last updated: 12 November 2025"])
    #expect(date?.date == "2025-11-12")
  }

  @Test func anEffectiveDateBeatsAnUpdatedDateInTheOpening() {
    let date = chosen(["Updated: December 1, 2025", "Services Agreement", "Effective: January 1, 2026"] + Self.filler)
    #expect(date?.date == "2026-01-01")
  }

  // MARK: In events

  @Test func anUpcomingDateIsReportedAndSaidToBeUpcoming() throws {
    func page(_ date: String, _ clauses: [String]) -> String {
      "<html lang=\"en\"><body><main><h1>Terms</h1><p>\(date)</p>"
        + clauses.map { "<p>\($0)</p>" }.joined() + "<h2>Previous version</h2><p>Effective January 1, 2025</p>"
        + "</main></body></html>"
    }
    var changed = baseClauses
    changed[0] = "Clause 1: we keep account data for two years."
    let (summary, _) = try PageKindsTests.replay([
      ("2026-01-10T00-00-00Z", page("Effective January 1, 2026", baseClauses)),
      ("2026-02-10T00-00-00Z", page("This version will go into effect on March 15, 2026.", changed)),
    ])
    #expect(summary.events.map(\.kind) == [.first, .change])
    let change = summary.events[1]
    #expect(change.declaredDate == "2026-03-15")
    #expect(change.declaredDateUpcoming == true)
    #expect(change.previousDeclaredDate == "2026-01-01")
    #expect(summary.events[0].declaredDateUpcoming == nil)
  }

  @Test func aMonthDateIsReportedWithItsPrecision() throws {
    var changed = baseClauses
    changed[0] = "Clause 1: we keep account data for two years."
    let (summary, _) = try PageKindsTests.replay([
      ("2024-08-10T00-00-00Z", HistoryBuilder.page(baseClauses, date: "August 2024")),
      // Seen on 2024-09-20 claiming September: the same month as the last fetch of the old text, not back-dated.
      ("2024-09-03T00-00-00Z", HistoryBuilder.page(baseClauses, date: "August 2024")),
      ("2024-09-20T00-00-00Z", HistoryBuilder.page(changed, date: "September 2024")),
    ])
    let change = try #require(summary.events.last)
    #expect(change.declaredDate == "2024-09-01")
    #expect(change.declaredDatePrecision == .month)
    #expect(change.previousDeclaredDatePrecision == .month)
    #expect(change.flags.isEmpty)
  }
}
