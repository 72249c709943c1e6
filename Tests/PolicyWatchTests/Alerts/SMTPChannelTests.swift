import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchAlerts

@Suite("SMTP channel against aiosmtpd")
struct SMTPChannelTests {
  func channel(port: Int, scheme: String = "smtp", to: [String] = ["ana@example.org", "bo@example.net"])
    -> SMTPChannel
  {
    SMTPChannel(
      url: "\(scheme)://127.0.0.1:\(port)", from: "alerts@policywatch.test", to: to, tls: .none, timeout: 10,
      messageIDDomain: "alerts.test")
  }

  @Test("a delivered message parses as RFC 5322 multipart/alternative with both parts intact")
  func deliversMultipartMessage() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let message = sampleMessage()
    let receipt = try channel(port: server.port).send(message)
    #expect(receipt.detail.hasPrefix("250"))

    let mails = try server.captured(CapturedMail.self)
    try #require(mails.count == 1)
    let mail = mails[0]
    #expect(mail.mailFrom == "alerts@policywatch.test")
    #expect(mail.rcptTos == ["ana@example.org", "bo@example.net"])
    #expect(mail.defects.isEmpty)
    #expect(mail.subject == message.subject)
    #expect(mail.subject.contains("Exämple Social") && mail.subject.contains("AI training"))
    #expect(mail.header("Message-ID") == ["<evt-2024-09-19-linkedin-privacy.policywatch@alerts.test>"])
    #expect(mail.header("From") == ["PolicyWatch <alerts@policywatch.test>"])
    #expect(mail.header("To") == ["ana@example.org, bo@example.net"])
    #expect(mail.header("MIME-Version") == ["1.0"])
    #expect(mail.header("X-PolicyWatch-Service") == ["Exämple Social"])
    #expect(mail.header("Date").count == 1)
    #expect(mail.contentType == "multipart/alternative")

    try #require(mail.parts.count == 2)
    let text = mail.parts[0]
    #expect(text.contentType == "text/plain" && text.charset == "utf-8")
    #expect(text.transferEncoding == "quoted-printable")
    let sentLines = message.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let receivedLines = text.content.replacingOccurrences(of: "\r\n", with: "\n")
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(Array(receivedLines.prefix(sentLines.count)) == sentLines)
    #expect(receivedLines.contains("."))  // the lone dot survived dot-stuffing
    #expect(receivedLines.contains(".a line that starts with a dot"))
    #expect(mail.parts[1].contentType == "text/html")
    #expect(mail.parts[1].content.contains("<mark>train artificial intelligence models</mark>"))

