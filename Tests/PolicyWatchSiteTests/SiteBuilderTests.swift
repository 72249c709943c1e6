import Foundation
import PolicyWatch
import PolicyWatchSite
import Testing

/// One classifier for every test (the built-in rules and model load once).
let siteClassifier = DataUseClassifier()

func buildSite(
  _ store: SnapshotStore, into output: String, configure: (inout SiteOptions) -> Void = { _ in }
) throws -> SiteBuilder.Summary {
  var options = SiteOptions(output: output, classifier: siteClassifier)
  options.now = ISO8601DateFormatter().date(from: "2024-06-15T00:00:00Z")!
  configure(&options)
  return try SiteBuilder(store: store, options: options).build()
}

@Suite("Static site")
struct SiteBuilderTests {
  static let changePage = "events/Example-Co/Privacy-Policy/change-2024-03-02T09-00-00Z.html"
  static let silentPage = "events/Example-Co/Privacy-Policy/change-2024-05-06T09-00-00Z.html"
  static let documentPage = "documents/Example-Co/Privacy-Policy.html"

  @Test func everyPageOfTheWatch() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    let summary = try buildSite(store, into: output)
    let files = SiteFixtures.files(output)
    #expect(summary.documents == 2)
    for expected in [
      "index.html", "by-name.html", Self.documentPage, Self.changePage, Self.silentPage,
      "categories/AI_TRAINING.html", "feeds/site.atom", "feeds/documents/Example-Co/Privacy-Policy.atom",
      "feeds/categories/AI_TRAINING.atom",
    ] {
      #expect(files.contains(expected), "missing \(expected) in \(files)")
    }
    // The index: both documents, their URLs, last change, categories gained in the last 12 months, state.
    let index = SiteFixtures.read("\(output)/index.html")
    #expect(index.contains("https://example.com/privacy"))
    #expect(index.contains("href=\"\(Self.silentPage)\""))
    #expect(index.contains(">AI_TRAINING</a>"))
    #expect(index.contains(">removed NOT_SALE_OF_DATA</a>"))
    #expect(index.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt; Co"))
    // Newest change first in index.html, names in by-name.html.
    let hostileRow = try #require(index.range(of: "onerror=alert(1)&gt; Co / Privacy Policy</a>"))
    let exampleRow = try #require(index.range(of: "Example Co / Privacy Policy</a>"))
    #expect(hostileRow.lowerBound < exampleRow.lowerBound)
    // The document page: a timeline with a title and a text alternative, then the events newest first.
    let document = SiteFixtures.read("\(output)/\(Self.documentPage)")
    #expect(document.contains("<svg"))
    #expect(document.contains("<title id=\"timeline-title\">Timeline of Example Co/Privacy Policy</title>"))
    #expect(document.contains("<desc id=\"timeline-desc\">6 fetches"))
    #expect(document.contains("1 inaccessible streaks"))
    let newest = try #require(document.range(of: "2024-05-06 09:00 UTC</time></td>"))
    let oldest = try #require(document.range(of: "2024-01-10 09:00 UTC</time></td>"))
    #expect(newest.lowerBound < oldest.lowerBound)
    #expect(document.contains("looks like an error or bot page"))
    // The change page: dates in the document's words, flags, neighbours, address, snapshot, the diff.
    let change = SiteFixtures.read("\(output)/\(Self.changePage)")
    #expect(change.contains("“Last updated: March 1, 2024” (2024-03-01)"))
    #expect(change.contains("“Last updated: January 5, 2024” (2024-01-05)"))
    #expect(change.contains("rel=\"next\" href=\"change-2024-05-06T09-00-00Z.html\""))
    #expect(change.contains("no earlier change"))
    #expect(change.contains("<ins>"))
    #expect(change.contains("<mark>train our artificial intelligence</mark>") || change.contains("<mark>"))
    #expect(change.contains("sha256 <code>"))
    let silent = SiteFixtures.read("\(output)/\(Self.silentPage)")
    #expect(silent.contains("<span class=\"flag\">silent</span>"))
    #expect(silent.contains("rel=\"prev\" href=\"change-2024-03-02T09-00-00Z.html\""))
    // The category page lists the change with the words that triggered it.
    let category = SiteFixtures.read("\(output)/categories/AI_TRAINING.html")
    #expect(category.contains("href=\"../\(Self.changePage)\""))
    #expect(category.contains("<mark>"))
  }

  @Test func policyTextNeverBecomesMarkup() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    _ = try buildSite(store, into: output) { $0.title = "Watch <script>alert(3)</script>" }
    var sawEscapedScript = false
    for file in SiteFixtures.files(output) where file.hasSuffix(".html") || file.hasSuffix(".atom") {
      let text = SiteFixtures.read("\(output)/\(file)")
      #expect(!text.lowercased().contains("<script"), "\(file) has a script element")
      #expect(!text.lowercased().contains("<img"), "\(file) has an img element")
      #expect(!text.contains("onerror=alert(1)>"), "\(file) has the hostile name unescaped")
      if text.contains("&lt;script&gt;alert(&quot;pw&quot;)") { sawEscapedScript = true }
    }
    // The clause is on the pages as text.
    #expect(sawEscapedScript)
    let change = SiteFixtures.read("\(output)/\(Self.changePage)")
    #expect(change.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt; as plain text"))
    #expect(change.contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""))
  }

  @Test func everyLinkResolvesAndNothingIsLoaded() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    _ = try buildSite(store, into: output) { $0.includeSnapshots = true }
    #expect(SiteLinkChecker.check(root: output) == [])
    // Every link between pages is relative (the folder works from file:// and any path of a server).
    for file in SiteFixtures.files(output) where file.hasSuffix(".html") {
      let text = SiteFixtures.read("\(output)/\(file)")
      #expect(!text.contains("href=\"/"), "\(file) has a root-relative link")
      #expect(!text.contains("href=\"file:"), "\(file) has a file: link")
    }
  }

  @Test func theLinkCheckerFindsBrokenLinksAndResources() throws {
    let directory = SiteTemporaryDirectory("checker")
    try FileManager.default.createDirectory(atPath: "\(directory.path)/a", withIntermediateDirectories: true)
    try "<p id=\"here\">x</p>".write(toFile: "\(directory.path)/b.html", atomically: true, encoding: .utf8)
    let page = """
      <a href="../b.html">ok</a> <a href="../b.html#here">ok</a> <a href="../b.html#gone">no id</a>
      <a href="missing.html">missing</a> <a href="../../up.html">up</a> <img src="x.png" alt="">
      <link rel="stylesheet" href="../b.html"> <a href="javascript:alert(1)">js</a> <a href="https://x.example/">ok</a>
      """
    try page.write(toFile: "\(directory.path)/a/p.html", atomically: true, encoding: .utf8)
    let problems = SiteLinkChecker.check(root: directory.path).map { "\($0.link) \($0.reason)" }
    #expect(problems.count == 6, "\(problems)")
    #expect(problems.contains { $0.hasPrefix("../b.html#gone no element") })
    #expect(problems.contains { $0.hasPrefix("missing.html no such file") })
    #expect(problems.contains { $0.hasPrefix("../../up.html leaves the site") })
    #expect(problems.contains { $0.hasPrefix("x.png loads a resource") })
    #expect(problems.contains { $0.contains("stylesheet") })
    #expect(problems.contains { $0.hasPrefix("javascript:alert(1) neither relative") })
  }

  @Test func rawSnapshotsOnlyWhenAsked() throws {
    let (directory, store) = try SiteFixtures.store()
    let without = "\(directory.path)/site-a"
    _ = try buildSite(store, into: without)
    #expect(!SiteFixtures.files(without).contains { $0.hasPrefix("snapshots/") })
    let with = "\(directory.path)/site-b"
    _ = try buildSite(store, into: with) { $0.includeSnapshots = true }
    let copies = SiteFixtures.files(with).filter { $0.hasPrefix("snapshots/") }
    #expect(!copies.isEmpty)
    #expect(copies.allSatisfy { $0.hasSuffix(".txt") })
    // The copy is the raw page of the change as fetched, and the change page links to it.
    let change = SiteFixtures.read("\(with)/\(Self.changePage)")
    let copy = try #require(copies.first { change.contains("href=\"../../../\($0)\"") })
    #expect(SiteFixtures.read("\(with)/\(copy)") == SiteFixtures.examplePages[2].1)
  }

  @Test func pagesAreNamedFromEventIDs() {
    #expect(SitePaths.segment("Acme Notes") == "Acme-Notes")
    #expect(SitePaths.segment("Claude.ai") == "Claude.ai")
    #expect(SitePaths.segment("AI_TRAINING") == "AI_TRAINING")
    // One-to-one: names that a lossy slug would merge get different segments.
    let names = ["a b", "a-b", "a~2Db", "A b", "a/b", "..", ".x", "é", ""]
    #expect(Set(names.map(SitePaths.segment)).count == names.count)
    for segment in names.map(SitePaths.segment) {
      #expect(segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.~".contains($0)) })
      #expect(!segment.hasPrefix("."))
    }
    #expect(SitePaths.relative(from: "events/a/b/c.html", to: "index.html") == "../../../index.html")
    #expect(SitePaths.relative(from: "events/a/b/c.html", to: "events/a/b/d.html") == "d.html")
    #expect(SitePaths.relative(from: "index.html", to: "categories/X.html") == "categories/X.html")
  }

  @Test func rebuildRewritesOnlyWhatChanged() throws {
    let directory = SiteTemporaryDirectory("incremental")
    // The history up to the recovery: the silent change comes later.
    try SiteFixtures.replay(into: directory.path, examples: 5)
    let store = try SnapshotStore(path: "\(directory.path)/store", create: false)
    let output = "\(directory.path)/site"
    let first = try buildSite(store, into: output)
    #expect(first.unchanged == 0)
    let again = try buildSite(store, into: output)
    #expect(again.written == [])
    #expect(again.removed == [])
    let hostileChange = try #require(
      SiteFixtures.files(output).first { $0.hasPrefix("events/") && !$0.contains("Example-Co") })
    let before = try FileManager.default.attributesOfItem(atPath: "\(output)/\(hostileChange)")
    // One new change.
    try SiteFixtures.replay(into: directory.path)
    let rebuilt = try buildSite(store, into: output)
    #expect(rebuilt.written.contains(Self.silentPage))
    // The change before it gains its "next" link; the document's pages and feeds follow.
    #expect(rebuilt.written.contains(Self.changePage))
    #expect(rebuilt.written.contains(Self.documentPage))
    #expect(rebuilt.written.contains("index.html"))
    #expect(rebuilt.written.contains("feeds/documents/Example-Co/Privacy-Policy.atom"))
    // The other document's pages are left alone (same file, not rewritten).
    #expect(!rebuilt.written.contains { $0.contains(SitePaths.segment(SiteFixtures.hostileService)) })
    let after = try FileManager.default.attributesOfItem(atPath: "\(output)/\(hostileChange)")
    #expect(before[.systemFileNumber] as? Int == after[.systemFileNumber] as? Int)
    #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
    // No temp file is left behind.
    #expect(!SiteFixtures.files(output).contains { $0.contains(".tmp-") })
  }

  @Test func onlyRemovesWhatItNoLongerWrites() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    _ = try buildSite(store, into: output)
    try "mine".write(toFile: "\(output)/notes.txt", atomically: true, encoding: .utf8)
    let summary = try buildSite(store, into: output) { $0.only = ["Example Co"] }
    #expect(summary.documents == 1)
    #expect(summary.removed.contains { $0.contains(SitePaths.segment(SiteFixtures.hostileService)) })
    let files = SiteFixtures.files(output)
    #expect(!files.contains { $0.contains(SitePaths.segment(SiteFixtures.hostileService)) })
    #expect(files.contains("notes.txt"))
    #expect(SiteLinkChecker.check(root: output) == [])
  }

  @Test func refusesAFolderThatIsNotASite() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/elsewhere"
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    try "keep".write(toFile: "\(output)/index.html", atomically: true, encoding: .utf8)
    #expect(throws: SiteError.notASite(output)) { try buildSite(store, into: output) }
    #expect(SiteFixtures.read("\(output)/index.html") == "keep")
    #expect(SiteFixtures.files(output) == ["index.html"])
  }

  @Test func unknownDocumentIsAnErrorNamingTheStoresDocuments() throws {
    let (directory, store) = try SiteFixtures.store()
    do {
      _ = try buildSite(store, into: "\(directory.path)/site") { $0.only = ["Exampel Co"] }
      Issue.record("expected an error")
    } catch let error as SiteError {
      #expect(error.description.contains("--only Exampel Co: no document matches"))
      #expect(error.description.contains("Example Co/Privacy Policy"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
    #expect(!FileManager.default.fileExists(atPath: "\(directory.path)/site"))
    #expect(throws: SiteError.badBaseURL("ftp://x")) {
      try buildSite(store, into: "\(directory.path)/site") { $0.baseURL = "ftp://x" }
    }
  }

  @Test func feedsAndCanonicalLinksUseTheBaseURL() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    _ = try buildSite(store, into: output) { $0.baseURL = "https://example.org/watch" }
    let feed = SiteFixtures.read("\(output)/feeds/documents/Example-Co/Privacy-Policy.atom")
    #expect(feed.contains("<id>https://example.org/watch/feeds/documents/Example-Co/Privacy-Policy.atom</id>"))
    #expect(feed.contains("urn:policywatch:event:Example%20Co/Privacy%20Policy/change/2024-03-02T09:00:00Z"))
    let category = SiteFixtures.read("\(output)/feeds/categories/AI_TRAINING.atom")
    #expect(category.contains("<category term=\"AI_TRAINING\""))
    #expect(!category.contains("2024-05-06T09:00:00Z</published>"))
    let document = SiteFixtures.read("\(output)/\(Self.documentPage)")
    #expect(document.contains("<link rel=\"canonical\" href=\"https://example.org/watch/\(Self.documentPage)\">"))
    #expect(document.contains("type=\"application/atom+xml\""))
    #expect(document.contains("href=\"../../feeds/documents/Example-Co/Privacy-Policy.atom\""))
  }
}

@Suite("Static site feeds")
struct SiteFeedTests {
  /// The site's feed is the one `policywatch feed` writes (its entries' diffs come from the site's cache).
  @Test func theSiteFeedIsTheFeedCommandsFeed() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    for _ in 0..<2 {
      // The second build takes every diff from the cache.
      try? FileManager.default.removeItem(atPath: "\(output)/feeds/site.atom")
      _ = try buildSite(store, into: output) { $0.baseURL = "https://example.org/w/" }
      var atom = AtomFeed(title: "PolicyWatch: every change", baseURL: "https://example.org/w/feeds/site.atom")
      atom.classifier = siteClassifier
      #expect(SiteFixtures.read("\(output)/feeds/site.atom") == atom.render(store: store, events: store.allEvents()))
    }
  }
}
