import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchAlerts

/// The example hooks in Scripts/hooks, run through `ExecutableChannel` as a user would configure them.
@Suite("Example hook scripts")
struct HookScriptsTests {
  static func hook(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scripts/hooks")
      .appendingPathComponent(name).path
  }

  @Test("slack-webhook.py posts a Slack-style payload carrying the subject, service and event")
  func slackWebhook() throws {
    let sink = try PythonPeer(script: "http_sink.py")
    let message = sampleMessage()
    let channel = ExecutableChannel(
      argv: [Self.hook("slack-webhook.py")],
      environment: ["SLACK_WEBHOOK_URL": "http://127.0.0.1:\(sink.port)/services/T0/B0/secret"], timeout: 20)
    try channel.send(message)

    let request = try #require(try sink.captured(CapturedRequest.self).first)
    #expect(request.path == "/services/T0/B0/secret")
    let payload = try #require(
      try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
    #expect(payload["text"] as? String == message.subject)
    #expect(request.body.contains("Exämple Social") && request.body.contains("AI training, affiliate sharing"))
    let event = try #require(payload["policywatch_event"] as? [String: Any])
    #expect(event["event"] as? String == message.eventID)
  }

  @Test("slack-webhook.py: a failing webhook makes the hook, hence the delivery, fail")
  func slackWebhookFailure() throws {
    let sink = try PythonPeer(script: "http_sink.py", arguments: ["--status", "403"])
    let channel = ExecutableChannel(
      argv: [Self.hook("slack-webhook.py")], environment: ["SLACK_WEBHOOK_URL": "http://127.0.0.1:\(sink.port)/x"],
      timeout: 20)
    let error = #expect(throws: AlertDeliveryError.self) { try channel.send(sampleMessage()) }
    guard case .hookFailed(_, let code, let stderr) = error else {
      Issue.record("expected .hookFailed, got \(String(describing: error))")
      return
    }
    #expect(code == 1 && stderr.contains("HTTP 403"))
  }

  @Test("sendmail-pipe.py hands sendmail a complete message with the event id's Message-ID")
  func sendmailPipe() throws {
    let directory = try makeTemporaryDirectory("sendmail")
    defer { try? FileManager.default.removeItem(at: directory) }
    let capture = directory.appendingPathComponent("mail.eml").path
    let message = sampleMessage(eventID: "evt-7", subject: "[PolicyWatch] Example - Terms: new AI training language")
    let channel = ExecutableChannel(
      argv: [Self.hook("sendmail-pipe.py")],
      environment: [
        "POLICYWATCH_MAIL_TO": "ana@example.org, bo@example.net", "POLICYWATCH_MAIL_FROM": "alerts@example.org",
        "SENDMAIL": "/bin/sh -c 'cat > \"$CAPTURE\"'", "CAPTURE": capture,
      ], timeout: 20)
    try channel.send(message)

    let mail = try String(contentsOfFile: capture, encoding: .utf8)
    let head = mail.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
    let headers = head.components(separatedBy: "\r\n")
    #expect(headers.contains("Subject: [PolicyWatch] Example - Terms: new AI training language"))
    #expect(headers.contains("To: ana@example.org, bo@example.net"))
    #expect(headers.contains("From: alerts@example.org"))
    #expect(headers.contains { $0.hasPrefix("Message-ID: <evt-7.policywatch@") })
    #expect(mail.contains("Exämple Social") || mail.contains("Ex=C3=A4mple Social"))
  }
}
