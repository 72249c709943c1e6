import Foundation
import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// The `policywatch` executable with `--config`: replay → outbox → SMTP, `alert list|retry|test`, `config check`.
@Suite("Alert commands end to end", .serialized)
struct AlertCLITests {
  let scratch = TemporaryDirectory("alert-cli")

  /// Writes a configuration with one SMTP channel called "mail" to `port`.
  func writeConfig(port: Int, store: String, extra: String = "") throws -> String {
    let path = scratch.path + "/config.json"
    try """
    {"store": "\(store)",
     "alerts": {"messageIDDomain": "alerts.test", "retry": {"initialDelay": 0},
                "channels": [{"name": "mail", "smtp": {"url": "smtp://127.0.0.1:\(port)", "from": "pw@example.org",
                              "to": ["team@example.org"], "tls": "none", "timeout": 10\(extra)}}]}}
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test(
    "LinkedIn's history: exactly one alert, titled for AI training first, with both dates; a second replay sends nothing",
    .enabled(
      if: FileManager.default.fileExists(atPath: TestPaths.corpus.path + "/linkedin-privacy"), "needs ../shared/corpus")
  )
  func linkedInReplay() throws {
    let corpus = TestPaths.corpus.appendingPathComponent("linkedin-privacy").path
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let store = scratch.path + "/store"
    let config = try writeConfig(port: server.port, store: store)
    let first = try CLI.run(["replay", corpus, "--store", store, "--config", config])
    #expect(first.status == 1, "\(first.error)")
    let mails = try server.captured(CapturedMail.self)
    try #require(mails.count == 1, "\(first.error)")
    let mail = mails[0]
    #expect(mail.subject.contains("LinkedIn \u{2013} Privacy Policy: new AI training"), "\(mail.subject)")
    #expect(mail.header("X-PolicyWatch-Event-ID").first?.contains("/change/2024-09-19T06:10:13Z") == true)
    let text = mail.parts[0].content
    #expect(text.contains("develop and train artificial intelligence (AI) models"))
    #expect(text.contains("First seen        2024-09-19"))
    #expect(text.contains("September 18, 2024"))
    #expect(mail.parts[1].content.contains("develop and <mark"))
    #expect(first.error.contains("policywatch: info: delivered"))

    let second = try CLI.run(["replay", corpus, "--store", store, "--config", config])
    #expect(second.status == 0, "\(second.error)")
    #expect(try server.captured(CapturedMail.self).count == 1)
    let list = try CLI.run(["alert", "list", "--config", config])
    #expect(list.status == 0 && list.output.contains("outbox is empty"))
  }

  @Test("mail server down during replay: the alert waits in the outbox, alert list shows it, alert retry sends it once")
  func outboxThroughTheCLI() throws {
    let history = scratch.path + "/history"
    try HistoryBuilder(history).write([
      ("2024-01-10T08-00-00Z", HistoryBuilder.page(AlertFixtures.clauses)),
      ("2024-03-12T08-00-00Z", HistoryBuilder.page(AlertFixtures.clauses + [AlertFixtures.aiSentence], nonce: 1)),
    ])
    let store = scratch.path + "/store"
    let down = try closedPort()
    var config = try writeConfig(port: down, store: store)
    let replay = try CLI.run(["replay", history, "--config", config])
    #expect(replay.status == 1)
    #expect(replay.error.contains("policywatch: error: alert Example Co/Privacy Policy/change/2024-03-12T08:00:00Z"))
    #expect(replay.error.contains("cannot reach 127.0.0.1:\(down)"))
    let list = try CLI.run(["alert", "list", "--config", config])
    #expect(list.status == 1)
    #expect(list.output.contains("mail  Example Co/Privacy Policy/change/2024-03-12T08:00:00Z"))
    #expect(list.output.contains("retrying (1 attempt(s)"))

    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    config = try writeConfig(port: server.port, store: store)
    let retry = try CLI.run(["alert", "retry", "--config", config])
    #expect(retry.status == 0, "\(retry.output)\(retry.error)")
    #expect(retry.output.contains("1 delivered, 0 failed, 0 not sent"))
    let again = try CLI.run(["alert", "retry", "--config", config])
    #expect(again.output.contains("0 delivered"))
    #expect(try server.captured(CapturedMail.self).count == 1)
    let empty = try CLI.run(["alert", "list", "--config", config, "--delivered"])
    #expect(empty.status == 0)
    #expect(empty.output.contains("delivered  mail  Example Co/Privacy Policy/change/2024-03-12T08:00:00Z"))
  }

  @Test("alert test sends a test message; config check reports problems precisely and never a secret")
  func testAndCheck() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let secret = "s3cret-\(UUID().uuidString)"
    let config = try writeConfig(
      port: server.port, store: scratch.path + "/store", extra: #", "username": "u", "passwordEnv": "PW_TEST_PASS""#)
    let missing = try CLI.run(["config", "check", "--config", config], environment: ["PW_TEST_PASS": ""])
    #expect(missing.status == 1)
    #expect(
      missing.output.contains("\(config):4:117: alerts.channels[0].smtp.passwordEnv: environment variable PW_TEST_PASS")
    )
    let valid = try CLI.run(["config", "check", "--config", config], environment: ["PW_TEST_PASS": secret])
    #expect(valid.status == 0, "\(valid.output)")
    #expect(valid.output.contains("channel mail: smtp 127.0.0.1:\(server.port) → team@example.org"))
    #expect(!valid.output.contains(secret))

    // The test server has no AUTH: drop the credentials for the test message.
    let plain = try writeConfig(port: server.port, store: scratch.path + "/store")
    let sent = try CLI.run(["alert", "test", "--channel", "mail", "--config", plain])
    #expect(sent.status == 0, "\(sent.output)\(sent.error)")
    #expect(try server.captured(CapturedMail.self).first?.subject == "[PolicyWatch] test message for mail")
    let unknown = try CLI.run(["alert", "test", "--channel", "nope", "--config", plain])
    #expect(unknown.status == 64 && unknown.error.contains("no channel nope"))

    let broken = scratch.path + "/broken.json"
    try #"{"alerts": {"chanels": []}}"#.write(toFile: broken, atomically: true, encoding: .utf8)
    let check = try CLI.run(["check", "--config", broken, "--declarations", scratch.path])
    #expect(check.status == 64)
    #expect(
      check.error.contains(
        "policywatch: config: \(broken):1:13: alerts.chanels: unknown key (did you mean \"channels\"?)"))
  }
}
