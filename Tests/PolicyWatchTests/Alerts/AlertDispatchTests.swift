import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchAlerts
@testable import PolicyWatchCheck
@testable import PolicyWatchStore
@testable import PolicyWatchView

/// Histories written for these tests: a policy that gains AI-training language, then changes without data-use
/// language.
enum AlertFixtures {
  static let clauses = (1...8).map {
    "Section \($0): we keep your account details while your account stays open and for 30 days after."
  }
  static let aiSentence = "We may use the messages you write to train our artificial intelligence models."

  /// Replays `pages` (stamp → paragraphs) for `service` into `store`; returns the events.
  static func replay(
    _ pages: [(String, [String], String)], service: String = "Fixture Mail", into store: SnapshotStore,
    scratch: TemporaryDirectory
  ) throws -> [StoreEvent] {
    var builder = HistoryBuilder(scratch.path + "/" + UUID().uuidString)
    builder.service = service
    try builder.write(
      pages.enumerated().map { index, page in
        (page.0, HistoryBuilder.page(page.1, date: page.2, nonce: index))
      })
    return try Replayer(recorder: Recorder(store: store)).replay(directory: builder.directory).events
  }

  /// first (Jan), AI-training change (Mar, new declared date), silent change without data-use language (May).
  static func history(service: String = "Fixture Mail", into store: SnapshotStore, scratch: TemporaryDirectory)
    throws -> [StoreEvent]
  {
    try replay(
      [
        ("2024-01-10T08-00-00Z", clauses, "January 5, 2024"),
        ("2024-03-12T08-00-00Z", clauses + [aiSentence], "March 11, 2024"),
        (
          "2024-05-20T08-00-00Z",
          clauses.dropLast() + ["Section 8: you can write to our support team at the address below."] + [aiSentence],
          "March 11, 2024"
        ),
      ], service: service, into: store, scratch: scratch)
  }
}

func smtpChannel(_ name: String = "mail", port: Int, timeout: Double = 10, to: [String] = ["team@example.org"])
  -> AlertChannelConfig
{
  AlertChannelConfig(
    name: name,
    transport: .smtp(
      SMTPChannel(
        url: "smtp://127.0.0.1:\(port)", from: "policywatch@example.org", to: to, tls: .none, timeout: timeout,
        messageIDDomain: "alerts.test")))
}

@Suite("Alert dispatch and the outbox", .serialized)
struct AlertDispatchTests {
  let scratch = TemporaryDirectory("alerts")
  let store: SnapshotStore

  init() throws {
    store = try SnapshotStore(path: scratch.path + "/store", create: true)
  }

  func dispatcher(_ channels: [AlertChannelConfig], digest: Int = 5) -> AlertDispatcher {
    var settings = AlertSettings(channels: channels)
    settings.digestThreshold = digest
    settings.retryInitialDelay = 600
    return AlertDispatcher(settings: settings, store: store)
  }

