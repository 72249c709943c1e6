import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDeclarations

/// One invalid declaration and the error a user must see.
struct InvalidDeclarationCase: Sendable, CustomTestStringConvertible {
  var name: String
  var json: String
  var history: String?
  var document: String?
  var field: String?
  var message: String
  var testDescription: String { name }

  /// A service file with one document "Privacy Policy" declared as `document`.
  static func document(
    _ name: String, _ document: String, field: String?, _ message: String
  ) -> InvalidDeclarationCase {
    InvalidDeclarationCase(
      name: name, json: #"{"name": "Example Chat", "terms": {"Privacy Policy": \#(document)}}"#, history: nil,
      document: "Privacy Policy", field: field, message: message)
  }

  /// A valid service file plus a history file with `entries` for "Privacy Policy".
  static func history(_ name: String, _ entries: String, field: String?, _ message: String) -> InvalidDeclarationCase {
    InvalidDeclarationCase(
      name: name,
      json:
        #"{"name": "Example Chat", "terms": {"Privacy Policy": {"fetch": "https://example.com/p", "select": "main"}}}"#,
      history: #"{"Privacy Policy": \#(entries)}"#, document: "Privacy Policy", field: field, message: message)
  }
}

@Suite("Declarations: validation messages")
struct DeclarationValidationTests {
  static let cases: [InvalidDeclarationCase] = [
    .document(
      "unknown field", #"{"fetch": "https://example.com/p", "select": "main", "wait": 5}"#, field: "wait",
      #"unknown field "wait" (known fields: "fetch", "select", "remove", "filter", "executeClientScripts", "#
        + #""combine", "validUntil")"#
    ),
    .document(
      "misspelt field", #"{"fetch": "https://example.com/p", "selector": "main"}"#, field: "selector",
      #"unknown field "selector"; did you mean "select"?"#),
    .document(
      "missing fetch", #"{"select": "main"}"#, field: "fetch", #"missing required field "fetch""#),
    .document(
      "missing select", #"{"fetch": "https://example.com/p"}"#, field: "select",
      #"missing required field "select" (only PDF documents may omit it)"#),
    .document(
      "fetch of wrong type", #"{"fetch": ["https://example.com/p"], "select": "main"}"#, field: "fetch",
      "expected a URL string, found an array"),
    .document(
      "non-http fetch", #"{"fetch": "ftp://example.com/p", "select": "main"}"#, field: "fetch",
      #""ftp://example.com/p" is not an http or https URL"#),
    .document(
      "file fetch", #"{"fetch": "file:///etc/passwd", "select": "main"}"#, field: "fetch",
      #""file:///etc/passwd" is not an http or https URL"#),
    .document(
      "relative fetch", #"{"fetch": "/legal/privacy", "select": "main"}"#, field: "fetch",
      #""/legal/privacy" is not a valid absolute URL"#),
    .document(
      "select of wrong type", #"{"fetch": "https://example.com/p", "select": 3}"#, field: "select",
      "expected a CSS selector string, a range object or an array of them, found a number"),
    .document(
      "empty select", #"{"fetch": "https://example.com/p", "select": []}"#, field: "select",
      #"an empty "select" would keep nothing; give at least one selector"#),
    .document(
      "empty selector string", #"{"fetch": "https://example.com/p", "select": ["main", " "]}"#, field: "select[1]",
      "empty CSS selector"),
    .document(
      "nested selector array", #"{"fetch": "https://example.com/p", "select": ["main", ["p"]]}"#, field: "select[1]",
      "expected a CSS selector string or a range object, found a nested array"),
    .document(
      "range with both starts",
      #"{"fetch": "https://example.com/p", "select": ["main", {"startBefore": "h1", "startAfter": "h2", "#
        + #""endBefore": "hr"}]}"#,
      field: "select[1]", #"a range needs exactly one of "startBefore" and "startAfter", found both"#),
    .document(
      "range with no start", #"{"fetch": "https://example.com/p", "select": {"endBefore": "hr"}}"#, field: "select",
      #"a range needs exactly one of "startBefore" and "startAfter", found neither"#),
    .document(
      "range with both ends",
      #"{"fetch": "https://example.com/p", "select": "main", "remove": {"startAfter": "h1", "endBefore": "a", "#
        + #""endAfter": "b"}}"#,
      field: "remove", #"a range needs exactly one of "endBefore" and "endAfter", found both"#),
    .document(
      "range with a misspelt key",
      #"{"fetch": "https://example.com/p", "select": {"startBefore": "h1", "endbefore": "hr"}}"#,
      field: "select.endbefore", #"unknown range field "endbefore"; did you mean "endBefore"?"#),
    .document(
      "range boundary of wrong type",
      #"{"fetch": "https://example.com/p", "select": [{"startBefore": ["h1"], "endBefore": "hr"}]}"#,
      field: "select[0].startBefore", "expected a CSS selector string, found an array"),
    .document(
      "executeClientScripts of wrong type",
      #"{"fetch": "https://example.com/p", "select": "main", "executeClientScripts": "yes"}"#,
      field: "executeClientScripts", "expected true or false, found a string"),
    .document(
      "filter of wrong type", #"{"fetch": "https://example.com/p", "select": "main", "filter": "clean"}"#,
      field: "filter", "expected an array of filter names, found a string"),
    .document(
      "filter item of wrong type", #"{"fetch": "https://example.com/p", "select": "main", "filter": ["a", 2]}"#,
      field: "filter[1]", #"expected a filter name or a {"name": parameters} object, found a number"#),
    .document(
      "validUntil in a current declaration",
      #"{"fetch": "https://example.com/p", "select": "main", "validUntil": "2024-01-01T00:00:00Z"}"#,
      field: "validUntil",
      #""validUntil" belongs in history entries (<Service>.history.json), not in a current declaration"#),
    .document(
      "document of wrong type", #"["https://example.com/p"]"#, field: nil,
      "expected an object (the document's declaration), found an array"),
    .document(
      "combine of wrong type", #"{"combine": {"fetch": "https://example.com/p"}}"#, field: "combine",
      "expected an array of pages, found an object"),
    .document(
      "empty combine", #"{"combine": []}"#, field: "combine", #"a "combine" document needs at least one page"#),
    .document(
      "combine page without fetch", #"{"select": "main", "combine": [{"fetch": "https://example.com/a"}, {}]}"#,
      field: "combine[1].fetch", #"missing required field "fetch""#),
    .document(
      "combine page with unknown field",
      #"{"combine": [{"fetch": "https://example.com/a", "select": "main", "validUntil": "2024-01-01T00:00:00Z"}]}"#,
      field: "combine[0].validUntil",
      #"unknown field "validUntil" (known fields: "fetch", "select", "remove", "filter", "executeClientScripts")"#),
    .document(
      "combine page with a bad range",
      #"{"combine": [{"fetch": "https://example.com/a", "select": [{"startBefore": "h1", "startAfter": "h1", "#
        + #""endBefore": "hr"}]}]}"#,
      field: "combine[0].select[0]", #"a range needs exactly one of "startBefore" and "startAfter", found both"#),
    .document(
      "combine pages with the same id",
      #"{"select": "main", "combine": [{"fetch": "https://a.example/legal/terms"}, {"fetch": "#
        + #""https://b.example/legal/terms"}]}"#,
      field: "combine[1].fetch",
      #"this page's id "legal-terms" (derived from its URL) is the same as that of combine[0]; their "#
        + #"snapshots could not be told apart"#
    ),
    .history(
      "misspelt ValidUntil",
      #"[{"fetch": "https://example.com/p", "select": "main", "ValidUntil": "2024-01-01T00:00:00Z"}]"#,
      field: "[0].ValidUntil", #"unknown field "ValidUntil"; did you mean "validUntil"?"#),
    .history(
      "lowercase validuntil",
      #"[{"fetch": "https://example.com/p", "select": "main", "validuntil": "2024-01-01T00:00:00Z"}]"#,
      field: "[0].validuntil", #"unknown field "validuntil"; did you mean "validUntil"?"#),
    .history(
      "missing validUntil", #"[{"fetch": "https://example.com/p", "select": "main"}]"#, field: "[0].validUntil",
      #"missing required field "validUntil" (the date until which this history entry was in force)"#),
    .history(
      "date without time zone",
      #"[{"fetch": "https://example.com/p", "select": "main", "validUntil": "2024-05-01T12:00:00"}]"#,
      field: "[0].validUntil",
      #"invalid date "2024-05-01T12:00:00": a date-time without a time zone (add "Z" for UTC); expected an "#
        + #"RFC 3339 date-time such as "2024-05-01T12:00:00Z""#
    ),
    .history(
      "date without time", #"[{"fetch": "https://example.com/p", "select": "main", "validUntil": "2024-05-01"}]"#,
      field: "[0].validUntil",
      #"invalid date "2024-05-01": a date without a time; expected an RFC 3339 date-time such as "#
        + #""2024-05-01T12:00:00Z""#
    ),
    .history(
      "impossible date",
      #"[{"fetch": "https://example.com/p", "select": "main", "validUntil": "2023-02-29T00:00:00Z"}]"#,
      field: "[0].validUntil",
      #"invalid date "2023-02-29T00:00:00Z": day 29 of month 2 does not exist; expected an RFC 3339 date-time "#
        + #"such as "2024-05-01T12:00:00Z""#
    ),
    .history(
      "date in another format",
      #"[{"fetch": "https://example.com/p", "select": "main", "validUntil": "May 1, 2024"}]"#,
      field: "[0].validUntil",
      #"invalid date "May 1, 2024": not an RFC 3339 date-time; expected an RFC 3339 date-time such as "#
        + #""2024-05-01T12:00:00Z""#
    ),
    .history(
      "date of wrong type", #"[{"fetch": "https://example.com/p", "select": "main", "validUntil": 1714564800}]"#,
      field: "[0].validUntil", #"expected a date-time string such as "2024-05-01T12:00:00Z", found a number"#),
    .history(
      "history not an array", #"{"fetch": "https://example.com/p"}"#, field: nil,
      #"expected an array of earlier declarations, each with "validUntil", found an object"#),
    .history(
      "history entry with a bad selector",
      #"[{"fetch": "https://example.com/p", "select": {"startAfter": "h1"}, "validUntil": "2024-01-01T00:00:00Z"}]"#,
      field: "[0].select", #"a range needs exactly one of "endBefore" and "endAfter", found neither"#),
  ]

  @Test(arguments: cases)
  func invalidDeclaration(_ example: InvalidDeclarationCase) throws {
    let (file, error) = try DeclarationFixtures.error(example.json, history: example.history)
    let found = try #require(error)
    let expectedFile = example.history == nil ? file : String(file.dropLast(5)) + ".history.json"
    #expect(found.file == expectedFile)
    #expect(found.service == "Example Chat")
    #expect(found.document == example.document)
    #expect(found.field == example.field)
    #expect(found.message == example.message)
    let fieldPart = example.field.map { ", field \"\($0)\"" } ?? ""
    #expect(
      found.description
        == "\(expectedFile): service \"Example Chat\", document \"Privacy Policy\"\(fieldPart): \(example.message)")
  }

  @Test func unparsableSelectorNamesTheSelector() throws {
    let (file, error) = try DeclarationFixtures.error(
      #"{"name": "Example Chat", "terms": {"Privacy Policy": {"fetch": "https://example.com/p", "select": "#
        + #"["main", {"startBefore": "div[", "endBefore": "hr"}]}}}"#
    )
    let found = try #require(error)
    #expect(found.field == "select[1].startBefore")
    #expect(found.message.hasPrefix(#"invalid CSS selector "div[""#))
    #expect(
      found.description.hasPrefix(
        #"\#(file): service "Example Chat", document "Privacy Policy", field "select[1].startBefore": invalid CSS"#))
  }

  @Test func serviceLevelErrors() throws {
    let examples: [(json: String, field: String?, message: String)] = [
      (#"["x"]"#, nil, #"expected an object with "name" and "terms", found an array"#),
      (#"{"terms": {}}"#, "name", #"missing required field "name" (the service's public name)"#),
      (#"{"name": 3, "terms": {}}"#, "name", "expected a non-empty string, found a number"),
      (#"{"name": "X"}"#, "terms", #"missing required field "terms" (the documents to watch)"#),
      (#"{"name": "X", "terms": {}}"#, "terms", "no documents declared"),
      (#"{"name": "X", "terms": []}"#, "terms", "expected an object of documents, found an array"),
      (#"{"name": "X", "Terms": {}}"#, "Terms", #"unknown field "Terms"; did you mean "terms"?"#),
      (
        #"{"name": "X", "terms": {"A": {}}, "documents": {}}"#, "documents",
        #""documents" is the former name of "terms"; keep only "terms""#
      ),
      (
        #"{"name": "X", "terms": {"A": {}}"#, nil,
        #"invalid JSON at line 1, column 33: unexpected end of file, expected "," or "}""#
      ),
      (
        "{\"name\": \"X\",\n \"name\": \"Y\"}", nil, #"invalid JSON at line 2, column 2: duplicate key "name""#
      ),
    ]
    for example in examples {
      let (file, error) = try DeclarationFixtures.error(example.json)
      let found = try #require(error, "\(example.json) should not load")
      #expect(found.file == file)
      #expect(found.service == "Example Chat")
      #expect(found.document == nil)
      #expect(found.field == example.field, "\(example.json)")
      #expect(found.message == example.message, "\(example.json)")
    }
  }

  @Test func historyFileIsNotAServiceFile() throws {
    let directory = TemporaryDirectory("declarations")
    defer { directory.remove() }
    let file = try directory.write("Example Chat.history.json", "{}")
    #expect(
      throws: DeclarationError(
        file: file, message: #"this is a history file; load its service file "Example Chat.json" instead"#)
    ) {
      try DeclarationLoader.loadService(at: file)
    }
  }
}
