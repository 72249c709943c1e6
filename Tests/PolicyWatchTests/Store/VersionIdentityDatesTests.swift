import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchStore

@Suite("Version identity: dates written in other formats")
struct VersionIdentityDatesTests {
  @Test(
    "month-day-year and day-month-year dates become ISO dates, keeping the year's punctuation",
    arguments: [
      ("effective september 18, 2024.", "effective 2024-09-18."),
      ("updated 18 september 2024, and", "updated 2024-09-18, and"),
      ("as of sept. 18th 2024", "as of 2024-09-18"),
      ("from 1 may 2024 to june 2, 2025", "from 2024-05-01 to 2025-06-02"),
      ("1 2 march 2024", "1 2024-03-02"),
      ("on 3 march 02024", "on 2024-03-03"),
      ("march 3 +2024", "2024-03-03"),
    ])
  func rewritten(_ text: String, _ expected: String) {
    #expect(VersionIdentity.canonicalDates(text) == expected)
  }

  @Test(
    "text with a year but no full date is returned as it is",
    arguments: [
      "the data protection act 2018 applies", "may 2024 update", "2024", "in 2024, 2025 and 2026",
      "31 smarch 2024", "32 march 2024", "march 18, 1899", "march 18, 2200", "a  double  space 2024",
    ])
  func unchanged(_ text: String) {
    #expect(VersionIdentity.canonicalDates(text) == text)
  }
}
