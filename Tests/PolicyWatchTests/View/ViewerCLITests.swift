import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchStore
@testable import PolicyWatchView

/// `diff`, `show`, `log` and `feed` end to end: the built `policywatch` run on a store replayed from
/// `ViewFixtures`, its output compared as a person would read it.
@Suite("Viewer CLI")
final class ViewerCLITests {
  let store: TemporaryDirectory
  let oldID: String
  let newID: String

  init() throws {
    store = try ViewFixtures.store()
    let log = try CLI.run(["log", "--store", store.path, "--format", "json"])
    let events = log.output.split(separator: "\n").map {
      try? StoreJSON.decoder.decode(StoreEvent.self, from: Data($0.utf8))
    }
    let change = try #require(events.last??.kind == .change ? events.last! : nil)
    oldID = try #require(change.previousVersion)
    newID = try #require(change.version)
  }

  func diff(_ extra: [String], environment: [String: String] = [:]) throws -> CLI.Result {
    try CLI.run(["diff", "Example Co/Privacy Policy", "--store", store.path] + extra, environment: environment)
  }

  var expectedText: String {
    """
    Example Co/Privacy Policy
    url  https://example.com/privacy
    from \(oldID.prefix(12))  first seen 2024-01-10 09:00Z  declared updated 2024-01-05
    to   \(newID.prefix(12))  first seen 2024-03-02 09:00Z  declared updated 2024-03-01
          change, previous text last seen 2024-02-01 09:00Z
    clauses +1 -1 ~2 moved 1 unchanged 8
    new data-use language:
      AI_TRAINING  added [2. How we use data] “train our artificial intelligence”
      NOT_SALE_OF_DATA  removed protection [2. How we use data] “sell your personal data”

    @@ (top) @@
      # Privacy Policy

    @@ Privacy Policy @@
    ~ Last updated: [-January 5-]{+March 1+}, 2024
      ## 1. Data we collect
      ⋯ 2 unchanged clauses ⋯
      ## 2. How we use data

    @@ Privacy Policy › 2. How we use data @@
    ~ We use your data to provide {+and improve+} the service.
    - We do not sell your personal data ⟨NOT_SALE_OF_DATA⟩.
    + We may use your messages to train our artificial intelligence ⟨AI_TRAINING⟩ models.

    @@ Privacy Policy @@
      ## 3. Your rights
      ⋯ 1 unchanged clause ⋯

    @@ Privacy Policy › 3. Your rights @@
      You can ask for a copy of your data.
    > Contact us at privacy@example.com with questions & requests.
      (moved from Privacy Policy › 2. How we use data)

    """
  }

  @Test func diffTextWithoutColourShowsTheLatestChange() throws {
    // Not a terminal: no colour, markers instead; the default REFs are the latest change.
    let result = try diff([])
    #expect(result.status == 1)
    #expect(result.output == expectedText)
    // The same with explicit REFs: dates, a version prefix, previous/latest.
    #expect(try diff(["--from", "2024-02-01", "--to", "2024-03-02"]).output == expectedText)
    #expect(try diff(["--from", String(oldID.prefix(8)), "--to", "latest"]).output == expectedText)
    #expect(try diff(["--from", "previous", "--color", "never"]).output == expectedText)
    #expect(try diff(["--color", "auto"], environment: ["NO_COLOR": "1"]).output == expectedText)
  }

