import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchCheck
@testable import PolicyWatchDeclarations
@testable import PolicyWatchExtract
@testable import PolicyWatchStore
@testable import PolicyWatchText

/// Kinds of page that change detection must hold on, whatever the document: each test replays a history of pages
/// written for it.
@Suite("Change detection on kinds of page")
struct PageKindsTests {
  /// A store in a temporary directory, removed when the value goes away.
  final class TemporaryStore {
    let directory: TemporaryDirectory
    let store: SnapshotStore
    init() throws {
      directory = TemporaryDirectory("store")
      store = try SnapshotStore(path: directory.path, create: true)
    }
    func timeline() -> [TimelineEntry] {
      store.timeline(SnapshotStore.DocumentRef(service: "Example Co", document: "Privacy Policy"))
    }
  }

  static func replay(_ pages: [(String, String)], declaration: String? = nil) throws -> (
    Replayer.Summary, TemporaryStore
  ) {
    let folder = TemporaryDirectory("hist")
    var builder = HistoryBuilder(folder.path)
    builder.declarationJSON = declaration
    try builder.write(pages)
    let store = try TemporaryStore()
    let summary = try Replayer(recorder: Recorder(store: store.store)).replay(directory: folder.path)
    return (summary, store)
  }

  static let definitions = [
    "\"Account\" means the account you open to use the service.",
    "\"Content\" means the notes, files and messages you store in the service.",
    "\"Personal data\" means information about a person who can be identified.",
    "\"Processor\" means a company that handles personal data for us.",
    "\"Service\" means the website and the applications we run.",
    "\"Subprocessor\" means a company a processor engages to handle personal data.",
  ]

  static func numberedPage(_ items: [String], marker: (Int) -> String) -> String {
    """
    <html lang="en"><body><main><h1>Data Processing Terms</h1><p>Last updated: March 3, 2025</p>
    <h2>A. Definitions</h2><ol>\(items.enumerated().map { "<li>\(marker($0.offset + 1))\($0.element)</li>" }.joined())</ol>
    </main></body></html>
    """
  }

  // MARK: 2. Numbering

  @Test func numberingThatChangesStyleIsNotAChange() throws {
    let (summary, _) = try Self.replay([
      ("2025-03-04T00-00-00Z", Self.numberedPage(Self.definitions) { _ in "" }),
      ("2025-03-05T00-00-00Z", Self.numberedPage(Self.definitions) { "A.\($0). " }),
      ("2025-03-06T00-00-00Z", Self.numberedPage(Self.definitions) { "\($0). " }),
      ("2025-03-07T00-00-00Z", Self.numberedPage(Self.definitions) { "(\(Character(UnicodeScalar(96 + $0)!))) " }),
    ])
    #expect(summary.events.map(\.kind) == [.first])
  }

  @Test func aRealRenumberingShowsOnlyTheInsertedClause() throws {
    var inserted = Self.definitions
    inserted.insert("\"Affiliate\" means a company that controls us or that we control.", at: 0)
    let (summary, _) = try Self.replay([
      ("2025-03-04T00-00-00Z", Self.numberedPage(Self.definitions) { "A.\($0). " }),
      ("2025-03-05T00-00-00Z", Self.numberedPage(inserted) { "A.\($0). " }),
    ])
    #expect(summary.events.map(\.kind) == [.first, .change])
    #expect(summary.events[1].clauses == ClauseCounts(added: 1, removed: 0, modified: 0))
  }

  // MARK: 3. A date line glued to a link

  static func datedPage(_ dateLine: String, clauses: [String] = baseClauses) -> String {
    """
    <html lang="en"><body><main><h1>Terms of Use</h1>\(dateLine)
    \(clauses.map { "<p>\($0)</p>" }.joined(separator: "\n"))</main></body></html>
    """
  }

