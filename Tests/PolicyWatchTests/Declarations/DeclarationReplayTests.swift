import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDeclarations

@Suite("Declarations: replay declaration.json")
struct DeclarationReplayTests {
  /// An invented document whose rules changed three times, then was terminated; its history file was written
  /// with OTA's real-world misspelling "ValidUntil".
  static let terminated = """
    {
      "service": "Example Chat",
      "service_id": "Example Chat",
      "document": "Terms of Service",
      "declaration": null,
      "declaration_status": "terminated (see history)",
      "history": [
        {"combine": [
           {"fetch": "https://legal.example.com/terms/consumers", "select": ["div"], "remove": ["nav"]},
           {"fetch": "https://example.com/legal/", "select": ["main"], "remove": ["header"]}
         ],
         "ValidUntil": "2024-09-01T12:00:00.000Z"}
      ],
      "declaration_git_history": [
        {"commit": "c3", "date": "2024-04-01T00:00:00Z", "subject": "Combine two pages",
         "declaration": {"combine": [
           {"fetch": "https://legal.example.com/terms/consumers", "select": ["div"], "remove": ["nav"]},
           {"fetch": "https://example.com/legal/", "select": ["main"], "remove": ["#header"]}
         ]}},
        {"commit": "c1", "date": "2024-01-01T00:00:00Z", "subject": "Import",
         "declaration": {"fetch": "https://example.com/terms/", "select": ["#terms"], "executeClientScripts": true}},
        {"commit": "c2", "date": "2024-02-01T00:00:00Z", "subject": "New URL",
         "declaration": {"fetch": "https://legal.example.com/terms/consumers", "select": ["div"]}},
        {"commit": "c4", "date": "2024-06-01T00:00:00Z", "subject": "Fix header",
         "declaration": {"combine": [
           {"fetch": "https://legal.example.com/terms/consumers", "select": ["div"], "remove": ["nav"]},
           {"fetch": "https://example.com/legal/", "select": ["main"], "remove": ["header"]}
         ]}},
        {"commit": "c5", "date": "2024-10-01T00:00:00Z", "subject": "Terminate", "declaration": null}
      ],
      "filters": ["cleanTerms"],
      "filters_js": null,
      "declaration_commits": [{"commit": "c5", "date": "2024-10-01T00:00:00Z", "subject": "Terminate"}],
      "curator_note": "hello"
    }
    """

  func load(_ text: String) throws -> Result<ReplayDeclaration, DeclarationError> {
    let directory = TemporaryDirectory("declarations")
    defer { directory.remove() }
    let file = try directory.write("declaration.json", text)
    do {
      return .success(try DeclarationLoader.loadReplayDeclaration(at: file))
    } catch {
      return .failure(error)
    }
  }

  func fetches(_ declaration: DocumentDeclaration) -> [String] { declaration.pages.map(\.fetch) }