  @Test func diffWithColourHighlightsWordsAndDataUse() throws {
    let result = try diff(["--color", "always"], environment: ["NO_COLOR": ""])
    #expect(result.status == 1)
    let lines = result.output.components(separatedBy: "\n")
    let esc = "\u{1B}["
    #expect(lines.contains("~ Last updated: \(esc)1;31;9mJanuary 5\(esc)0m\(esc)1;32mMarch 1\(esc)0m, 2024"))
    #expect(lines.contains("~ We use your data to provide\(esc)1;32m and improve\(esc)0m the service."))
    #expect(
      lines.contains(
        "\(esc)32m+\(esc)0m \(esc)32mWe may use your messages to \(esc)0m\(esc)32;4mtrain our artificial intelligence"
          + "\(esc)0m\(esc)1;35m ⟨AI_TRAINING⟩\(esc)0m\(esc)32m models.\(esc)0m"))
    #expect(!result.output.contains("{+"))
    // Stripped of its escape sequences, the coloured view says the same words (without the markers).
    let plain = result.output.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    #expect(plain.contains("~ Last updated: January 5March 1, 2024"))
    // --color always wins over NO_COLOR.
    #expect(try diff(["--color", "always"], environment: ["NO_COLOR": "1"]).output.contains(esc))
  }

  @Test func diffOptionsContextDataUseAndSideBySide() throws {
    let dataUse = try diff(["--data-use"]).output
    #expect(
      dataUse.hasSuffix(
        """
        @@ Privacy Policy › 2. How we use data @@
        - We do not sell your personal data ⟨NOT_SALE_OF_DATA⟩.
        + We may use your messages to train our artificial intelligence ⟨AI_TRAINING⟩ models.

        """))
    let noContext = try diff(["--context", "0"]).output
    #expect(!noContext.contains("You can ask for a copy of your data."))
    #expect(noContext.contains("  ⋯ 4 unchanged clauses ⋯"))
    let sideBySide = try diff(["--side-by-side", "--context", "0"], environment: ["COLUMNS": "100"]).output
    #expect(
      sideBySide.contains(
        "We use your data to provide the service.         ~ We use your data to provide {+and improve+} the\n"))
    for line in sideBySide.split(separator: "\n") { #expect(line.count <= 160) }
  }

  @Test func diffMarkdown() throws {
    let markdown = try diff(["--format", "markdown"]).output
    #expect(
      markdown.hasPrefix(
        "## Example Co/Privacy Policy\n\nDocument: <https://example.com/privacy>  \n\n| | from | to |\n| --- | --- | --- |\n"
      ))
    #expect(markdown.contains("| declared | updated 2024-01-05 | updated 2024-03-01 |\n"))
    #expect(markdown.contains("- **Modified:** Last updated: ~~January 5~~**March 1**, 2024\n"))
    #expect(markdown.contains("- **Removed:** ~~We do not sell your personal data~~ *`⟨NOT_SALE_OF_DATA⟩`*~~.~~\n"))
    #expect(
      markdown.contains("- **AI_TRAINING** (added) in *2. How we use data*: “train our artificial intelligence”"))
    // "&" is escaped for Markdown; no escape sequences.
    #expect(markdown.contains("with questions \\& requests. *(moved from Privacy Policy › 2. How we use data)*"))
    #expect(!markdown.contains("\u{1B}"))
  }

  @Test func diffJSONFollowsTheSchema() throws {
    let result = try diff(["--format", "json"])
    #expect(result.status == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    #expect(object["schema"] as? String == "policywatch-diff/1")
    #expect(
      Set(object.keys) == [
        "schema", "service", "document", "url", "from", "to", "event", "flags", "identical", "counts",
        "dataUse", "changes",
      ])
    let report = try StoreJSON.decoder.decode(DiffReport.self, from: Data(result.output.utf8))
    #expect(report.from.version == oldID)
    #expect(report.to.version == newID)
    #expect(report.to.declaredDate == "2024-03-01")
    #expect(report.from.declaredDate == "2024-01-05")
    #expect(report.changes.map(\.kind) == [.modified, .modified, .removed, .added, .moved])
    let added = try #require(report.changes.first { $0.kind == .added })
    #expect(added.new == "We may use your messages to train our artificial intelligence models.")
    #expect(added.dataUse.map(\.label) == ["AI_TRAINING"])
    #expect(added.dataUse.first?.new == true)
    let modified = report.changes[1]
    #expect(modified.words?.filter { $0.kind == .inserted }.map(\.text) == [" and improve"])
    let moved = try #require(report.changes.last)
    #expect(moved.oldSection == ["Privacy Policy", "2. How we use data"])
  }

  @Test func diffHTMLIsAStandalonePage() throws {
    let html = try diff(["--format", "html"]).output
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(!html.lowercased().contains("<script"))
    #expect(!html.contains("src="))
    // The one link is the document's own address; nothing is loaded from anywhere.
    #expect(html.components(separatedBy: "href=").count == 2)
    #expect(html.contains("<a href=\"https://example.com/privacy\">"))
    #expect(!html.contains("http://") && !html.contains("url("))
    #expect(html.contains("<ins> and improve</ins>"))
    #expect(html.contains("<del>January 5</del><ins>March 1</ins>"))
    #expect(
      html.contains("<mark><ins>train our artificial intelligence</ins></mark>")
        || html.contains(
          "<mark>train our artificial intelligence</mark> <span class=\"tag\">AI_TRAINING</span>")
    )
    #expect(html.contains("questions &amp; requests"))
  }

  @Test func exitStatusAndMessagesLikeDiff() throws {
    let same = try diff(["--from", "2024-02-01", "--to", "2024-01-10"])
    #expect(same.status == 0)
    #expect(same.output.hasSuffix("no differences: both REFs name the same text\n"))
    let early = try diff(["--to", "2023-01-01"])
    #expect(early.status == 2)
    #expect(early.error.contains("no version was seen at or before 2023-01-01T23:59:59Z for Example Co/Privacy Policy"))
    #expect(early.error.contains("2024-01-10 09:00Z  \(oldID.prefix(12))  first  declared 2024-01-05"))
    #expect(early.error.contains("2024-03-02 09:00Z  \(newID.prefix(12))  change  declared 2024-03-01"))
    let garbage = try diff(["--from", "yesterday"])
    #expect(garbage.status == 2)
    #expect(garbage.error.contains("not a date, a version id, previous or latest"))
    let unknown = try CLI.run(["diff", "Example Co/Terms", "--store", store.path])
    #expect(unknown.status == 2)
    #expect(unknown.error.contains("the store has: Example Co/Privacy Policy"))
  }

  @Test func showAVersion() throws {
    let text = try CLI.run(["show", "Example Co/Privacy Policy", "--store", store.path, "--at", "2024-02-01"])
    #expect(text.status == 0)
    #expect(
      text.output.hasPrefix(
        """
        Example Co/Privacy Policy
        version \(oldID.prefix(12))  first seen 2024-01-10 09:00Z  (first)
        declared updated 2024-01-05
          “Last updated: January 5, 2024”

        # Privacy Policy

        Last updated: January 5, 2024

        ## 1. Data we collect

        We collect your name and email address when you sign up.

        """))
    #expect(text.output.contains("We do not sell your personal data."))
    let markdown = try CLI.run(["show", "Example Co/Privacy Policy", "--store", store.path, "--format", "markdown"])
    #expect(markdown.output.contains("## 2. How we use data\n\nWe use your data to provide and improve the service."))
    let json = try CLI.run(["show", "Example Co/Privacy Policy", "--store", store.path, "--format", "json"])
    let record = try StoreJSON.decoder.decode(VersionRecord.self, from: Data(json.output.utf8))
    #expect(record.id == newID)
    let bad = try CLI.run(["show", "Example Co/Privacy Policy", "--store", store.path, "--at", "zzzz"])
    #expect(bad.status == 2)
  }

  @Test func logForPeople() throws {
    let text = try CLI.run(["log", "--store", store.path])
    #expect(
      text.output == """
        2024-03-02 09:00Z  Example Co/Privacy Policy  change  +1 -1 ~2  declared 2024-03-01  \
        data-use: AI_TRAINING,removed NOT_SALE_OF_DATA
        2024-01-10 09:00Z  Example Co/Privacy Policy  first  declared 2024-01-05

        """)
    let colour = try CLI.run(["log", "--store", store.path, "--color", "always", "--limit", "1"])
    #expect(colour.output.contains("data-use: \u{1B}[1;35mAI_TRAINING\u{1B}[0m,\u{1B}[31mremoved NOT_SALE_OF_DATA"))
    #expect(colour.output.split(separator: "\n").count == 1)
    let markdown = try CLI.run(["log", "Example Co", "--store", store.path, "--format", "markdown"])
    #expect(
      markdown.output.contains(
        "| 2024-03-02 09:00 | Example Co/Privacy Policy | change | +1 −1 ~2 | 2024-03-01 |  | "
          + "`AI_TRAINING`, `removed NOT_SALE_OF_DATA` |\n"))
    #expect(markdown.output.contains("- **AI_TRAINING** (added) in *2. How we use data*"))
    let since = try CLI.run(["log", "--store", store.path, "--since", "2024-02-01", "--format", "markdown"])
    #expect(!since.output.contains("| first |"))
  }

  @Test(.enabled(if: Prerequisites.tools("/usr/bin/jing"), "needs jing (.ci/run installs it)"))
  func atomFeedIsValidPerRFC4287() throws {
    let file = store.path + "/feed.atom"
    let result = try CLI.run(["feed", "--store", store.path, "--output", file, "--title", "Policies <& more>"])
    #expect(result.status == 0)
    let feed = try String(contentsOfFile: file, encoding: .utf8)
    #expect(feed.contains("<title>Policies &lt;&amp; more&gt;</title>"))
    #expect(feed.contains("<id>urn:policywatch:event:Example%20Co/Privacy%20Policy/change/2024-03-02T09:00:00Z</id>"))
    #expect(feed.contains("<category term=\"AI_TRAINING\" scheme=\"urn:policywatch:data-use\" label=\"AI_TRAINING\"/>"))
    #expect(
      feed.contains(
        "<category term=\"NOT_SALE_OF_DATA\" scheme=\"urn:policywatch:data-use\" label=\"removed NOT_SALE_OF_DATA\"/>"))
    // The HTML diff is escaped once more as XML: the document's "&" is "&amp;amp;" in the feed.
    #expect(feed.contains("questions &amp;amp; requests"))
    #expect(
      feed.contains(
        "&lt;ins style=&quot;background:#aceebb;text-decoration:underline&quot;&gt; and improve&lt;/ins&gt;"))
    // Entry ids do not depend on the title or the base URL.
    let other = try CLI.run(["feed", "--store", store.path, "--base-url", "https://example.org/policies.atom"])
    #expect(
      other.output.contains("<id>urn:policywatch:event:Example%20Co/Privacy%20Policy/change/2024-03-02T09:00:00Z</id>"))
    #expect(
      other.output.contains(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/policies.atom\"/>"))

    let validation = try Jing.validate(file)
    #expect(validation.status == 0, "\(validation.output)")
    // The validator really checks: a feed without its id is rejected.
    let broken = store.path + "/broken.atom"
    try feed.replacingOccurrences(of: "<id>urn:policywatch:feed:", with: "<idx>").write(
      toFile: broken, atomically: true, encoding: .utf8)
    #expect(try Jing.validate(broken).status != 0)
  }
}

/// Runs `jing` (Debian package `jing`, installed by .ci/run) with the RELAX NG schema of RFC 4287, Appendix B.
enum Jing {
  static func validate(_ file: String) throws -> (status: Int32, output: String) {
    let schema = TestPaths.repository.appendingPathComponent("Tests/Schemas/atom.rnc").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/jing")
    process.arguments = ["-c", schema, file]
    let ran = try ChildProcess.run(process)
    return (ran.status, String(decoding: ran.standardOutput, as: UTF8.self))
  }
}
