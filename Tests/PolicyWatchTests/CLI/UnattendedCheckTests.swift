import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchAlerts
@testable import PolicyWatchStore
@testable import PolicyWatchSupport
@testable import PolicyWatchView

/// What `check` says when nobody watches: cron mails its output, so it must say every failure (in JSON too), a
/// local store failure as such, a long inaccessible streak once a day, a failed alert once a day until it is
/// delivered or dropped, and what a killed run recorded.
@Suite("Unattended check", .serialized)
final class UnattendedCheckTests {
  let pages = TemporaryDirectory("unattended-pages")
  let declarations = TemporaryDirectory("unattended-declarations")
  let store = TemporaryDirectory("unattended-store")
  let scratch = TemporaryDirectory("unattended")
  let server: TestServer
  let wall = "<html><head><title>Just a moment...</title></head><body><main>Checking your browser</main></body></html>"

  init() throws {
    server = try TestServer(script: "http_server.py", arguments: ["--root", pages.path])
  }

  deinit { server.stop() }

  func declare(_ service: String, path: String) throws {
    try
      "{\"name\": \"\(service)\", \"terms\": {\"Privacy Policy\": {\"fetch\": \"\(server.url(path))\", \"select\": \"main\"}}}"
      .write(toFile: "\(declarations.path)/\(service).json", atomically: true, encoding: .utf8)
  }

  func page(_ name: String, _ html: String) throws {
    try html.write(toFile: "\(pages.path)/\(name)", atomically: true, encoding: .utf8)
  }

  func check(_ extra: [String] = [], quiet: Bool = true) throws -> CLI.Result {
    try CLI.run(
      ["check", "--declarations", declarations.path, "--store", store.path, "--attempts", "1", "--timeout", "5"]
        + (quiet ? ["--quiet"] : []) + extra, environment: ["POLICYWATCH_CONFIG": ""])
  }

  /// Moves every timestamp of a document's timeline `hours` back (as if its fetches were made that much earlier);
  /// its state cache is dropped and rebuilt from the timeline.
  func shiftHistory(_ service: String, hours: Double) throws {
    let directory = "\(store.path)/documents/\(service)/Privacy Policy"
    let text = try String(contentsOfFile: directory + "/timeline.jsonl", encoding: .utf8)
    var shifted = ""
    var rest = text[...]
    while let match = rest.firstMatch(of: /"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"/) {
      shifted += rest[..<match.range.lowerBound]
      let date = try #require(EventFormatting.parseDate(String(match.output.1)))
      shifted += "\"" + EventFormatting.timestamp(date.addingTimeInterval(-hours * 3600)) + "\""
      rest = rest[match.range.upperBound...]
    }
    shifted += rest
    try shifted.write(toFile: directory + "/timeline.jsonl", atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: directory + "/state.json")
  }

