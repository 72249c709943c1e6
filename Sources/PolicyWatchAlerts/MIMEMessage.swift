import Foundation
import PolicyWatchFetch
import PolicyWatchSupport

/// Builds an RFC 5322 / MIME email: CRLF line endings, header lines folded at 78 columns, non-ASCII headers as
/// RFC 2047 encoded words, a `multipart/alternative` body with a text/plain and a text/html part in UTF-8 and
/// quoted-printable (lines ≤ 76). Pure 7-bit output, so it needs neither 8BITMIME nor SMTPUTF8.
///
/// Dot-stuffing is *not* done here: libcurl does it while uploading over SMTP (a line starting with "." is sent
/// as ".."), so the bytes built here are also right for a `sendmail`-style pipe.
public enum MIMEMessage {
  /// One extra header, e.g. `("X-PolicyWatch-Service", "LinkedIn")`. The value is unstructured text: it is
  /// made single-line and encoded like the Subject.
  public typealias Header = (name: String, value: String)

  /// The whole message, ready for SMTP DATA or `sendmail -t`.
  ///
  /// - Parameters:
  ///   - from: the sender's address (`alerts@example.org`); `fromName` an optional display name.
  ///   - to: the recipients' addresses, listed in the To header.
  ///   - subject: unstructured text; control characters are removed, non-ASCII is RFC 2047 encoded.
  ///   - messageID: the complete `<…>` id, see `messageID(eventID:domain:)`.
  public static func build(
    from: String, fromName: String? = nil, to: [String], subject: String, text: String, html: String,
    messageID: String, date: Date, headers: [Header] = []
  ) -> [UInt8] {
    // Deterministic boundary: quoted-printable output never contains "=_" ('=' always starts "=XX" or a soft
    // break), so a boundary starting with "=_" cannot occur inside a part.
    let boundary = "=_policywatch_" + hexHash(messageID)
    var lines: [String] = []
    lines.append("Date: " + rfc5322Date(date))
    lines.append(mailboxHeader(name: "From", address: from, displayName: fromName))
    lines.append(addressListHeader(name: "To", addresses: to))
    lines.append(unstructuredHeader(name: "Subject", value: subject))
    lines.append("Message-ID: " + singleLine(messageID))
    lines.append("MIME-Version: 1.0")
    // RFC 3834: tells auto-responders (vacation replies) not to answer.
    lines.append("Auto-Submitted: auto-generated")
    for header in headers {
      lines.append(unstructuredHeader(name: headerName(header.name), value: header.value))
    }
    lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
    lines.append("")
    lines.append("This is a multi-part message in MIME format.")
    for (type, body) in [("text/plain", text), ("text/html", html)] {
      lines.append("")
      lines.append("--" + boundary)
      lines.append("Content-Type: \(type); charset=utf-8")
      lines.append("Content-Transfer-Encoding: quoted-printable")
      lines.append("")
      lines.append(quotedPrintable(body))
    }
    lines.append("")
    lines.append("--" + boundary + "--")
    lines.append("")
    return Array(lines.joined(separator: "\r\n").utf8)
  }