  @Test func howInterfaceTextIsGluedToTheDateLineIsNotAChange() throws {
    let (summary, _) = try Self.replay([
      ("2026-01-13T00-00-00Z", Self.datedPage(#"<p>Effective 12 January 2026<a href="/old">Previous Version</a></p>"#)),
      (
        "2026-01-14T00-00-00Z",
        Self.datedPage(#"<p>Effective 12 January 2026 | <a href="/old?v=2">Previous version</a></p>"#)
      ),
      (
        "2026-01-15T00-00-00Z",
        Self.datedPage(#"<p>Effective: January 12, 2026</p><p><a href="/old">Previous version</a></p>"#)
      ),
      ("2026-01-16T00-00-00Z", Self.datedPage(#"<div>Effective 12 January 2026<button>Print</button></div>"#)),
    ])
    #expect(summary.events.map(\.kind) == [.first])
  }

  @Test func aScreenReaderNoteGluedToALinkIsNotAChange() throws {
    func page(note: String) -> String {
      Self.datedPage(
        "<p>Effective 12 January 2026</p>",
        clauses: baseClauses.map { $0 + #" <a href="/more">More information\#(note)</a>"# })
    }
    let (summary, _) = try Self.replay([
      ("2026-01-13T00-00-00Z", page(note: "")),
      ("2026-01-14T00-00-00Z", page(note: #"<span class="sr-only">Opens in new tab</span>"#)),
      ("2026-01-15T00-00-00Z", page(note: " (opens in a new window)")),
    ])
    #expect(summary.events.map(\.kind) == [.first])
  }

  @Test func aNewDateOnTheDateLineIsAChangeWithItsDate() throws {
    var changed = baseClauses
    changed[1] = "Clause 2: we keep account data for two years after you close your account."
    let (summary, _) = try Self.replay([
      ("2026-01-13T00-00-00Z", Self.datedPage(#"<p>Effective 12 January 2026<a href="/old">Previous Version</a></p>"#)),
      (
        "2026-03-02T00-00-00Z",
        Self.datedPage(#"<p>Effective 1 March 2026 · <a href="/old">Previous Version</a></p>"#, clauses: changed)
      ),
    ])
    #expect(summary.events.map(\.kind) == [.first, .change])
    #expect(summary.events[1].declaredDate == "2026-03-01")
    #expect(summary.events[1].flags.isEmpty)
  }

  @Test func aDateLineThatSaysMoreKeepsItsWords() {
    let said = Clause(
      kind: .paragraph, text: "These terms take effect on 12 January 2026 for every account holder in Europe.")
    let other = Clause(
      kind: .paragraph, text: "These terms take effect on 12 January 2026 for business customers only.")
    #expect(VersionIdentity.id(of: [said]) != VersionIdentity.id(of: [other]))
  }

  // MARK: 1. Error and placeholder pages that keep part of the document

  static let longClauses = (1...20).map {
    "Section \($0): we keep the records of your orders for seven years, as tax law requires, then delete them."
  }

  static func policy(
    _ clauses: [String], title: String = "Privacy Policy | Example", heading: String = "Privacy Policy",
    date: String? = "<p>Last updated: January 5, 2024</p>", end: String = "</main></body></html>"
  ) -> String {
    """
    <html lang="en"><head><title>\(title)</title></head><body><main><h1>\(heading)</h1>\(date ?? "")
    \(clauses.map { "<p>\($0)</p>" }.joined(separator: "\n"))\(end)
    """
  }

  @Test func errorWordingInTheTitleOfALongPageIsInaccessible() throws {
    let (summary, _) = try Self.replay([
      ("2024-02-01T00-00-00Z", Self.policy(Self.longClauses)),
      // The site's error page keeps its menus and part of the text, and says so in its title.
      (
        "2024-02-02T00-00-00Z",
        Self.policy(Array(Self.longClauses.prefix(18)), title: "This page isn't available right now | Example")
      ),
      ("2024-02-03T00-00-00Z", Self.policy(Self.longClauses)),
    ])
    #expect(summary.events.map(\.kind) == [.first, .inaccessible, .recovered])
    #expect(summary.events[1].reason?.contains("this page isn't available") == true)
  }

  @Test func aPlaceholderThatKeepsPartOfTheTextIsInaccessibleEvenWhenRepeated() throws {
    // The site's chrome with a fraction of the text: no date, another heading. Shown twice in a row (which would
    // confirm a real cut), it stays inaccessible; the real text's return is no change.
    let placeholder = Self.policy(
      Array(Self.longClauses.prefix(9)), title: "Example", heading: "Help Center", date: nil)
    let (summary, store) = try Self.replay([
      ("2024-02-01T00-00-00Z", Self.policy(Self.longClauses)),
      ("2024-02-02T00-00-00Z", placeholder),
      ("2024-02-03T00-00-00Z", placeholder),
      ("2024-02-04T00-00-00Z", Self.policy(Self.longClauses)),
    ])
    #expect(summary.events.map(\.kind) == [.first, .inaccessible, .recovered])
    let reason = try #require(summary.events[1].reason)
    #expect(reason.contains("placeholder"))
    #expect(reason.contains("states no date"))
    #expect(reason.contains("title is not the document's"))
    #expect(store.timeline().map(\.outcome) == [.recorded, .inaccessible, .inaccessible, .unchanged])
  }

  @Test func aTruncatedBodyIsInaccessible() throws {
    let (summary, _) = try Self.replay([
      ("2024-02-01T00-00-00Z", Self.policy(Self.longClauses)),
      // The same response cut off twice at the same byte: the HTML stops in the middle of the text.
      ("2024-02-02T00-00-00Z", Self.policy(Array(Self.longClauses.prefix(7)), end: "<p>Section 8: we ke")),
      ("2024-02-03T00-00-00Z", Self.policy(Array(Self.longClauses.prefix(7)), end: "<p>Section 8: we ke")),
      ("2024-02-04T00-00-00Z", Self.policy(Self.longClauses)),
    ])
    #expect(summary.events.map(\.kind) == [.first, .inaccessible, .recovered])
    #expect(summary.events[1].reason?.contains("its HTML stops before its end") == true)
  }

  @Test func aShorterTextThatFlapsIsInaccessibleOnceItFlapped() throws {
    // A third of the text missing, date and title kept: a change at first sight. Once the document came back
    // from it, the same shorter text again is a broken page, not another change.
    let shorter = Self.policy(Array(Self.longClauses.prefix(13)))
    let (summary, _) = try Self.replay([
      ("2024-02-01T00-00-00Z", Self.policy(Self.longClauses)),
      ("2024-02-02T00-00-00Z", shorter),
      ("2024-02-03T00-00-00Z", Self.policy(Self.longClauses)),
      ("2024-02-04T00-00-00Z", shorter),
      ("2024-02-05T00-00-00Z", shorter),
      ("2024-02-06T00-00-00Z", Self.policy(Self.longClauses)),
    ])
    #expect(summary.events.map(\.kind) == [.first, .change, .flap, .inaccessible, .recovered])
    #expect(summary.events[3].reason?.contains("came back from before") == true)
  }

  @Test func aShorterTextThatFlappedIsTakenOnceItStays() throws {
    let shorter = Self.policy(Array(Self.longClauses.prefix(13)))
    var pages = [
      ("2024-02-01T00-00-00Z", Self.policy(Self.longClauses)),
      ("2024-02-02T00-00-00Z", shorter),
      ("2024-02-03T00-00-00Z", Self.policy(Self.longClauses)),
    ]
    for day in 4...12 { pages.append((String(format: "2024-02-%02dT00-00-00Z", day), shorter)) }
    let (summary, _) = try Self.replay(pages)
    #expect(summary.events.map(\.kind) == [.first, .change, .flap, .inaccessible, .flap])
    // Back to the shorter text for good: a return to a recent version, dated at the first fetch that showed it.
    #expect(StoreJSON.format(summary.events[4].firstSeen) == "2024-02-04T00:00:00Z")
  }

  // MARK: 5. A large cut, accepted late

  @Test func aConfirmedLargeCutIsDatedAtTheFirstSnapshotThatShowedIt() throws {
    let cut = Self.policy(Array(Self.longClauses.prefix(8)), date: "<p>Last updated: February 1, 2024</p>")
    let (summary, store) = try Self.replay([
      ("2024-02-01T00-00-00Z", Self.policy(Self.longClauses)),
      ("2024-02-02T06-00-00Z", cut),
      ("2024-02-02T12-00-00Z", cut),
    ])
    #expect(summary.events.map(\.kind) == [.first, .inaccessible, .change])
    let change = summary.events[2]
    #expect(StoreJSON.format(change.firstSeen) == "2024-02-02T06:00:00Z")
    #expect(change.id.hasSuffix("/change/2024-02-02T06:00:00Z"))
    #expect(StoreJSON.format(try #require(change.lastSeenBefore)) == "2024-02-01T00:00:00Z")
    #expect(change.clauses == ClauseCounts(added: 0, removed: 12, modified: 1))
    let ref = SnapshotStore.DocumentRef(service: "Example Co", document: "Privacy Policy")
    let versionID = try #require(change.version)
    let version = try #require(store.store.version(versionID, of: ref))
    #expect(StoreJSON.format(version.firstSeen) == "2024-02-02T06:00:00Z")
    #expect(store.store.hasObject(version.snapshot, of: ref))
    #expect(Fsck.check(store.store, repair: false).isClean)
  }

  // MARK: 4. A rules change at the time of a real change

  /// A replay declaration whose rules change on `changed` (each rule set a JSON `declaration`).
  static func rulesHistory(_ before: String, _ after: String, changed: String = "2024-03-01T00:00:00Z") -> String {
    """
    {"service": "Example Co", "document": "Privacy Policy", "declaration": null,
     "declaration_git_history": [
       {"commit": "c1", "date": "2024-01-01T00:00:00Z", "subject": "Import", "declaration": \(before)},
       {"commit": "c2", "date": "\(changed)", "subject": "Fix", "declaration": \(after)}]}
    """
  }

  static func part(_ clauses: [String], wrapper: String = "main") -> String {
    "<html lang=\"en\"><body><\(wrapper)>\(clauses.map { "<p>\($0)</p>" }.joined())</\(wrapper)></body></html>"
  }

  @Test func aPageMovedByNewRulesInTheFetchThatChangedItIsAChange() throws {
    // Two pages combined; the new rules fetch the second one from its new address (so it has a new id), and that
    // very fetch brings a change of its text: the technical event must not swallow it.
    let declaration = Self.rulesHistory(
      #"{"combine": [{"fetch": "https://example.com/privacy", "select": ["main"]}, "#
        + #"{"fetch": "https://example.com/cookies", "select": ["main"]}]}"#,
      #"{"combine": [{"fetch": "https://example.com/privacy", "select": ["main"]}, "#
        + #"{"fetch": "https://example.com/legal/cookies", "select": ["main"]}]}"#)
    let cookies = ["We set a cookie to keep you signed in.", "We set a cookie to remember your language."]
    var changed = cookies
    changed.append("We set advertising cookies of our partners to measure campaigns.")
    let (summary, _) = try Self.replay(
      [
        ("2024-02-01T00-00-00Z#privacy", Self.part(baseClauses)),
        ("2024-02-01T00-00-00Z#cookies", Self.part(cookies)),
        ("2024-02-15T00-00-00Z#privacy", Self.part(baseClauses)),
        ("2024-02-15T00-00-00Z#cookies", Self.part(cookies)),
        ("2024-03-02T00-00-00Z#privacy", Self.part(baseClauses)),
        ("2024-03-02T00-00-00Z#legal-cookies", Self.part(changed)),
      ], declaration: declaration)
    #expect(summary.events.map(\.kind) == [.first, .change])
    let change = summary.events[1]
    #expect(StoreJSON.format(change.firstSeen) == "2024-03-02T00:00:00Z")
    #expect(change.clauses == ClauseCounts(added: 1, removed: 0, modified: 0))
  }

  @Test func aRulesChangeAndATextChangeInOneFetchAreTwoEvents() throws {
    // New rules drop a banner; the same fetch changes a clause.
    let declaration = Self.rulesHistory(
      #"{"fetch": "https://example.com/privacy", "select": ["main"]}"#,
      #"{"fetch": "https://example.com/privacy", "select": ["main"], "remove": [".banner"]}"#)
    func page(_ clauses: [String]) -> String {
      "<html lang=\"en\"><body><main><p class=\"banner\">Read our new help pages.</p>"
        + clauses.map { "<p>\($0)</p>" }.joined() + "</main></body></html>"
    }
    var changed = baseClauses
    changed[4] = "Clause 5: we keep account data for five years after you close your account."
    let (summary, _) = try Self.replay(
      [("2024-02-01T00-00-00Z", page(baseClauses)), ("2024-03-02T00-00-00Z", page(changed))],
      declaration: declaration)
    #expect(summary.events.map(\.kind) == [.first, .technical, .change])
    #expect(summary.events[1].clauses == ClauseCounts(added: 0, removed: 1, modified: 0))
    #expect(summary.events[2].clauses == ClauseCounts(added: 0, removed: 0, modified: 1))
  }

  /// Old rules read `main`; the site moves its text into `article` on 2024-02-10; the text changes on 2024-02-20;
  /// new rules reading `article` arrive on 2024-03-01.
  static let redesign = [
    ("2024-02-01T00-00-00Z", part(baseClauses, wrapper: "main")),
    ("2024-02-10T00-00-00Z", part(baseClauses, wrapper: "article")),
    ("2024-02-20T00-00-00Z", part(redesigned, wrapper: "article")),
    ("2024-02-25T00-00-00Z", part(redesigned, wrapper: "article")),
    ("2024-03-02T00-00-00Z", part(redesigned, wrapper: "article")),
  ]
  static let redesigned = baseClauses.map { $0.replacingOccurrences(of: "30 days", with: "90 days") }
  static let redesignRules = rulesHistory(
    #"{"fetch": "https://example.com/privacy", "select": ["main"]}"#,
    #"{"fetch": "https://example.com/privacy", "select": ["article"]}"#)

  @Test func aChangeDuringAStreakTheOldRulesCouldNotReadIsDatedWhenItHappened() throws {
    let (summary, _) = try Self.replay(Self.redesign, declaration: Self.redesignRules)
    try #require(summary.events.map(\.kind) == [.first, .inaccessible, .change, .recovered])
    let change = summary.events[2]
    #expect(StoreJSON.format(change.firstSeen) == "2024-02-20T00:00:00Z")
    #expect(StoreJSON.format(try #require(change.lastSeenBefore)) == "2024-02-10T00:00:00Z")
    #expect(change.clauses == ClauseCounts(added: 0, removed: 0, modified: 10))
  }

  @Test func checkReadsAgainTheSnapshotsItKeptOfSuchAStreak() throws {
    let store = try TemporaryStore()
    let recorder = Recorder(store: store.store)
    func rules(_ select: [SelectorSpec]) -> DocumentDeclaration {
      DocumentDeclaration(
        service: "Example Co", documentType: "Privacy Policy",
        pages: [PageDeclaration(id: "privacy", fetch: "https://example.com/privacy", select: select)],
        isCombined: false)
    }
    var events: [StoreEvent] = []
    for (index, (stamp, html)) in Self.redesign.enumerated() {
      let time = try #require(Replayer.parseStamp(stamp))
      let declaration = index < 4 ? rules([.css("main")]) : rules([.css("article")])
      let page = PageFetch(id: "privacy", url: "https://example.com/privacy", status: 200, bytes: Array(html.utf8))
      events += try recorder.record(Observation(time: time, declaration: declaration, pages: [page])).events
    }
    #expect(events.map(\.kind) == [.first, .inaccessible, .change, .recovered])
    #expect(events.count == 4 && StoreJSON.format(events[2].firstSeen) == "2024-02-20T00:00:00Z")
    #expect(Fsck.check(store.store, repair: false).isClean)
  }

  @Test func aDocumentTheOldRulesNeverReadStartsAtItsFirstReadableSnapshot() throws {
    let (summary, _) = try Self.replay(
      Array(Self.redesign.dropFirst()), declaration: Self.redesignRules)
    try #require(summary.events.map(\.kind) == [.inaccessible, .first, .change, .recovered])
    #expect(StoreJSON.format(summary.events[1].firstSeen) == "2024-02-10T00:00:00Z")
    #expect(StoreJSON.format(summary.events[2].firstSeen) == "2024-02-20T00:00:00Z")
  }

  @Test func aTechnicalEventAtTheEndOfAStreakKeepsTheStreaksEnd() throws {
    // The last good page had a banner that the new rules leave out: a technical event, then the streak's change
    // and its end.
    let banner =
      "<html lang=\"en\"><body><main><article>" + baseClauses.map { "<p>\($0)</p>" }.joined()
      + "</article><p>Read our new help pages.</p></main></body></html>"
    var pages = Self.redesign
    pages[0].1 = banner
    let (summary, store) = try Self.replay(pages, declaration: Self.redesignRules)
    try #require(summary.events.map(\.kind) == [.first, .inaccessible, .technical, .change, .recovered])
    #expect(StoreJSON.format(summary.events[3].firstSeen) == "2024-02-20T00:00:00Z")
    #expect(summary.events[2].clauses == ClauseCounts(added: 0, removed: 1, modified: 0))
    #expect(Fsck.check(store.store, repair: false).isClean)
  }

  @Test func aStubTheNewRulesHappenToReadInAStreakIsNoChange() throws {
    // The page first became a stub (which the old rules could not read either), then the redesigned page.
    var pages = Self.redesign
    pages[1].1 = Self.part(["Moved to legal.example.com"], wrapper: "article")
    let (summary, _) = try Self.replay(pages, declaration: Self.redesignRules)
    try #require(summary.events.map(\.kind) == [.first, .inaccessible, .change, .recovered])
    #expect(StoreJSON.format(summary.events[2].firstSeen) == "2024-02-20T00:00:00Z")
  }

  @Test(
    "a selector miss is known in the reasons written now (one page, a page of a combine) and in older stores'"
  )
  func selectorMissReasons() throws {
    // The reasons the recorder writes today, from a real extraction whose selector matches nothing.
    func reason(_ urls: [String], html: String) throws -> String {
      let declaration = DocumentDeclaration(
        service: "Example Co", documentType: "Privacy Policy",
        pages: urls.map { PageDeclaration(fetch: $0, select: [.css("main")]) }, isCombined: urls.count > 1)
      var raw: [String: RawPage] = [:]
      for page in declaration.pages { raw[page.id] = RawPage(id: page.id, bytes: Array(html.utf8)) }
      do {
        _ = try DocumentExtractor.extract(declaration, pages: raw, identifyLanguage: false)
        Issue.record("the selector matched")
        return ""
      } catch {
        return AttemptReason.extractionFailed(error, raw: raw[error.page], declaration: declaration)
      }
    }
    let moved = Self.part(baseClauses, wrapper: "article")
    let single = try reason(["https://example.com/privacy"], html: moved)
    let combined = try reason(["https://example.com/privacy", "https://example.com/annex"], html: moved)
    #expect(single.hasPrefix("the selector main matched nothing"), "\(single)")
    #expect(combined.hasPrefix("page \"privacy\" (https://example.com/privacy): the selector"), "\(combined)")
    #expect(Recorder.isSelectorMiss(single) && Recorder.isSelectorMiss(combined))
    // A store written before the reasons named the page only for a combine document.
    #expect(Recorder.isSelectorMiss("page privacy: the selector main matched nothing on the page"))
    // A page that is no document at all is not one the new rules may read.
    let bot = try reason(
      ["https://example.com/privacy"], html: "<html><head><title>Just a moment...</title></head><body></body></html>")
    #expect(!Recorder.isSelectorMiss(bot), "\(bot)")
    #expect(
      !Recorder.isSelectorMiss(
        "looks like an error or bot page (\"just a moment\"); page privacy: the selector main matched nothing on the page"
      ))
  }

  @Test func aRedirectPageIsNotTheDocument() {
    let clauses = [Clause(kind: .paragraph, text: "Redirecting to legal.example.com…")]
    #expect(PageHealth.problem(clauses: clauses, title: nil)?.contains("redirecting") == true)
  }
}