  @Test("a full disk is a local error of its own kind: exit 2, its own message, never 'still inaccessible'")
  func storeWriteFailure() throws {
    try page("a.html", HistoryBuilder.page(baseClauses))
    try declare("Alpha", path: "/dir/a.html")
    _ = try SnapshotStore(path: store.path, create: true)
    // No file may grow: every write to the store fails with EFBIG, as on a full disk.
    func limited(_ format: String) throws -> CLI.Result {
      let command = [
        TestPaths.executable.path, "check", "--declarations", declarations.path, "--store", store.path,
        "--attempts", "1", "--format", format,
      ].map { "'" + $0 + "'" }.joined(separator: " ")
      return try CLI.run(
        [], environment: ["POLICYWATCH_CONFIG": ""], shell: "trap '' XFSZ; ulimit -f 0; exec \(command)")
    }
    let text = try limited("text")
    #expect(text.status == 2, "\(text.output)\(text.error)")
    #expect(!text.output.contains("still inaccessible"), "\(text.output)")
    #expect(
      text.error.contains(
        "policywatch: error: Alpha/Privacy Policy: this fetch could not be recorded: the store "
          + "could not be written"), "\(text.error)")
    #expect(text.error.contains("not of the site"))
    let json = try limited("json")
    #expect(json.status == 2)
    let line = try #require(json.output.split(separator: "\n").first)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    #expect(object["kind"] as? String == "store-error")
    #expect((object["reason"] as? String)?.contains("the store could not be written") == true)
    // Nothing was recorded: once the disk has room, the document is checked as new.
    #expect(try check(quiet: false).output.contains("Alpha/Privacy Policy  first"))
  }

  @Test("--format json prints a line with the reason for a document that is still inaccessible")
  func jsonForStillInaccessible() throws {
    try page("wall.html", wall)
    try declare("Walled", path: "/dir/wall.html")
    let first = try check(["--format", "json"], quiet: false)
    #expect(first.status == 2)
    #expect(first.output.contains("\"kind\":\"inaccessible\""))
    let second = try check(["--format", "json"], quiet: false)
    #expect(second.status == 2)
    let line = try #require(second.output.split(separator: "\n").first, "\(second.output)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    #expect(object["kind"] as? String == "still-inaccessible")
    #expect(object["service"] as? String == "Walled")
    #expect((object["reason"] as? String)?.contains("just a moment") == true, "\(line)")
    #expect(object["since"] as? String != nil)
  }

  @Test("with --quiet an inaccessible streak is said when it starts, once a day, and when it ends")
  func quietStreak() throws {
    try page("p.html", HistoryBuilder.page(baseClauses))
    try declare("Flaky", path: "/dir/p.html")
    #expect(try check().status == 1)
    try page("p.html", wall)
    let start = try check()
    #expect(start.status == 2)
    #expect(start.output.contains("Flaky/Privacy Policy  inaccessible"))
    // Six hours later, the wall is still there: nothing to say yet (the status still says it).
    let again = try check()
    #expect(again.status == 2)
    #expect(again.output.isEmpty, "\(again.output)")
    // A day after the streak began: said once.
    try shiftHistory("Flaky", hours: 25)
    let daily = try check()
    #expect(daily.output.contains("Flaky/Privacy Policy  still inaccessible since "), "\(daily.output)")
    #expect(daily.output.contains("(1 day): looks like an error or bot page"))
    #expect(try check().output.isEmpty)
    // Without --quiet it is said every run.
    #expect(try check(quiet: false).output.contains("still inaccessible"))
    try page("p.html", HistoryBuilder.page(baseClauses, nonce: 3))
    let end = try check()
    #expect(end.output.contains("Flaky/Privacy Policy  recovered"), "\(end.output)")
  }

  @Test("a refused alert is reminded in quiet runs at most once a day until it is dropped")
  func failedAlertReminders() throws {
    let smtp = try PythonPeer(
      script: "smtp_server.py", module: "aiosmtpd", arguments: ["--reject", "team@example.org"])
    let config = scratch.path + "/config.json"
    try """
    {"alerts": {"channels": [{"name": "mail", "smtp": {"url": "smtp://127.0.0.1:\(smtp.port)",
      "from": "pw@example.org", "to": ["team@example.org"], "tls": "none", "timeout": 10},
      "rules": {"events": ["change"], "dataUse": "every-change"}}]}}
    """.write(toFile: config, atomically: true, encoding: .utf8)
    try page("m.html", HistoryBuilder.page(baseClauses))
    try declare("Mailed", path: "/dir/m.html")
    #expect(try check(["--config", config]).status == 1)
    try page("m.html", HistoryBuilder.page(baseClauses + ["We may share your data with advertisers."]))
    let change = try check(["--config", config])
    #expect(change.status == 1)
    #expect(change.error.contains("failed: SMTP server rejected recipient team@example.org (550)"), "\(change.error)")
    // The next quiet runs say nothing new…
    let quiet = try check(["--config", config])
    #expect(quiet.status == 0)
    #expect(quiet.output.isEmpty && quiet.error.isEmpty, "\(quiet.output)\(quiet.error)")
    // …until a day has passed since it was last said.
    let pending = "\(store.path)/outbox/pending"
    let file = try #require(try FileManager.default.contentsOfDirectory(atPath: pending).first)
    var entry = try StoreJSON.decoder.decode(
      OutboxEntry.self, from: Data(contentsOf: URL(fileURLWithPath: pending + "/" + file)))
    entry.lastReminded = entry.lastReminded?.addingTimeInterval(-25 * 3600)
    try FileIO.writeAtomically(StoreJSON.pretty(entry), to: pending + "/" + file)
    let reminded = try check(["--config", config])
    #expect(reminded.status == 0)
    #expect(
      reminded.error.contains("alert \(entry.eventID) to mail is not delivered after 1 attempt(s)"), "\(reminded.error)"
    )
    #expect(reminded.error.contains("policywatch alert drop \(entry.eventID)"))
    #expect(try check(["--config", config]).error.isEmpty)
    // Dropped: gone from the outbox, logged as dropped, never reminded again.
    let unknown = try CLI.run(["alert", "drop", "no/such/event", "--store", store.path])
    #expect(unknown.status == 64)
    #expect(unknown.error.contains(entry.eventID))
    let drop = try CLI.run(["alert", "drop", entry.eventID, "--store", store.path])
    #expect(drop.status == 0, "\(drop.error)")
    let list = try CLI.run(["alert", "list", "--delivered", "--store", store.path])
    #expect(list.status == 0)
    #expect(list.output.contains("dropped    mail  \(entry.eventID)"), "\(list.output)")
    #expect(!list.output.contains("+0000"))
    #expect(try check(["--config", config]).error.isEmpty)
    #expect(try smtp.captured(CapturedMail.self).isEmpty)
  }

  @Test("after a kill -9, the next run prints the events the killed run recorded, once")
  func killedRunIsReported() throws {
    try page("fast.html", HistoryBuilder.page(baseClauses))
    try declare("Alpha", path: "/dir/fast.html")
    try declare("Stalled", path: "/stall")
    let process = Process()
    process.executableURL = TestPaths.executable
    process.arguments = [
      "check", "--declarations", declarations.path, "--store", store.path, "--attempts", "1", "--timeout", "20",
      "--quiet",
    ]
    process.environment = ProcessInfo.processInfo.environment.merging(["POLICYWATCH_CONFIG": ""]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Alpha is recorded at once; Stalled keeps the run waiting. Kill it then (bounded wait: 10 s).
    let timeline = "\(store.path)/documents/Alpha/Privacy Policy/timeline.jsonl"
    for _ in 0..<200 where !FileManager.default.fileExists(atPath: timeline) { Thread.sleep(forTimeInterval: 0.05) }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    try #require(FileManager.default.fileExists(atPath: timeline))
    try FileManager.default.removeItem(atPath: "\(declarations.path)/Stalled.json")
    let next = try check()
    #expect(next.output.components(separatedBy: "Alpha/Privacy Policy  first").count == 2, "\(next.output)")
    #expect(next.error.contains("stopped before reporting what it recorded"), "\(next.error)")
    let after = try check()
    #expect(after.output.isEmpty, "\(after.output)")
  }

  @Test("a replay after a killed check prints that check's events too")
  func replayAfterAKilledCheck() throws {
    try page("fast.html", HistoryBuilder.page(baseClauses))
    try declare("Alpha", path: "/dir/fast.html")
    let started = Date()
    #expect(try check().status == 1)
    // What a check killed after recording leaves: its run marker.
    try FileIO.writeAtomically(
      StoreJSON.pretty(OutboxRun(command: "check", started: started, pid: 1)), to: store.path + "/outbox/run.json")
    let history = TemporaryDirectory("unattended-history")
    try HistoryBuilder(history.path).write([("2024-01-10T08-00-00Z", HistoryBuilder.page(baseClauses))])
    let replay = try CLI.run(["replay", history.path, "--store", store.path], environment: ["POLICYWATCH_CONFIG": ""])
    let lines = replay.output.split(separator: "\n")
    #expect(lines.first?.contains("Alpha/Privacy Policy  first") == true, "\(replay.output)")
    #expect(lines.contains { $0.contains("Example Co/Privacy Policy  first") })
    #expect(try check().output.isEmpty)
  }
}
