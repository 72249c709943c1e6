import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDeclarations

@Suite("Declarations: loading OTA service files")
struct DeclarationLoadingTests {
  @Test func singlePageDocument() throws {
    let (_, result) = try DeclarationFixtures.load(
      """
      {
        "name": "Example Chat",
        "terms": {
          "Privacy Policy": {
            "fetch": "https://chat.example.com/legal/privacy.html",
            "select": "main article",
            "remove": [".cookie-banner", "nav"]
          },
          "Terms of Service": {
            "fetch": "https://chat.example.com/terms",
            "select": ["#terms"],
            "executeClientScripts": false
          }
        }
      }
      """)
    let (service, warnings) = try result.get()
    #expect(service.id == "Example Chat")
    #expect(service.name == "Example Chat")
    #expect(warnings.isEmpty)
    #expect(service.documents.map(\.documentType) == ["Privacy Policy", "Terms of Service"])
    let privacy = service.documents[0]
    #expect(privacy.service == "Example Chat")
    #expect(!privacy.isCombined)
    #expect(privacy.validUntil == nil)
    #expect(
      privacy.pages == [
        PageDeclaration(
          id: "legal-privacy", fetch: "https://chat.example.com/legal/privacy.html", select: [.css("main article")],
          remove: [.css(".cookie-banner"), .css("nav")], filters: [], executeClientScripts: false)
      ])
    #expect(service.documents[1].pages.map(\.select) == [[.css("#terms")]])
  }

  @Test func combineInheritsDocumentFields() throws {
    let (_, result) = try DeclarationFixtures.load(
      """
      {"name": "Example Chat", "terms": {"Data Processing Agreement": {
        "select": "main",
        "remove": ".footer",
        "combine": [
          {"fetch": "https://example.com/legal/dpa"},
          {"fetch": "https://trust.example.com/subprocessors", "select": ["table"], "remove": []},
          {"fetch": "https://example.com/legal/dpa-annex.pdf", "executeClientScripts": false}
        ]
      }}}
      """)
    let (service, _) = try result.get()
    let document = try #require(service.documents.first)
    #expect(document.isCombined)
    #expect(document.pages.map(\.id) == ["legal-dpa", "subprocessors", "legal-dpa-annex"])
    #expect(document.pages.map(\.select) == [[.css("main")], [.css("table")], [.css("main")]])
    // A page's own (even empty) `remove` replaces the document's; a missing one inherits it.
    #expect(document.pages.map(\.remove) == [[.css(".footer")], [], [.css(".footer")]])
    #expect(document.page(id: "subprocessors")?.fetch == "https://trust.example.com/subprocessors")
  }

  @Test func everySelectorForm() throws {
    let (_, result) = try DeclarationFixtures.load(
      """
      {"name": "Example Chat", "terms": {
        "A": {"fetch": "https://example.com/a", "select": "article.policy"},
        "B": {"fetch": "https://example.com/b", "select": {"startBefore": "h1", "endBefore": "footer"}},
        "C": {"fetch": "https://example.com/c", "select": {"startAfter": "#top", "endAfter": "#last"}},
        "D": {"fetch": "https://example.com/d",
              "select": ["main", {"startBefore": "h2.first", "endAfter": "p:last-child"}],
              "remove": [{"startAfter": "h3", "endBefore": "h4"}, "aside"]}
      }}
      """)
    let (service, _) = try result.get()
    let selects = service.documents.map { $0.pages[0].select }
    #expect(selects[0] == [.css("article.policy")])
    #expect(selects[1] == [.range(RangeSelector(start: .before("h1"), end: .before("footer")))])
    #expect(selects[2] == [.range(RangeSelector(start: .after("#top"), end: .after("#last")))])
    #expect(
      selects[3] == [.css("main"), .range(RangeSelector(start: .before("h2.first"), end: .after("p:last-child")))])
    #expect(
      service.documents[3].pages[0].remove == [
        .range(RangeSelector(start: .after("h3"), end: .before("h4"))), .css("aside"),
      ])
  }

  @Test func selectorsEncodeInOTAShape() throws {
    let page = PageDeclaration(
      fetch: "https://example.com/x",
      select: [.css("main"), .range(RangeSelector(start: .after("h1"), end: .before("hr")))])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = String(decoding: try encoder.encode(page.select), as: UTF8.self)
    #expect(json == #"["main",{"endBefore":"hr","startAfter":"h1"}]"#)
    let decoded = try JSONDecoder().decode(PageDeclaration.self, from: try encoder.encode(page))
    #expect(decoded == page)
  }

  @Test func pdfDocumentNeedsNoSelect() throws {
    let (_, result) = try DeclarationFixtures.load(
      #"{"name": "Example Chat", "terms": {"Terms of Service": {"fetch": "https://example.com/files/Terms.PDF"}}}"#)
    let (service, _) = try result.get()
    #expect(service.documents[0].pages[0].select.isEmpty)
    #expect(service.documents[0].pages[0].id == "files-Terms")
  }

  @Test func legacyDocumentsKeyIsRead() throws {
    let (_, result) = try DeclarationFixtures.load(
      #"{"name": "Old", "documents": {"Privacy Policy": {"fetch": "https://example.com/p", "select": "body"}}}"#)
    #expect(try result.get().0.documents.map(\.documentType) == ["Privacy Policy"])
  }

  @Test(arguments: [
    ("https://www.example.com/legal/data-processing-addendum", "legal-data-processing-addendum"),
    ("https://trust.example.com/subprocessors", "subprocessors"),
    ("https://example.com/legal/", "legal"),
    ("https://example.com/terms/eu-consumers-terms-of-service?lang=en#top", "terms-eu-consumers-terms-of-service"),
    ("https://example.com/docs/privacy.html", "docs-privacy"),
    ("https://example.com/docs/v1.2/policy", "docs-v1.2-policy"),
    ("https://example.com/caf%C3%A9/a%3Ab", "café-a_b"),
    ("https://example.com/", "example.com"),
  ])
  func pageIDsFollowOTA(url: String, id: String) {
    #expect(PageDeclaration.sourceID(for: url) == id)
  }

  @Test func warnsOncePerDocumentForFiltersAndScripts() throws {
    let (file, result) = try DeclarationFixtures.load(
      """
      {"name": "Example Chat", "terms": {
        "Privacy Policy": {"fetch": "https://example.com/p", "select": "main", "filter": ["removeBanner"],
                           "executeClientScripts": true},
        "Cookie Policy": {"combine": [
            {"fetch": "https://example.com/c1", "executeClientScripts": true, "filter": ["dropDates"]},
            {"fetch": "https://example.com/c2", "executeClientScripts": true, "filter": [{"cleanLinks": {"keep": 1}}]}
          ], "select": "main"},
        "Terms of Service": {"fetch": "https://example.com/t", "select": "main"}
      }}
      """,
      history: """
        {"Privacy Policy": [{"fetch": "https://example.com/p-old", "select": "main", "filter": ["oldFilter"],
                             "validUntil": "2024-01-01T00:00:00Z"}]}
        """)
    let (service, warnings) = try result.get()
    #expect(service.documents[1].pages.map(\.filters) == [["dropDates"], ["cleanLinks"]])
    let byDocument = Dictionary(grouping: warnings, by: \.document)
    #expect(byDocument["Terms of Service"] == nil)
    #expect(byDocument["Privacy Policy"]?.map(\.field) == ["filter", "executeClientScripts"])
    #expect(byDocument["Cookie Policy"]?.map(\.field) == ["combine[0].filter", "combine[0].executeClientScripts"])
    let privacyFilter = try #require(byDocument["Privacy Policy"]?.first)
    #expect(privacyFilter.file == file)
    #expect(privacyFilter.service == "Example Chat")
    #expect(
      privacyFilter.message
        == "JavaScript filters \"removeBanner\", \"oldFilter\" are not run by PolicyWatch; what they remove or change "
        + "stays in the text")
    let cookieFilter = try #require(byDocument["Cookie Policy"]?.first)
    #expect(cookieFilter.message.hasPrefix("JavaScript filters \"dropDates\", \"cleanLinks\" are not run"))
    let scripts = try #require(byDocument["Privacy Policy"]?.last)
    #expect(
      scripts.description
        == "\(file): service \"Example Chat\", document \"Privacy Policy\", field \"executeClientScripts\": "
        + "\"executeClientScripts\": true is not run: PolicyWatch reads the HTML as served, without running the "
        + "page's scripts, so text that only scripts insert will be missing")
  }

  @Test func directoryWithOneBrokenFile() throws {
    let directory = TemporaryDirectory("declarations")
    defer { directory.remove() }
    try directory.write(
      "Alpha.json",
      #"{"name": "Alpha", "terms": {"Privacy Policy": {"fetch": "https://a.example/p", "select": "main"}}}"#)
    let broken = try directory.write(
      "Beta.json",
      #"{"name": "Beta", "terms": {"Privacy Policy": {"fetch": "https://b.example/p", "select": "main",}}}"#)
    try directory.write(
      "Gamma.json",
      #"{"name": "Gamma", "terms": {"Terms": {"fetch": "https://g.example/t", "select": "main", "filter": ["x"]}}}"#)
    try directory.write(
      "Gamma.history.json",
      #"{"Terms": [{"fetch": "https://g.example/old", "select": "body", "validUntil": "2024-02-01T00:00:00Z"}]}"#)
    let orphan = try directory.write("Delta.history.json", #"{}"#)
    try directory.write(".hidden.json", "not json")
    try directory.write("README.md", "not a declaration")

    let (services, warnings, errors) = DeclarationLoader.loadDirectory(directory.path)
    #expect(services.map(\.name) == ["Alpha", "Gamma"])
    #expect(services[1].history["Terms"]?.count == 1)
    #expect(warnings.map(\.service) == ["Gamma"])
    #expect(errors.count == 2)
    let syntax = try #require(errors.first { $0.file == broken })
    #expect(syntax.service == "Beta")
    #expect(syntax.message == "invalid JSON at line 1, column 96: unexpected \"}\", expected a key in double quotes")
    let orphanError = try #require(errors.first { $0.file == orphan })
    #expect(orphanError.message == "history file without its service file \"Delta.json\"; it is not used")

    // A path to one file loads just that file.
    let single = DeclarationLoader.loadDirectory((directory.path as NSString).appendingPathComponent("Alpha.json"))
    #expect(single.services.map(\.name) == ["Alpha"] && single.errors.isEmpty)
    let missing = DeclarationLoader.loadDirectory(directory.path + "/nope")
    #expect(missing.errors.map(\.message) == ["no such file or directory"])
  }

  @Test func serviceNamesAreNotPaths() throws {
    // A hostile "name" is just a string: nothing is read or written from it.
    let (_, result) = try DeclarationFixtures.load(
      #"{"name": "../../etc/passwd", "terms": {"../x": {"fetch": "https://example.com/p", "select": "main"}}}"#)
    let (service, _) = try result.get()
    #expect(service.name == "../../etc/passwd")
    #expect(service.documents[0].documentType == "../x")
  }

  @Test func jsonEscapesAndHostileNesting() throws {
    let (_, result) = try DeclarationFixtures.load(
      #"{"name": "Caf\u00e9 \ud83d\ude00 \"Chat\"", "terms": {"Politique de confidentialit\u00e9": "#
        + #"{"fetch": "https://example.com/p", "select": "div[data-x=\"a\/b\"]"}}}"#)
    let (service, _) = try result.get()
    #expect(service.name == "Caf\u{E9} \u{1F600} \"Chat\"")
    #expect(service.documents[0].documentType == "Politique de confidentialit\u{E9}")
    #expect(service.documents[0].pages[0].select == [.css(#"div[data-x="a/b"]"#)])

    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    let (_, error) = try DeclarationFixtures.error(deep)
    #expect(error?.message == "invalid JSON at line 1, column 257: nesting deeper than 256")
  }
}
