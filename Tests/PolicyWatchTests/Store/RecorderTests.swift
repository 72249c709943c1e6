import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchCheck
@testable import PolicyWatchDeclarations
@testable import PolicyWatchStore
@testable import PolicyWatchSupport
@testable import PolicyWatchText

/// Builds replay folders (declaration.json + snapshots/) from page texts written for the tests.
struct HistoryBuilder {
  let directory: String
  var service = "Example Co"
  var document = "Privacy Policy"
  var declarationJSON: String?

  init(_ directory: String) {
    self.directory = directory
  }

  static func page(_ paragraphs: [String], date: String = "January 5, 2024", lang: String = "en", nonce: Int = 0)
    -> String
  {
    """
    <html lang="\(lang)"><head><script>var n = \(nonce);</script></head><body><nav>Home</nav><main>
    <h1>Privacy Policy</h1><p>Last updated: \(date)</p>
    \(paragraphs.map { "<p>\($0) <a href=\"/x?t=\(nonce)\">details</a></p>" }.joined(separator: "\n"))
    </main></body></html>
    """
  }

  func write(_ pages: [(String, String)]) throws {
    try FileManager.default.createDirectory(atPath: "\(directory)/snapshots", withIntermediateDirectories: true)
    let declaration =
      declarationJSON
        ?? """
        {"service": "\(service)", "document": "\(document)",
         "declaration": {"fetch": "https://example.com/privacy", "select": ["main"]}}
        """
    try declaration.write(toFile: "\(directory)/declaration.json", atomically: true, encoding: .utf8)
    for (stamp, html) in pages {
      try html.write(toFile: "\(directory)/snapshots/\(stamp).html", atomically: true, encoding: .utf8)
    }
  }
}

let baseClauses = (1...10).map {
  "Clause \($0): we keep account data while your account is open and delete it within 30 days."
}