    // On the wire: CRLF only, every line within 78 characters (header) / 76 (quoted-printable body).
    let rawLines = mail.raw.components(separatedBy: "\r\n")
    #expect(!rawLines.contains { $0.contains("\n") || $0.contains("\r") })
    #expect(rawLines.allSatisfy { $0.utf8.count <= 78 })
  }

  @Test("CR/LF in document text cannot add headers or recipients")
  func headerInjectionIsNeutralised() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    let message = sampleMessage(
      service: "Evil\r\nBcc: victim@example.com", document: "Terms\nX-Injected: yes",
      subject: "Policy change\r\nBcc: victim@example.com\r\n\r\nfake body")
    try channel(port: server.port, to: ["ana@example.org"]).send(message)
    let mail = try #require(try server.captured(CapturedMail.self).first)
    #expect(mail.header("Bcc").isEmpty)
    #expect(mail.header("X-Injected").isEmpty)
    #expect(mail.rcptTos == ["ana@example.org"])
    #expect(mail.subject == "Policy change Bcc: victim@example.com fake body")
    #expect(mail.header("X-PolicyWatch-Service") == ["Evil Bcc: victim@example.com"])
  }

  @Test("AUTH with the right password is accepted, with a wrong one refused without showing it")
  func authentication() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd", arguments: ["--auth", "alice:s3cret"])
    var good = channel(port: server.port)
    good.username = "alice"
    good.password = Secret("s3cret")
    try good.send(sampleMessage())
    let mail = try #require(try server.captured(CapturedMail.self).first)
    #expect(mail.authenticated && mail.login == "alice")

    var bad = good
    bad.password = Secret("wrong-pa55")
    let error = #expect(throws: AlertDeliveryError.self) { try bad.send(sampleMessage()) }
    guard case .smtp(let code, _) = error else {
      Issue.record("expected an SMTP refusal, got \(String(describing: error))")
      return
    }
    #expect(code == 535)
    #expect(error?.isTransient == false)
    #expect(!"\(error!)".contains("wrong-pa55"))
    #expect(!"\(bad)".contains("wrong-pa55"))
    #expect(try server.captured(CapturedMail.self).count == 1)
  }

  @Test("STARTTLS with a self-signed certificate, then AUTH")
  func startTLS() throws {
    let directory = try makeTemporaryDirectory("tls")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (cert, key) = try makeSelfSignedCertificate(in: directory)
    let server = try PythonPeer(
      script: "smtp_server.py", module: "aiosmtpd",
      arguments: ["--tls-cert", cert, "--tls-key", key, "--require-starttls", "--auth", "alice:s3cret"])
    var secure = channel(port: server.port)
    secure.tls = .required
    secure.caCertificatePath = cert
    secure.username = "alice"
    secure.password = Secret("s3cret")
    try secure.send(sampleMessage())
    let mail = try #require(try server.captured(CapturedMail.self).first)
    #expect(mail.tls && mail.authenticated)

    // The same server without trusting its certificate: a TLS error, not a silent plain-text fallback.
    secure.caCertificatePath = nil
    let error = #expect(throws: AlertDeliveryError.self) { try secure.send(sampleMessage()) }
    guard case .tls = error else {
      Issue.record("expected a TLS error, got \(String(describing: error))")
      return
    }
  }

  @Test("smtps:// (implicit TLS)")
  func implicitTLS() throws {
    let directory = try makeTemporaryDirectory("tls")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (cert, key) = try makeSelfSignedCertificate(in: directory)
    let server = try PythonPeer(
      script: "smtp_server.py", module: "aiosmtpd", arguments: ["--tls-cert", cert, "--tls-key", key, "--implicit-tls"])
    var secure = channel(port: server.port, scheme: "smtps")
    secure.caCertificatePath = cert
    try secure.send(sampleMessage())
    let mail = try #require(try server.captured(CapturedMail.self).first)
    #expect(mail.tls)
  }

  @Test("TLS required but the server offers no STARTTLS: typed error, nothing sent")
  func startTLSRequiredButMissing() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd")
    var secure = channel(port: server.port)
    secure.tls = .required
    let error = #expect(throws: AlertDeliveryError.self) { try secure.send(sampleMessage()) }
    guard case .tls(let message) = error else {
      Issue.record("expected .tls, got \(String(describing: error))")
      return
    }
    #expect(message.contains("STARTTLS"))
    #expect(try server.captured(CapturedMail.self).isEmpty)
  }

  @Test("server down: a transient transport error naming the host")
  func serverDown() throws {
    let port = try closedPort()
    let error = #expect(throws: AlertDeliveryError.self) { try channel(port: port).send(sampleMessage()) }
    guard case .transport(let host, _) = error else {
      Issue.record("expected .transport, got \(String(describing: error))")
      return
    }
    #expect(host == "127.0.0.1:\(port)")
    #expect(error?.isTransient == true)
  }

  @Test("a rejected recipient fails the delivery, names the address, and nobody gets the message")
  func recipientRejected() throws {
    let server = try PythonPeer(
      script: "smtp_server.py", module: "aiosmtpd", arguments: ["--reject", "nobody@example.org"])
    let mail = channel(port: server.port, to: ["ana@example.org", "nobody@example.org", "bo@example.net"])
    let error = #expect(throws: AlertDeliveryError.self) { try mail.send(sampleMessage()) }
    guard case .recipientRejected(let recipient, let code, let message) = error else {
      Issue.record("expected .recipientRejected, got \(String(describing: error))")
      return
    }
    #expect(recipient == "nobody@example.org")
    #expect(code == 550)
    #expect(message.contains("Recipient address rejected"))
    #expect(error?.isTransient == false)
    #expect(try server.captured(CapturedMail.self).isEmpty)
  }

  @Test("a server slower than the timeout: .timedOut, in about the timeout")
  func slowServer() throws {
    let server = try PythonPeer(script: "smtp_server.py", module: "aiosmtpd", arguments: ["--delay-data", "5"])
    var slow = channel(port: server.port)
    slow.timeout = 1
    let started = ContinuousClock.now
    let error = #expect(throws: AlertDeliveryError.self) { try slow.send(sampleMessage()) }
    #expect(error == .timedOut(host: "127.0.0.1:\(server.port)", seconds: 1))
    #expect(ContinuousClock.now - started < .seconds(4))
  }

  @Test("settings that cannot work are refused before connecting")
  func invalidConfiguration() {
    let cases: [SMTPChannel] = [
      SMTPChannel(url: "http://127.0.0.1:25", from: "a@b.c", to: ["d@e.f"]),
      SMTPChannel(url: "smtp://user:pw@127.0.0.1:25", from: "a@b.c", to: ["d@e.f"]),
      SMTPChannel(url: "smtp://127.0.0.1:25", from: "a@b.c", to: []),
      SMTPChannel(url: "smtp://127.0.0.1:25", from: "a@b.c", to: ["d@e.f>\r\nRCPT TO:<x@y.z"]),
      SMTPChannel(url: "smtp://127.0.0.1:25", from: "no-at-sign", to: ["d@e.f"]),
    ]
    for channel in cases {
      let error = #expect(throws: AlertDeliveryError.self) { try channel.send(sampleMessage()) }
      guard case .invalidConfiguration = error else {
        Issue.record("expected .invalidConfiguration for \(channel.url), got \(String(describing: error))")
        continue
      }
      #expect(!"\(error!)".contains("pw@"))
    }
  }
}