  @Test func readsEveryRecordOfTheRules() throws {
    let replay = try load(Self.terminated).get()
    #expect(replay.service == "Example Chat")
    #expect(replay.document == "Terms of Service")
    #expect(replay.current == nil)
    #expect(replay.history.count == 1)
    #expect(replay.history[0].validUntil == DeclarationFixtures.date("2024-09-01T12:00:00Z"))
    #expect(replay.gitHistory.map(\.commit) == ["c1", "c2", "c3", "c4", "c5"])
    #expect(replay.gitHistory.last?.declaration == nil)
    #expect(replay.gitHistory[2].declaration?.pages.map(\.id) == ["terms-consumers", "legal"])
    #expect(replay.allDeclarations.count == 4)  // c4 and the history entry have the same rules

    #expect(
      replay.warnings.map(\.field) == [
        "history[0].ValidUntil", "declaration_git_history[1].declaration.executeClientScripts",
        "filters", "curator_note",
      ])
    #expect(replay.warnings[0].message == #"misspelt "ValidUntil" read as "validUntil""#)
    #expect(replay.warnings[2].message.hasPrefix(#"JavaScript filter "cleanTerms" is not run by PolicyWatch"#))
    #expect(replay.warnings[3].message.hasPrefix(#"unknown field "curator_note""#))
    #expect(replay.warnings.allSatisfy { $0.service == "Example Chat" && $0.document == "Terms of Service" })
  }

  @Test func declarationInForceAtADate() throws {
    let replay = try load(Self.terminated).get()
    func at(_ date: String) -> DocumentDeclaration { replay.declaration(at: DeclarationFixtures.date(date)) }
    let historyEntry = replay.history[0]
    // Before the first commit the history entry (valid until September) covers the date.
    #expect(at("2023-12-01T00:00:00Z") == historyEntry)
    // The git record wins where it covers the date.
    #expect(fetches(at("2024-01-15T00:00:00Z")) == ["https://example.com/terms/"])
    #expect(fetches(at("2024-02-01T00:00:00Z")) == ["https://legal.example.com/terms/consumers"])
    #expect(at("2024-05-01T00:00:00Z").pages[1].remove == [.css("#header")])
    #expect(at("2024-07-01T00:00:00Z").pages[1].remove == [.css("header")])
    // After the commit that terminated the document, the last rules it had.
    #expect(at("2025-01-01T00:00:00Z").hasSameRules(as: historyEntry))
  }

  @Test func declarationMatchingTheSnapshotPages() throws {
    let replay = try load(Self.terminated).get()
    // Pages of the combined declaration fetched before the commit that declares them (c3, 2024-04-01).
    let early = DeclarationFixtures.date("2024-03-31T23:00:00Z")
    #expect(!replay.declaration(at: early).isCombined)
    let matched = replay.declaration(at: early, pageIDs: ["legal"])
    #expect(matched.isCombined && matched.pages[1].remove == [.css("#header")])
    // A single-page snapshot keeps the single-page rules in force.
    #expect(replay.declaration(at: early, pageIDs: []) == replay.declaration(at: early))
    // A snapshot of a page no declaration knows gets the rules in force.
    #expect(replay.declaration(at: early, pageIDs: ["unknown"]) == replay.declaration(at: early))
  }

  @Test func historyOnlyFollowsOTA() throws {
    let replay = try load(
      """
      {"service": "Example Chat", "document": "Privacy Policy",
       "declaration": {"fetch": "https://example.com/privacy", "select": ["main"]},
       "history": [{"fetch": "https://example.com/old-privacy", "select": "body",
                    "validUntil": "2024-03-01T00:00:00Z"}]}
      """
    ).get()
    #expect(replay.warnings.isEmpty)
    #expect(
      fetches(replay.declaration(at: DeclarationFixtures.date("2024-03-01T00:00:00Z"))) == [
        "https://example.com/old-privacy"
      ])
    #expect(
      fetches(replay.declaration(at: DeclarationFixtures.date("2024-03-02T00:00:00Z"))) == [
        "https://example.com/privacy"
      ])
  }

  @Test func invalidReplayDeclarations() throws {
    let examples: [(json: String, document: String?, field: String?, message: String)] = [
      (#"{"document": "P", "declaration": null}"#, nil, "service", #"missing required field "service""#),
      (
        #"{"service": "S", "document": "P", "declaration": null, "history": null}"#, "P", "declaration",
        #"no rules to extract with: "declaration" is null and neither "history" nor "declaration_git_history" "#
          + #"declares the document"#
      ),
      (
        #"{"service": "S", "document": "P", "declaration": {"fetch": "https://example.com/p", "select": "#
          + #""main", "validUntil": "2024-01-01T00:00:00Z"}}"#,
        "P", "declaration.validUntil",
        #""validUntil" belongs in history entries (<Service>.history.json), not in a current declaration"#
      ),
      (
        #"{"service": "S", "document": "P", "declaration": null, "declaration_git_history": [{"commit": "a", "#
          + #""declaration": null}]}"#,
        "P", "declaration_git_history[0].date", #"missing required field "date" (the commit date)"#
      ),
      (
        #"{"service": "S", "document": "P", "declaration": null, "declaration_git_history": [{"date": "#
          + #""yesterday", "declaration": null}]}"#,
        "P", "declaration_git_history[0].date",
        #"invalid date "yesterday": not an RFC 3339 date-time; expected an RFC 3339 date-time such as "#
          + #""2024-05-01T12:00:00Z""#
      ),
      (
        #"{"service": "S", "document": "P", "declaration_git_history": [{"date": "2024-01-01T00:00:00Z", "#
          + #""declaration": {"fetch": "https://example.com/p", "select": {"startAfter": "h1", "startBefore": "#
          + #""h1", "endAfter": "hr"}}}]}"#,
        "P", "declaration_git_history[0].declaration.select",
        #"a range needs exactly one of "startBefore" and "startAfter", found both"#
      ),
      (
        #"{"service": "S", "document": "P", "history": [{"fetch": "https://example.com/p", "select": "main"}]}"#, "P",
        "history[0].validUntil",
        #"missing required field "validUntil" (the date until which this history entry was in force)"#
      ),
    ]
    for example in examples {
      let result = try load(example.json)
      guard case .failure(let error) = result else {
        Issue.record("\(example.json) should not load")
        continue
      }
      #expect(error.document == example.document, "\(example.json)")
      #expect(error.field == example.field, "\(example.json)")
      #expect(error.message == example.message, "\(example.json)")
    }
  }
}
