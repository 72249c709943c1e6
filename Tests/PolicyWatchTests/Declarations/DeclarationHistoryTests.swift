import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDeclarations
@testable import PolicyWatchSupport

@Suite("Declarations: rules in force at a date")
struct DeclarationHistoryTests {
  static let service = """
    {"name": "Example Chat", "terms": {
      "Privacy Policy": {"fetch": "https://example.com/privacy", "select": "#policy-v3"}
    }}
    """
  // Entries deliberately out of order: the loader sorts them by validUntil, as OTA does.
  static let history = """
    {
      "Privacy Policy": [
        {"fetch": "https://example.com/privacy", "select": "#policy-v2", "validUntil": "2024-03-01T00:00:00Z"},
        {"fetch": "https://old.example.com/privacy", "select": "#policy-v1", "validUntil": "2024-01-01T00:00:00Z"}
      ],
      "Beta Terms": [
        {"fetch": "https://example.com/beta", "select": "main", "validUntil": "2023-06-30T23:59:59.500+02:00"}
      ]
    }
    """

  func selected(_ service: ServiceDeclaration, _ document: String, _ date: String) -> String? {
    guard let declaration = service.declaration(of: document, at: DeclarationFixtures.date(date)) else { return nil }
    return declaration.pages[0].select.first?.cssSelectors.first
  }

  @Test func historySelection() throws {
    let (_, result) = try DeclarationFixtures.load(Self.service, history: Self.history)
    let (service, warnings) = try result.get()
    #expect(warnings.isEmpty)
    let history = try #require(service.history["Privacy Policy"])
    #expect(history.map { $0.pages[0].select } == [[.css("#policy-v1")], [.css("#policy-v2")]])
    #expect(history[0].validUntil == DeclarationFixtures.date("2024-01-01T00:00:00Z"))

    #expect(selected(service, "Privacy Policy", "2023-11-20T08:00:00Z") == "#policy-v1")
    // validUntil is inclusive, as in OTA (`date <= validUntil`).
    #expect(selected(service, "Privacy Policy", "2024-01-01T00:00:00Z") == "#policy-v1")
    #expect(selected(service, "Privacy Policy", "2024-01-01T00:00:00.001Z") == "#policy-v2")
    #expect(selected(service, "Privacy Policy", "2024-02-15T12:00:00Z") == "#policy-v2")
    #expect(selected(service, "Privacy Policy", "2024-03-01T00:00:01Z") == "#policy-v3")
    #expect(selected(service, "Privacy Policy", "2030-01-01T00:00:00Z") == "#policy-v3")
    #expect(service.declaration(of: "Privacy Policy", at: .now)?.validUntil == nil)
  }

  @Test func terminatedAndUnknownDocuments() throws {
    let (_, result) = try DeclarationFixtures.load(Self.service, history: Self.history)
    let (service, _) = try result.get()
    #expect(service.documentTypes == ["Privacy Policy", "Beta Terms"])
    // 2023-06-30T23:59:59.5+02:00 is 21:59:59.5 UTC.
    #expect(selected(service, "Beta Terms", "2023-06-30T21:59:59Z") == "main")
    #expect(selected(service, "Beta Terms", "2023-06-30T22:00:00Z") == nil)
    #expect(service.declaration(of: "Cookie Policy", at: .now) == nil)
  }

  @Test(arguments: [
    ("2024-05-01T12:00:00Z", 1_714_564_800.0),
    ("2024-05-01t12:00:00z", 1_714_564_800.0),
    ("2024-05-01T14:00:00+02:00", 1_714_564_800.0),
    ("2024-05-01T07:30:00-04:30", 1_714_564_800.0),
    ("2026-07-09T19:07:00.000Z", 1_783_624_020.0),
    ("2024-02-29T00:00:00.25Z", 1_709_164_800.25),
    ("1969-12-31T23:59:59Z", -1.0),
  ])
  func rfc3339Dates(text: String, seconds: Double) throws {
    let date = try RFC3339.parse(text).get()
    #expect(date.timeIntervalSince1970 == seconds)
  }

  @Test(arguments: [
    "2024-5-01T12:00:00Z", "2024-05-01 12:00:00Z", "2024-05-01T12:00Z", "2024-05-01T12:00:00+0200",
    "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00Z ", "2024-13-01T12:00:00Z", "2024-04-31T12:00:00Z",
    "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z", "",
  ])
  func invalidDates(text: String) {
    #expect(throws: RFC3339.DateError.self) { try RFC3339.parse(text).get() }
  }
}