  /// `<eventid.policywatch@domain>`: the same event always gets the same Message-ID, so a receiver (or its
  /// mail client) can drop a duplicate delivery. Characters outside `[A-Za-z0-9_-]` in the event id are
  /// written `=XX` (UTF-8 bytes; '=' is allowed in a msg-id and keeps the mapping one-to-one). At most 200
  /// characters before `.policywatch` and 253 after `@` (a longer id is cut and followed by its SHA-256).
  public static func messageID(eventID: String, domain: String) -> String {
    var left = ""
    for byte in eventID.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
        left.append(Character(UnicodeScalar(byte)))
      default:
        left += "=" + hex2(byte)
      }
    }
    if left.isEmpty { left = "event" }
    // A long event id (a long service name, each non-ASCII byte written in three characters) would make a header
    // line longer than RFC 5322's 998: past 200 characters it is cut (never inside an `=XX`) and the SHA-256 of
    // the whole id follows, so the id stays the same for the same event and different for another.
    if left.utf8.count > 200 {
      var cut = left.utf8.prefix(128)
      if let equals = cut.suffix(2).lastIndex(of: UInt8(ascii: "=")) { cut = cut[..<equals] }
      left = String(decoding: cut, as: UTF8.self) + "." + SHA256.hex(eventID)
    }
    var host = sanitizedDomain(domain)
    if host.utf8.count > 253 {
      host = String(host.prefix(253)).trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
    }
    return "<\(left).policywatch@\(host)>"
  }

  /// This machine's host name, for Message-IDs; `localhost` when it has none.
  public static var localHostName: String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    return sanitizedDomain(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
  }

  // MARK: Headers

  static let maxLine = 78

  /// `Name: value`, unstructured (RFC 5322 §3.2.5): plain ASCII words folded at spaces, or — when the value is
  /// not plain printable ASCII, contains "=?" or has a word too long to fold — RFC 2047 "B" encoded words of at
  /// most 75 characters, each on its own folded line, never splitting a UTF-8 character.
  static func unstructuredHeader(name: String, value: String) -> String {
    let value = singleLine(value)
    let prefix = name + ": "
    let words = value.split(separator: " ", omittingEmptySubsequences: true)
    let plain =
      value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !value.contains("=?")
      && words.allSatisfy { $0.utf8.count <= maxLine - prefix.utf8.count - 1 }
    if plain {
      return fold(prefix: prefix, tokens: words.map(String.init), separator: " ")
    }
    return prefix + encodedWords(value, firstLineRoom: maxLine - prefix.utf8.count).joined(separator: "\r\n ")
  }

  /// RFC 2047 encoded words (`=?UTF-8?B?…?=`, ≤ 75 characters); the first fits in `firstLineRoom` columns,
  /// the others in a folded line (one leading space). Splits only between characters.
  static func encodedWords(_ value: String, firstLineRoom: Int) -> [String] {
    let overhead = "=?UTF-8?B??=".count
    var words: [String] = []
    var chunk: [UInt8] = []
    func capacity() -> Int {
      let room = min(75, words.isEmpty ? firstLineRoom : maxLine - 1) - overhead
      return max(room / 4 * 3, 3)  // base64: 4 characters per 3 bytes
    }
    func flush() {
      guard !chunk.isEmpty else { return }
      words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
      chunk = []
    }
    for character in value {
      var bytes = Array(String(character).utf8)
      if chunk.count + bytes.count > capacity() { flush() }
      // A grapheme cluster longer than a whole word (rare: long emoji sequences) is split between scalars.
      while bytes.count > capacity() {
        var cut = 0
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
          let size = String(scalar).utf8.count
          if cut + size > capacity() { break }
          cut += size
        }
        cut = max(cut, 1)
        chunk = Array(bytes[..<cut])
        flush()
        bytes.removeFirst(cut)
      }
      chunk += bytes
    }
    flush()
    return words.isEmpty ? ["=?UTF-8?B??="] : words
  }

  /// `From: "Display Name" <address>`; a non-ASCII display name becomes encoded words.
  static func mailboxHeader(name: String, address: String, displayName: String?) -> String {
    let address = "<" + singleLine(address) + ">"
    guard let displayName = displayName.map(singleLine), !displayName.isEmpty else { return name + ": " + address }
    let ascii = displayName.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
    if ascii && !displayName.contains("=?") && displayName.utf8.count < 60 {
      let quoted = displayName.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      return fold(prefix: name + ": ", tokens: ["\"\(quoted)\"", address], separator: " ")
    }
    let words = encodedWords(displayName, firstLineRoom: maxLine - name.utf8.count - 2)
    return fold(prefix: name + ": ", tokens: words + [address], separator: " ")
  }

  /// `To: <a@x>, <b@y>` folded between addresses.
  static func addressListHeader(name: String, addresses: [String]) -> String {
    let tokens = addresses.enumerated().map { index, address in
      "<" + singleLine(address) + ">" + (index < addresses.count - 1 ? "," : "")
    }
    return fold(prefix: name + ": ", tokens: tokens, separator: " ")
  }

  /// Joins tokens after `prefix`, starting a folded line (CRLF + space) whenever the next one would pass 78.
  static func fold(prefix: String, tokens: [String], separator: String) -> String {
    var result = prefix
    var lineLength = prefix.utf8.count
    var first = true
    for token in tokens {
      let needed = (first ? 0 : separator.utf8.count) + token.utf8.count
      if !first && lineLength + needed > maxLine {
        result += "\r\n " + token
        lineLength = 1 + token.utf8.count
      } else {
        result += (first ? "" : separator) + token
        lineLength += needed
      }
      first = false
    }
    return result
  }

  /// A header name: printable ASCII without ':' or space (RFC 5322 ftext), else `X-Invalid`.
  static func headerName(_ name: String) -> String {
    let valid = !name.isEmpty && name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }
    return valid ? name : "X-Invalid"
  }

  // MARK: Body

  /// Quoted-printable (RFC 2045 §6.7) of the UTF-8 text, with every line break (CRLF, CR or LF) made a CRLF
  /// hard break and encoded lines of at most 76 characters (75 + the soft-break '='). '.' is left literal:
  /// dot-stuffing is the transport's job.
  static func quotedPrintable(_ text: String) -> String {
    let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    var lines = normalised.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
    var output: [String] = []
    for line in lines {
      let bytes = Array(line.utf8)
      var tokens: [String] = []
      for (index, byte) in bytes.enumerated() {
        let isLast = index == bytes.count - 1
        switch byte {
        case 33...60, 62...126: tokens.append(String(UnicodeScalar(byte)))
        case 32, 9: tokens.append(isLast ? "=" + hex2(byte) : String(UnicodeScalar(byte)))
        default: tokens.append("=" + hex2(byte))
        }
      }
      var current = ""
      for token in tokens {
        if current.utf8.count + token.utf8.count > 75 {
          output.append(current + "=")
          current = ""
        }
        current += token
      }
      output.append(current)
    }
    return output.joined(separator: "\r\n")
  }

  // MARK: Helpers

  /// RFC 5322 date in UTC: `Sun, 29 Nov 2026 00:45:13 +0000`.
  static func rfc5322Date(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
  }

  static func sanitizedDomain(_ domain: String) -> String {
    let kept = String(
      domain.unicodeScalars.filter {
        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".")
      })
    let labels = kept.split(separator: ".", omittingEmptySubsequences: true)
    return labels.isEmpty ? "localhost" : labels.joined(separator: ".")
  }

  static func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
  }

  /// FNV-1a, 64 bits, as 16 hex digits: a deterministic tag, not a security measure.
  static func hexHash(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
