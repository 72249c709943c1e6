import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchAlerts

@Suite("MIME message building")
struct MIMEMessageTests {
  /// Decodes the `=?UTF-8?B?…?=` words of a header value (test-side decoder, independent of the encoder).
  func decodeEncodedWords(_ value: String) -> String? {
    var bytes: [UInt8] = []
    for word in value.split(whereSeparator: { $0 == " " || $0 == "\r" || $0 == "\n" }) {
      guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
        let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
      else { return nil }
      bytes += data
    }
    return String(validating: bytes, as: UTF8.self)
  }

  /// Decodes quoted-printable (test-side decoder).
  func decodeQuotedPrintable(_ text: String) -> String {
    var bytes: [UInt8] = []
    for line in text.components(separatedBy: "\r\n") {
      var characters = Array(line.utf8)
      let soft = characters.last == UInt8(ascii: "=")
      if soft { characters.removeLast() }
      var index = 0
      while index < characters.count {
        if characters[index] == UInt8(ascii: "="), index + 2 < characters.count + 0,
          let byte = UInt8(String(decoding: characters[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
        {
          bytes.append(byte)
          index += 3
        } else {
          bytes.append(characters[index])
          index += 1
        }
      }
      if !soft { bytes += [13, 10] }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  func build(subject: String, text: String = "body") -> String {
    String(
      decoding: MIMEMessage.build(
        from: "alerts@example.org", fromName: "PolicyWatch", to: ["a@example.org"], subject: subject, text: text,
        html: "<p>body</p>", messageID: "<x.policywatch@example.org>", date: Date(timeIntervalSince1970: 0)),
      as: UTF8.self)
  }

  func header(_ name: String, in message: String) -> String? {
    let head = message.components(separatedBy: "\r\n\r\n")[0]
    let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ")
    return unfolded.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map {
      String($0.dropFirst(name.count + 2))
    }
  }

  @Test("a long non-ASCII subject becomes encoded words of ≤ 75 characters that decode back exactly")
  func encodedSubject() throws {
    let subject =
      "[PolicyWatch] Société Générale – Politique de confidentialité: nouvelles clauses 🙂 sur l’entraînement "
      + "de modèles d’IA, le partage avec des sociétés affiliées et la vente de données 日本語"
    let message = build(subject: subject)
    let lines = message.components(separatedBy: "\r\n")
    #expect(lines.allSatisfy { $0.utf8.count <= 78 })
    let value = try #require(header("Subject", in: message))
    let words = value.split(separator: " ")
    #expect(words.count > 2)
    #expect(words.allSatisfy { $0.count <= 75 })
    #expect(decodeEncodedWords(value) == subject)
    #expect(header("Date", in: message) == "Thu, 01 Jan 1970 00:00:00 +0000")
  }

  @Test("a plain ASCII subject stays readable, folded at spaces")
  func plainSubject() throws {
    let subject = Array(repeating: "Privacy Policy changed", count: 6).joined(separator: " ")
    let message = build(subject: subject)
    #expect(message.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    #expect(header("Subject", in: message) == subject)
    #expect(!message.contains("=?UTF-8?"))
  }

  @Test("no header value can start a new header line, whatever control characters it holds")
  func controlCharactersInHeaders() {
    let message = build(subject: "a\rb\nc\r\nBcc: x@y.z\u{2028}X-Injected: 1\u{0}\u{85}end")
    let head = message.components(separatedBy: "\r\n\r\n")[0]
    for line in head.components(separatedBy: "\r\n") {
      #expect(!line.hasPrefix("Bcc") && !line.hasPrefix("X-Injected"))
    }
    #expect(!head.contains("\r\nBcc"))
  }

  @Test("quoted-printable bodies: CRLF only, lines ≤ 76, exact round trip, lone dots left to the transport")
  func quotedPrintableBody() {
    let text =
      "first line\n.\n..two dots\ntrailing space \nunicode ü – 日本 🙂 "
      + String(repeating: "long words and = signs ", count: 10) + "\r\nold mac\rend"
    let encoded = MIMEMessage.quotedPrintable(text)
    let lines = encoded.components(separatedBy: "\r\n")
    #expect(lines.allSatisfy { $0.utf8.count <= 76 })
    #expect(!lines.contains { $0.contains("\n") || $0.contains("\r") })
    #expect(lines.contains("."))
    #expect(!encoded.contains("=_"))  // so the "=_policywatch_" boundary can never occur in a part
    let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
      .replacingOccurrences(of: "\n", with: "\r\n")
    #expect(decodeQuotedPrintable(encoded) == normalised + "\r\n")
  }

  @Test("Message-ID: the same for the same event, different for different events, always a valid msg-id")
  func messageIDs() {
    let first = MIMEMessage.messageID(eventID: "evt/42 ü", domain: "mail.example.org")
    #expect(first == MIMEMessage.messageID(eventID: "evt/42 ü", domain: "mail.example.org"))
    #expect(first != MIMEMessage.messageID(eventID: "evt-42 ü", domain: "mail.example.org"))
    #expect(first == "<evt=2F42=20=C3=BC.policywatch@mail.example.org>")
    #expect(MIMEMessage.messageID(eventID: "e", domain: "bad host\r\n..") == "<e.policywatch@badhost>")
  }

  /// Found by Scripts/fuzz.sh mime: an event id of a long non-ASCII service name (each byte written `=XX`) made a
  /// Message-ID header line longer than RFC 5322's 998 characters.
  @Test("a long event id still gives a Message-ID line within 998 characters, stable and distinct")
  func longEventIDs() {
    let service = String(repeating: "Сервис сравнения цен ", count: 12)
    let id = "\(service)/Политика конфиденциальности/change/2024-09-19T06:10:13Z"
    let other = "\(service)/Политика конфиденциальности/change/2024-09-20T06:10:13Z"
    let messageID = MIMEMessage.messageID(eventID: id, domain: String(repeating: "very-long-label.", count: 30))
    #expect(messageID.utf8.count < 500)
    #expect(messageID == MIMEMessage.messageID(eventID: id, domain: String(repeating: "very-long-label.", count: 30)))
    #expect(
      messageID != MIMEMessage.messageID(eventID: other, domain: String(repeating: "very-long-label.", count: 30)))
    #expect(messageID.hasPrefix("<=D0=A1=D0=B5"))
    let message = MIMEMessage.build(
      from: "a@example.org", to: ["b@example.org"], subject: "s", text: "t", html: "h", messageID: messageID,
      date: Date(timeIntervalSince1970: 0), headers: [(name: "X-PolicyWatch-Event-ID", value: id)])
    for line in String(decoding: message, as: UTF8.self).components(separatedBy: "\r\n") {
      #expect(line.utf8.count <= 998)
    }
  }

  @Test("secrets print as *** in descriptions, interpolation and dumps")
  func secretsStayHidden() {
    let channel = SMTPChannel(
      url: "smtp://127.0.0.1", from: "a@b.c", to: ["d@e.f"], username: "u", password: Secret("hunter2"))
    let webhook = WebhookChannel(url: "https://127.0.0.1/x", bearerToken: Secret("tok-secret"))
    var dumped = ""
    dump(channel, to: &dumped)
    dump(webhook, to: &dumped)
    #expect("\(Secret("hunter2"))" == "***")
    #expect(!"\(channel) \(webhook)".contains("hunter2") && !"\(webhook)".contains("tok-secret"))
    #expect(!dumped.contains("hunter2") && !dumped.contains("tok-secret"))
  }
}