@Suite("Recorder and replay")
struct RecorderTests {
  @Test func bundledExampleHistory() throws {
    let store = TemporaryDirectory("store")
    let recorder = Recorder(store: try SnapshotStore(path: store.path, create: true))
    let summary = try Replayer(recorder: recorder).replay(directory: TestPaths.repository.path + "/Examples/acme-notes")
    #expect(summary.events.map(\.kind) == [.first, .change, .inaccessible, .recovered, .change])
    let aiChange = summary.events[1]
    #expect(StoreJSON.format(aiChange.firstSeen) == "2024-06-03T08:00:00Z")
    #expect(StoreJSON.format(try #require(aiChange.lastSeenBefore)) == "2024-04-15T08:00:00Z")
    #expect(aiChange.declaredDate == "2024-06-01")
    #expect(aiChange.previousDeclaredDate == "2024-03-01")
    #expect(aiChange.flags.isEmpty)
    let ai = try #require(aiChange.dataUse?.first { $0.category == "AI_TRAINING" })
    #expect(ai.polarity == .affirmative)
    #expect(ai.text.contains("train and improve our artificial intelligence models"))
    #expect(ai.section == ["Acme Notes Privacy Policy", "2. How we use your information"])
    // The bot wall is inaccessible, not "every clause removed".
    #expect(summary.events[2].reason?.contains("just a moment") == true)
    // The last change kept the declared date: silent; and it removed a protection.
    let silent = summary.events[4]
    #expect(silent.flags == [.silent])
    #expect(
      silent.dataUse?.contains { $0.category == "SALE_OF_DATA" && $0.polarity == .negated && $0.change == .removed }
        == true)
    // Replaying again adds nothing.
    let again = try Replayer(recorder: recorder).replay(directory: TestPaths.repository.path + "/Examples/acme-notes")
    #expect(again.events.isEmpty)
    #expect(again.skipped == 7)
    #expect(Fsck.check(recorder.store, repair: false).isClean)
  }

  @Test func noiseIsNotAChange() throws {
    let folder = TemporaryDirectory("hist")
    try HistoryBuilder(folder.path).write([
      ("2024-01-10T00-00-00Z", HistoryBuilder.page(baseClauses, nonce: 1)),
      // Another nonce, other link targets, another date format, extra whitespace and typographic quotes.
      ("2024-01-11T00-00-00Z", HistoryBuilder.page(baseClauses, date: "5 January 2024", nonce: 2)),
      (
        "2024-01-12T00-00-00Z",
        HistoryBuilder.page(baseClauses.map { $0.replacingOccurrences(of: " ", with: "  \n ") }, nonce: 3)
      ),
    ])
    let store = TemporaryDirectory("store")
    let summary = try Replayer(recorder: Recorder(store: try SnapshotStore(path: store.path, create: true))).replay(
      directory: folder.path)
    #expect(summary.events.map(\.kind) == [.first])
  }

  @Test func flapIsAReturnNotAChange() throws {
    let folder = TemporaryDirectory("hist")
    var variant = baseClauses
    variant[3] = "Clause 4: we keep account data for 90 days after you close your account."
    try HistoryBuilder(folder.path).write([
      ("2024-01-10T00-00-00Z", HistoryBuilder.page(baseClauses)),
      ("2024-01-11T00-00-00Z", HistoryBuilder.page(variant)),
      ("2024-01-12T00-00-00Z", HistoryBuilder.page(baseClauses)),
      ("2024-01-13T00-00-00Z", HistoryBuilder.page(variant)),
    ])
    let store = TemporaryDirectory("store")
    let summary = try Replayer(recorder: Recorder(store: try SnapshotStore(path: store.path, create: true))).replay(
      directory: folder.path)
    #expect(summary.events.map(\.kind) == [.first, .change, .flap, .flap])
    #expect(summary.events[1].flags == [.silent])
    #expect(summary.events[1].clauses == ClauseCounts(added: 0, removed: 0, modified: 1))
  }

  @Test func brokenPagesAreInaccessibleAndTheNextGoodOneIsComparedWithTheLastGood() throws {
    let folder = TemporaryDirectory("hist")
    var changed = baseClauses
    changed.append("We may sell your personal information to data brokers.")
    try HistoryBuilder(folder.path).write([
      ("2024-01-10T00-00-00Z", HistoryBuilder.page(baseClauses)),
      ("2024-01-11T00-00-00Z", HistoryBuilder.page(Array(baseClauses.prefix(2)))),  // lost most of its text
      ("2024-01-12T00-00-00Z", "<html><body><div>Service Unavailable</div></body></html>"),  // no <main>
      // French text under the template's lang="en": another language, told from the text.
      ("2024-01-13T00-00-00Z", HistoryBuilder.page((0..<10).map { LanguageFixtures.french[$0 % 4] }, lang: "en")),
      ("2024-01-14T00-00-00Z", HistoryBuilder.page(changed, date: "January 14, 2024")),
    ])
    let store = TemporaryDirectory("store")
    let recorder = Recorder(store: try SnapshotStore(path: store.path, create: true))
    let summary = try Replayer(recorder: recorder).replay(directory: folder.path)
    #expect(summary.events.map(\.kind) == [.first, .inaccessible, .recovered, .change])
    #expect(summary.events[1].reason?.contains("lost most of its text") == true)
    let change = summary.events[3]
    #expect(change.clauses == ClauseCounts(added: 1, removed: 0, modified: 1))
    #expect(change.dataUse?.contains { $0.category == "SALE_OF_DATA" && $0.polarity == .affirmative } == true)
    let timeline = recorder.store.timeline(SnapshotStore.DocumentRef(service: "Example Co", document: "Privacy Policy"))
    #expect(timeline.map(\.outcome) == [.recorded, .inaccessible, .inaccessible, .inaccessible, .recorded])
    // One cause: the page is an error page (that the selector matched nothing follows from it).
    #expect(timeline[2].reason == "looks like an error or bot page (\"service unavailable\")")
    #expect(timeline[3].reason?.contains("another language") == true)
  }

  @Test func aLangAttributeAloneDoesNotMakeAnotherLanguage() throws {
    // The site's template says lang="fr" on an English page: the text decides, and the change is a change.
    let folder = TemporaryDirectory("hist")
    var changed = baseClauses
    changed[2] = "Clause 3: we keep account data for ninety days after you close your account."
    try HistoryBuilder(folder.path).write([
      ("2024-01-10T00-00-00Z", HistoryBuilder.page(baseClauses)),
      ("2024-01-11T00-00-00Z", HistoryBuilder.page(changed, lang: "fr")),
    ])
    let store = TemporaryDirectory("store")
    let summary = try Replayer(recorder: Recorder(store: try SnapshotStore(path: store.path, create: true))).replay(
      directory: folder.path)
    #expect(summary.events.map(\.kind) == [.first, .change])
    #expect(summary.events[1].clauses == ClauseCounts(added: 0, removed: 0, modified: 1))
  }

  @Test func backdatedChangeIsFlagged() throws {
    let folder = TemporaryDirectory("hist")
    var changed = baseClauses
    changed[0] = "Clause 1: we keep account data for five years."
    try HistoryBuilder(folder.path).write([
      ("2024-03-01T00-00-00Z", HistoryBuilder.page(baseClauses, date: "January 5, 2024")),
      ("2024-03-20T00-00-00Z", HistoryBuilder.page(baseClauses, date: "January 5, 2024")),
      // Seen on 2024-04-02, claiming to date from 2024-03-15: before the 2024-03-20 fetch that showed the old text.
      ("2024-04-02T00-00-00Z", HistoryBuilder.page(changed, date: "March 15, 2024")),
    ])
    let store = TemporaryDirectory("store")
    let summary = try Replayer(recorder: Recorder(store: try SnapshotStore(path: store.path, create: true))).replay(
      directory: folder.path)
    let change = try #require(summary.events.last)
    #expect(change.kind == .change)
    #expect(change.flags == [.backdated])
    #expect(StoreJSON.format(try #require(change.lastSeenBefore)) == "2024-03-20T00:00:00Z")
    #expect(change.declaredDate == "2024-03-15")
  }

  @Test func technicalWhenTheRulesChange() throws {
    let store = TemporaryDirectory("store")
    let recorder = Recorder(store: try SnapshotStore(path: store.path, create: true))
    let bytes = Array(HistoryBuilder.page(baseClauses).utf8)
    func declaration(_ remove: [SelectorSpec]) -> DocumentDeclaration {
      DocumentDeclaration(
        service: "Example Co", documentType: "Terms",
        pages: [
          PageDeclaration(id: "terms", fetch: "https://example.com/terms", select: [.css("main")], remove: remove)
        ],
        isCombined: false)
    }
    let page = PageFetch(id: "terms", url: "https://example.com/terms", status: 200, bytes: bytes)
    let first = try recorder.record(
      Observation(time: Date(timeIntervalSince1970: 1_700_000_000), declaration: declaration([]), pages: [page]))
    #expect(first.events.map(\.kind) == [.first])
    // New rules drop the date line: the latest snapshot is re-extracted, the difference is technical.
    let second = try recorder.record(
      Observation(
        time: Date(timeIntervalSince1970: 1_700_086_400), declaration: declaration([.css("p:first-of-type")]),
        pages: [page]))
    #expect(second.events.map(\.kind) == [.technical])
    #expect(second.outcome == .unchanged)
  }

  @Test func hostileNamesStayInsideTheStore() throws {
    for name in [
      "../../etc", "..", ".", "a/b", "a\\b", "CON", "nul.txt", "x\u{0}y", "\u{1B}[31mred",
      String(repeating: "é", count: 300), "",
    ] {
      let component = StoreNames.component(name)
      #expect(!component.contains("/") && !component.contains("\\"))
      #expect(component != "." && component != ".." && !component.hasPrefix("."))
      #expect(!component.unicodeScalars.contains { $0.value < 0x20 })
      #expect(component.utf8.count <= 120)
    }
    #expect(StoreNames.component("a/b") != StoreNames.component("a%2Fb"))
    let store = TemporaryDirectory("store")
    let recorder = Recorder(store: try SnapshotStore(path: store.path, create: true))
    let declaration = DocumentDeclaration(
      service: "../../../tmp/evil", documentType: "../x",
      pages: [PageDeclaration(id: "p", fetch: "https://example.com/", select: [.css("main")])], isCombined: false)
    _ = try recorder.record(
      Observation(
        time: Date(), declaration: declaration,
        pages: [
          PageFetch(
            id: "p", url: "https://example.com/", status: 200, bytes: Array(HistoryBuilder.page(baseClauses).utf8))
        ]))
    let documents = recorder.store.documents()
    #expect(documents.map(\.service) == ["../../../tmp/evil"])
    let created = try FileManager.default.subpathsOfDirectory(atPath: store.path)
    #expect(created.allSatisfy { !$0.contains("..") || $0.contains("%2E") || $0.contains("%2F") })
    #expect(!FileManager.default.fileExists(atPath: "/tmp/evil"))
  }

  @Test func oneWriterAtATime() throws {
    let store = TemporaryDirectory("store")
    let lock = try StoreLock(store: store.path)
    #expect(throws: StoreLock.LockError.self) { _ = try StoreLock(store: store.path) }
    withExtendedLifetime(lock) {}
  }

  @Test func sha256TestVectors() {
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(
      SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test(
    "LinkedIn's history: AI training first seen 2024-09-19, declared September 18, and reported first",
    .enabled(
      if: FileManager.default.fileExists(atPath: TestPaths.corpus.appendingPathComponent("linkedin-privacy").path),
      "needs ../shared/corpus/linkedin-privacy")
  )
  func linkedInHistory() throws {
    let corpus = TestPaths.corpus.appendingPathComponent("linkedin-privacy").path
    let store = TemporaryDirectory("store")
    let summary = try Replayer(recorder: Recorder(store: try SnapshotStore(path: store.path, create: true))).replay(
      directory: corpus)
    let ai = summary.events.filter { ($0.dataUse ?? []).contains { $0.category == "AI_TRAINING" } }
    #expect(ai.count == 1)
    let event = try #require(ai.first)
    #expect(StoreJSON.format(event.firstSeen).hasPrefix("2024-09-19"))
    #expect(event.declaredDate == "2024-09-18")
    #expect(event.previousDeclaredDate == "2024-07-31")
    #expect(
      event.dataUse?.contains { $0.text.contains("develop and train artificial intelligence (AI) models") } == true)
    // The news comes first, and no finding contradicts another.
    #expect(event.dataUse?.first?.category == "AI_TRAINING")
    let labels = Set((event.dataUse ?? []).filter { $0.change != .removed }.map(\.label))
    #expect(!labels.contains { labels.contains("NOT_" + $0) }, "\(labels)")
  }
}