  @Test("default rules: only the change that brings data-use language alerts; first events never do")
  func defaultRules() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let events = try AlertFixtures.history(into: store, scratch: scratch)
    #expect(events.map(\.kind) == [.first, .change, .change])
    let report = try dispatcher([smtpChannel(port: server.port)]).dispatch(events)
    #expect(report.queued.map(\.eventID) == [events[1].id])
    #expect(report.flush.delivered.count == 1)
    let mails = try server.captured(CapturedMail.self)
    try #require(mails.count == 1)
    let mail = mails[0]
    #expect(mail.subject.contains("Fixture Mail") && mail.subject.contains("AI training"))
    #expect(mail.header("Message-ID") == [MIMEMessage.messageID(eventID: events[1].id, domain: "alerts.test")])
    let text = mail.parts[0].content
    #expect(text.contains(AlertFixtures.aiSentence))
    #expect(text.contains("2024-03-12 08:00 UTC"))  // first seen
    #expect(text.contains("2024-01-10 08:00 UTC"))  // last seen before
    #expect(text.contains("2024-03-11 (\"Last updated: March 11, 2024\")"))
    #expect(text.contains("+ [Privacy Policy] " + AlertFixtures.aiSentence))
    #expect(
      mail.parts[1].content.contains("write to <mark style=\"background: #ffe066\">train our artificial intelligence"))
    #expect(Outbox(store: store.path).pending().isEmpty)

    // The same events again (a second dispatch of one run): nothing is sent twice.
    let again = try dispatcher([smtpChannel(port: server.port)]).dispatch(events)
    #expect(again.queued.isEmpty && again.flush.delivered.isEmpty)
    #expect(try server.captured(CapturedMail.self).count == 1)
  }

  @Test("every-change rule, first events when asked, and the silent flag in the subject")
  func everyChangeAndFirst() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let events = try AlertFixtures.history(into: store, scratch: scratch)
    var channel = smtpChannel(port: server.port)
    channel.rules.dataUse = .everyChange
    channel.rules.events = [.first, .change]
    let report = try dispatcher([channel]).dispatch(events)
    #expect(report.queued.map(\.eventID) == events.map(\.id))
    let subjects = try server.captured(CapturedMail.self).map(\.subject)
    #expect(subjects.count == 3)
    #expect(subjects.contains { $0.contains("is now tracked") })
    #expect(subjects.contains { $0.hasSuffix("changed (silent)") })
  }

  @Test("SMTP server down: the alert stays in the outbox, waits for its backoff, then goes out exactly once")
  func serverDownThenUp() throws {
    let events = try AlertFixtures.history(into: store, scratch: scratch)
    let down = try closedPort()
    let start = Date()
    let first = try dispatcher([smtpChannel(port: down)]).dispatch(events, now: start)
    #expect(first.queued.count == 1)
    let failure = try #require(first.flush.failed.first)
    #expect(failure.error.isTransient)
    let pending = Outbox(store: store.path).pending()
    try #require(pending.count == 1)
    #expect(pending[0].attempts == 1 && !pending[0].needsAttention)
    #expect(pending[0].lastError?.contains("127.0.0.1:\(down)") == true)
    let next = try #require(pending[0].nextAttempt)
    #expect(abs(next.timeIntervalSince(start) - 600) < 1)  // stored to the second

    // The server is back (same channel name). A run before the backoff has passed does not try.
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let early = try dispatcher([smtpChannel(port: server.port)]).dispatch([], now: start.addingTimeInterval(60))
    #expect(early.flush.delivered.isEmpty && early.flush.deferred.count == 1)
    // The next run after it delivers, once; the run after that sends nothing.
    let later = try dispatcher([smtpChannel(port: server.port)]).dispatch(events, now: start.addingTimeInterval(700))
    #expect(later.queued.isEmpty)
    #expect(later.flush.delivered.count == 1)
    _ = try dispatcher([smtpChannel(port: server.port)]).dispatch(events, now: start.addingTimeInterval(9_000))
    let mails = try server.captured(CapturedMail.self)
    #expect(mails.count == 1)
    #expect(mails.first?.header("Message-ID") == [MIMEMessage.messageID(eventID: events[1].id, domain: "alerts.test")])
    #expect(Outbox(store: store.path).pending().isEmpty)
    #expect(Outbox(store: store.path).deliveries().map(\.attempts) == [2])
  }

  @Test("a refused recipient is a permanent failure: kept, not retried by runs, retried by a forced flush")
  func recipientRejected() throws {
    let server = try PythonPeer(
      script: "smtp_server.py", module: "aiosmtpd", arguments: ["--reject", "gone@example.org"])
    let events = try AlertFixtures.history(into: store, scratch: scratch)
    let channel = smtpChannel(port: server.port, to: ["team@example.org", "gone@example.org"])
    let report = try dispatcher([channel]).dispatch(events)
    let failure = try #require(report.flush.failed.first)
    #expect(!failure.error.isTransient)
    #expect(failure.error.description.contains("gone@example.org"))
    var pending = Outbox(store: store.path).pending()
    #expect(pending.first?.needsAttention == true)
    let next = try dispatcher([channel]).dispatch([], now: Date().addingTimeInterval(86_400 * 30))
    #expect(next.flush.deferred.first?.why.hasPrefix("needs attention") == true)
    // Fixed recipient list, forced flush (what `alert retry` does): delivered.
    let fixed = smtpChannel(port: server.port, to: ["team@example.org"])
    let retried = try Outbox(store: store.path).flush(
      channels: ["mail": fixed.transport], settings: AlertSettings(), force: true)
    #expect(retried.delivered.count == 1)
    pending = Outbox(store: store.path).pending()
    #expect(pending.isEmpty)
    #expect(try server.captured(CapturedMail.self).map(\.rcptTos) == [["team@example.org"]])
  }

  @Test("a server slower than the channel's timeout: a transient failure, the alert kept")
  func slowServer() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd", arguments: ["--delay-data", "4"])
    let events = try AlertFixtures.history(into: store, scratch: scratch)
    let report = try dispatcher([smtpChannel(port: server.port, timeout: 1)]).dispatch(events)
    let failure = try #require(report.flush.failed.first)
    #expect(failure.error == .timedOut(host: "127.0.0.1:\(server.port)", seconds: 1))
    #expect(Outbox(store: store.path).pending().first?.nextAttempt != nil)
  }

  @Test("webhook answering 500, then 200 on the next run: one alert, two requests with the same event id")
  func webhookFailsThenSucceeds() throws {
    let sink = try PythonPeer(script: "http_sink.py", arguments: ["--fail", "1"])
    let events = try AlertFixtures.history(into: store, scratch: scratch)
    let channel = AlertChannelConfig(
      name: "hook", transport: .webhook(WebhookChannel(url: "http://127.0.0.1:\(sink.port)/in", attempts: 1)))
    let start = Date()
    let first = try dispatcher([channel]).dispatch(events, now: start)
    #expect(first.flush.failed.first?.error == .http(status: 500, attempts: 1))
    let second = try dispatcher([channel]).dispatch(events, now: start.addingTimeInterval(601))
    #expect(second.flush.delivered.count == 1)
    let requests = try sink.captured(CapturedRequest.self)
    #expect(requests.map(\.status) == [500, 200])
    #expect(Set(requests.compactMap { $0.header("X-PolicyWatch-Event-ID") }) == [events[1].id])
    let body = try JSONSerialization.jsonObject(with: Data(requests[1].body.utf8)) as? [String: Any]
    #expect(body?["id"] as? String == events[1].id)
    #expect(body?["kind"] as? String == "change")
  }

  @Test("an executable hook failing, then succeeding on the next run: delivered once")
  func hookFailsThenSucceeds() throws {
    let events = try AlertFixtures.history(into: store, scratch: scratch)
    let directory = scratch.path + "/hook"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let hook = directory + "/hook.sh"
    let script = """
      #!/bin/sh
      if [ ! -f "$OUT/failed-once" ]; then touch "$OUT/failed-once"; echo "mailbox full" >&2; exit 75; fi
      cat > "$OUT/delivered-$(date +%s%N)"
      """
    let fd = open(hook, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    _ = Array(script.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    let channel = AlertChannelConfig(
      name: "exec", transport: .exec(ExecutableChannel(argv: [hook], environment: ["OUT": directory], timeout: 10)))
    let start = Date()
    let first = try dispatcher([channel]).dispatch(events, now: start)
    #expect(first.flush.failed.first?.error == .hookFailed(program: hook, exitCode: 75, stderr: "mailbox full"))
    _ = try dispatcher([channel]).dispatch(events, now: start.addingTimeInterval(601))
    _ = try dispatcher([channel]).dispatch(events, now: start.addingTimeInterval(5_000))
    let delivered = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("delivered-") }
    try #require(delivered.count == 1)
    let stdin = try String(contentsOfFile: directory + "/" + delivered[0], encoding: .utf8)
    // The event JSON, with the document's address the dispatcher adds.
    #expect(stdin == EventFormatting.json(store.addressed([events[1]])[0]))
    #expect(stdin.contains("\"url\":\"https://example.com/privacy\""))
  }

  @Test("crash after the server accepted, before the outbox recorded it: exactly one duplicate, same Message-ID")
  func crashBetweenSendAndRemoval() throws {
    struct Crash: Error {}
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let events = try AlertFixtures.history(into: store, scratch: scratch)
    let crashing = dispatcher([smtpChannel(port: server.port)])
    crashing.outbox.afterSend = { _ in throw Crash() }
    #expect(throws: Crash.self) { try crashing.dispatch(events) }
    #expect(try server.captured(CapturedMail.self).count == 1)
    #expect(Outbox(store: store.path).pending().count == 1)  // still pending: the delivery was not recorded
    // The next run sends it again (the one duplicate), records it, and later runs send nothing.
    let next = try dispatcher([smtpChannel(port: server.port)]).dispatch(events)
    #expect(next.queued.isEmpty && next.flush.delivered.count == 1)
    _ = try dispatcher([smtpChannel(port: server.port)]).dispatch(events)
    let mails = try server.captured(CapturedMail.self)
    #expect(mails.count == 2)
    #expect(Set(mails.flatMap { $0.header("Message-ID") }).count == 1)
    #expect(Outbox(store: store.path).pending().isEmpty)
  }

  @Test("crash after the delivery was recorded, before the file was removed: nothing is sent again")
  func crashBetweenRecordAndRemoval() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let events = try AlertFixtures.history(into: store, scratch: scratch)
    let outbox = Outbox(store: store.path)
    var kept: [String: Data] = [:]
    outbox.afterSend = { entry in
      let path = outbox.pendingDirectory + "/" + entry.fileName
      kept[path] = FileManager.default.contents(atPath: path)
    }
    var settings = AlertSettings(channels: [smtpChannel(port: server.port)])
    settings.retryInitialDelay = 0
    let sender = AlertDispatcher(settings: settings, store: store)
    var errors: [String] = []
    _ = sender.enqueue(events, now: Date(), errors: &errors)
    #expect(errors.isEmpty)
    _ = try outbox.flush(channels: ["mail": settings.channels[0].transport], settings: settings)
    // Put the pending file back, as a crash before its removal would have left it.
    for (path, data) in kept { _ = FileManager.default.createFile(atPath: path, contents: data) }
    #expect(outbox.pending().count == 1)
    let next = try outbox.flush(channels: ["mail": settings.channels[0].transport], settings: settings)
    #expect(next.delivered.isEmpty)
    #expect(outbox.pending().isEmpty)
    #expect(try server.captured(CapturedMail.self).count == 1)
  }

  @Test("many changes in one run: one digest per channel, naming every document; not sent again")
  func digest() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    var events: [StoreEvent] = []
    for number in 1...7 {
      events += try AlertFixtures.history(service: "Service \(number)", into: store, scratch: scratch)
    }
    let channels = [smtpChannel(port: server.port), smtpChannel("few", port: server.port)]
    var settings = AlertSettings(channels: channels)
    settings.digestThreshold = 5
    settings.channels[1].rules.documents = ["Service 1", "Service 2/Privacy Policy"]
    let report = try AlertDispatcher(settings: settings, store: store).dispatch(events)
    // "mail": 7 alerts > 5 → one digest; "few": 2 alerts → two messages.
    #expect(report.queued.map(\.channel).sorted() == ["few", "few", "mail"])
    let digest = try #require(report.queued.first { $0.channel == "mail" })
    #expect(digest.events.count == 7 && digest.eventID.hasPrefix("digest/"))
    let mails = try server.captured(CapturedMail.self)
    #expect(mails.count == 3)
    let digestMail = try #require(mails.first { $0.subject.contains("7 alerts in 7 documents") })
    for number in 1...7 { #expect(digestMail.parts[0].content.contains("Service \(number)/Privacy Policy")) }
    #expect(digestMail.subject.contains("AI training"))
    let again = try AlertDispatcher(settings: settings, store: store).dispatch(events)
    #expect(again.queued.isEmpty)
    #expect(try server.captured(CapturedMail.self).count == 3)
  }

  @Test("inaccessible for N days alerts once per streak, whichever run notices it")
  func inaccessibleForDays() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let broken = "<html><body><main><p>Just a moment...</p></main></body></html>"
    var builder = HistoryBuilder(scratch.path + "/broken")
    builder.service = "Walled"
    try builder.write([
      ("2024-01-10T08-00-00Z", HistoryBuilder.page(AlertFixtures.clauses)), ("2024-02-01T08-00-00Z", broken),
    ])
    let events = try Replayer(recorder: Recorder(store: store)).replay(directory: builder.directory).events
    #expect(events.map(\.kind) == [.first, .inaccessible])
    var channel = smtpChannel(port: server.port)
    channel.rules.events = [.inaccessible]
    channel.rules.inaccessibleDays = 3
    let since = events[1].firstSeen
    let early = try dispatcher([channel]).dispatch(events, now: since.addingTimeInterval(86_400))
    #expect(early.queued.isEmpty)
    let late = try dispatcher([channel]).dispatch([], now: since.addingTimeInterval(86_400 * 4))
    #expect(late.queued.map(\.eventID) == [events[1].id])
    _ = try dispatcher([channel]).dispatch([], now: since.addingTimeInterval(86_400 * 5))
    let mails = try server.captured(CapturedMail.self)
    #expect(mails.count == 1)
    #expect(mails.first?.subject.contains("Walled") == true && mails.first?.subject.contains("inaccessible") == true)
  }

  @Test("a check killed after recording, before queueing its alerts: the next run queues them, and only them")
  func interruptedCheck() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    // Older history, recorded before this run: never alerted by the recovery.
    _ = try AlertFixtures.history(service: "Older", into: store, scratch: scratch)
    let start = Date()
    #expect(dispatcher([smtpChannel(port: server.port)]).beginRun(command: "check", now: start).isEmpty)
    // The run records at fetch time (as check does), then dies before its dispatch.
    func stamp(_ date: Date) -> String {
      StoreJSON.format(date).replacingOccurrences(of: ":", with: "-")
    }
    let recorded = try AlertFixtures.replay(
      [
        (stamp(start.addingTimeInterval(2)), AlertFixtures.clauses, "January 5, 2024"),
        (stamp(start.addingTimeInterval(3)), AlertFixtures.clauses + [AlertFixtures.aiSentence], "March 11, 2024"),
      ], service: "Crashed", into: store, scratch: scratch)
    #expect(recorded.map(\.kind) == [.first, .change])
    #expect(Outbox(store: store.path).interruptedRun()?.command == "check")

    let next = dispatcher([smtpChannel(port: server.port)])
    let recovered = next.beginRun(command: "check", now: start.addingTimeInterval(60))
    #expect(recovered.map(\.eventID) == [recorded[1].id])
    _ = try next.dispatch([], now: start.addingTimeInterval(61))
    #expect(Outbox(store: store.path).interruptedRun() == nil)
    let mails = try server.captured(CapturedMail.self)
    #expect(mails.map { $0.header("X-PolicyWatch-Event-ID") } == [[recorded[1].id]])

    // An interrupted replay cannot be told apart from history: nothing is queued (a warning says so).
    _ = next.beginRun(command: "replay", now: start.addingTimeInterval(120))
    #expect(next.beginRun(command: "check", now: start.addingTimeInterval(180)).isEmpty)
  }
}
