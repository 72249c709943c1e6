import Foundation
import Testing

@testable import PolicyWatch

/// Kinds of page that change detection must hold on, whatever the document: each test replays a history of pages
/// written for it.
@Suite("Change detection on kinds of page")
struct PageKindsTests {
  static func replay(_ pages: [(String, String)], declaration: String? = nil) throws -> (
    Replayer.Summary, SnapshotStore
  ) {
    let folder = TemporaryDirectory("hist")
    var builder = HistoryBuilder(folder.path)
    builder.declarationJSON = declaration
    try builder.write(pages)
    let store = TemporaryDirectory("store")
    let snapshots = try SnapshotStore(path: store.path, create: true)
    let summary = try Replayer(recorder: Recorder(store: snapshots)).replay(directory: folder.path)
    return (summary, withExtendedLifetime(store) { snapshots })
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
}
