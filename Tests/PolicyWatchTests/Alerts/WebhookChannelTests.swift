import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchAlerts

@Suite("Webhook channel against a local HTTP sink")
struct WebhookChannelTests {
  @Test("POSTs the event JSON with the bearer token, custom headers and the event id")
  func postsEventJSON() throws {
    let sink = try PythonPeer(script: "http_sink.py")
    let message = sampleMessage()
    let channel = WebhookChannel(
      url: "http://127.0.0.1:\(sink.port)/hooks/T000/secret-path", bearerToken: Secret("tok-123"),
      headers: ["X-Team": "privacy"], timeout: 5)
    let receipt = try channel.send(message)
    #expect(receipt == AlertDeliveryReceipt(attempts: 1, detail: "HTTP 200"))

    let requests = try sink.captured(CapturedRequest.self)
    try #require(requests.count == 1)
    let request = requests[0]
    #expect(request.method == "POST" && request.path == "/hooks/T000/secret-path")
    #expect(Array(request.body.utf8) == message.json)
    #expect(request.header("Content-Type") == "application/json")
    #expect(request.header("Authorization") == "Bearer tok-123")
    #expect(request.header("X-Team") == "privacy")
    #expect(request.header("X-PolicyWatch-Event-ID") == message.eventID)
    #expect(request.header("User-Agent")?.hasPrefix("PolicyWatch/") == true)
    #expect(!"\(channel)".contains("tok-123"))
  }

  @Test("500, 500, then 200: delivered on the third attempt")
  func retriesServerErrors() throws {
    let sink = try PythonPeer(script: "http_sink.py", arguments: ["--fail", "2"])
    let channel = WebhookChannel(url: "http://127.0.0.1:\(sink.port)/", timeout: 5, attempts: 3, retryDelay: 0.05)
    let receipt = try channel.send(sampleMessage())
    #expect(receipt.attempts == 3)
    let statuses = try sink.captured(CapturedRequest.self).map(\.status)
    #expect(statuses == [500, 500, 200])
  }

  @Test("a server that keeps failing: .http(500) after exactly `attempts` requests")
  func givesUpAfterAttempts() throws {
    let sink = try PythonPeer(script: "http_sink.py", arguments: ["--fail", "100", "--retry-after", "0"])
    let channel = WebhookChannel(url: "http://127.0.0.1:\(sink.port)/", timeout: 5, attempts: 2, retryDelay: 0.05)
    let error = #expect(throws: AlertDeliveryError.self) { try channel.send(sampleMessage()) }
    #expect(error == .http(status: 500, attempts: 2))
    #expect(error?.isTransient == true)
    #expect(try sink.captured(CapturedRequest.self).count == 2)
  }

  @Test("404 fails at once, without retrying")
  func clientErrorIsNotRetried() throws {
    let sink = try PythonPeer(script: "http_sink.py", arguments: ["--status", "404"])
    let channel = WebhookChannel(url: "http://127.0.0.1:\(sink.port)/", timeout: 5, attempts: 3, retryDelay: 0.05)
    let error = #expect(throws: AlertDeliveryError.self) { try channel.send(sampleMessage()) }
    #expect(error == .http(status: 404, attempts: 1))
    #expect(error?.isTransient == false)
    #expect(try sink.captured(CapturedRequest.self).count == 1)
  }

  @Test("nobody listening: a transport error that names the host but not the URL's secret path")
  func connectionRefused() throws {
    let port = try closedPort()
    let channel = WebhookChannel(
      url: "http://127.0.0.1:\(port)/services/T0/B0/very-secret", timeout: 2, attempts: 2, retryDelay: 0.05)
    let error = #expect(throws: AlertDeliveryError.self) { try channel.send(sampleMessage()) }
    guard case .transport(let host, _) = error else {
      Issue.record("expected .transport, got \(String(describing: error))")
      return
    }
    #expect(host == "127.0.0.1:\(port)")
    #expect(!"\(error!)".contains("very-secret"))
  }

  @Test("only http and https; no credentials in the URL; no CR/LF in header values")
  func invalidConfiguration() {
    let cases = [
      WebhookChannel(url: "file:///etc/passwd"),
      WebhookChannel(url: "ftp://127.0.0.1/x"),
      WebhookChannel(url: "http://user:pass@127.0.0.1/x"),
      WebhookChannel(url: "http://127.0.0.1/x", headers: ["X-A": "1\r\nX-Injected: 1"]),
      WebhookChannel(url: "http://127.0.0.1/x", headers: ["Bad Name": "1"]),
      WebhookChannel(url: "http://127.0.0.1/x", bearerToken: Secret("a\r\nb")),
      WebhookChannel(url: "http://127.0.0.1/x", attempts: 0),
    ]
    for channel in cases {
      let error = #expect(throws: AlertDeliveryError.self) { try channel.send(sampleMessage()) }
      guard case .invalidConfiguration(let message) = error else {
        Issue.record("expected .invalidConfiguration, got \(String(describing: error))")
        continue
      }
      #expect(!message.contains("pass@") && !message.contains("X-Injected"))
    }
  }
}
