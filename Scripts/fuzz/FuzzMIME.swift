// libFuzzer target "mime": the email builder (see Scripts/fuzz.sh).
//
// Compiled into the PolicyWatch module itself (`-module-name PolicyWatch`). The input, split at NUL bytes, gives the
// subject, the plain-text body, the HTML body, the sender's display name, an extra header's name and value, the
// event id and the Message-ID domain (the sender and recipients are plausible addresses, as the configuration
// reader requires).
// Checks (the builder's contract): every byte is 7-bit ASCII; every line ends with CRLF (no bare CR or LF); no line
// is longer than 998 characters, no body line longer than 76; the header has exactly one From, To, Subject and
// Message-ID line and every other line is a header or a folded continuation (nothing from the subject or a name can
// start a header); both parts decode (quoted-printable) back to their text, line breaks made CRLF.

import Foundation

private func decodeQuotedPrintable(_ lines: ArraySlice<Substring>) -> [UInt8] {
  var bytes: [UInt8] = []
  for (index, line) in lines.enumerated() {
    var characters = Array(line.utf8)
    let soft = characters.last == UInt8(ascii: "=")
    if soft { characters.removeLast() }
    var position = 0
    while position < characters.count {
      if characters[position] == UInt8(ascii: "="), position + 2 < characters.count,
        let byte = UInt8(String(decoding: characters[(position + 1)...(position + 2)], as: UTF8.self), radix: 16)
      {
        bytes.append(byte)
        position += 3
      } else {
        bytes.append(characters[position])
        position += 1
      }
    }
    if !soft && index < lines.count - 1 { bytes += [13, 10] }
  }
  return bytes
}

private func expected(_ text: String) -> [UInt8] {
  var normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
  if normalised.hasSuffix("\n") { normalised.removeLast() }
  return Array(normalised.replacingOccurrences(of: "\n", with: "\r\n").utf8)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIME(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let fields = UnsafeBufferPointer(start: data, count: size).split(separator: 0, omittingEmptySubsequences: false)
    .map { String(decoding: $0, as: UTF8.self) }
  func field(_ index: Int) -> String { index < fields.count ? fields[index] : "" }
  let subject = field(0)
  let text = field(1)
  let html = field(2)
  let message = MIMEMessage.build(
    from: "alerts@example.org", fromName: field(3).isEmpty ? nil : field(3),
    to: ["team@example.org", "legal@example.org"], subject: subject, text: text, html: html,
    messageID: MIMEMessage.messageID(eventID: field(6), domain: field(7)), date: Date(timeIntervalSince1970: 1e9),
    headers: [(name: field(4), value: field(5))])
  precondition(message.allSatisfy { $0 < 0x80 }, "a byte beyond 7-bit ASCII")
  for (index, byte) in message.enumerated() {
    if byte == 13 { precondition(index + 1 < message.count && message[index + 1] == 10, "a bare CR") }
    if byte == 10 { precondition(index > 0 && message[index - 1] == 13, "a bare LF") }
  }
  let wire = String(decoding: message, as: UTF8.self)
  let lines = wire.components(separatedBy: "\r\n")
  for line in lines { precondition(line.utf8.count <= 998, "a line of \(line.utf8.count) characters") }
  let blank = lines.firstIndex(of: "")!
  var names: [String] = []
  for line in lines[..<blank] {
    if line.hasPrefix(" ") || line.hasPrefix("\t") { continue }
    let colon = line.firstIndex(of: ":")
    precondition(colon != nil, "a header line that is no header: \(line.debugDescription)")
    names.append(String(line[..<colon!]))
  }
  for name in ["From", "To", "Subject", "Message-ID", "Date", "MIME-Version"] {
    precondition(names.filter { $0 == name }.count == 1, "\(name) appears \(names.filter { $0 == name }.count) times")
  }
  // The parts: after each part's blank line, up to the next boundary line.
  // The boundary the Content-Type header declares, on the line after it (another header's text may look like a
  // boundary or a parameter: only that header's own line counts).
  let contentType = lines[..<blank].firstIndex { $0 == "Content-Type: multipart/alternative;" }!
  let declared = lines[contentType + 1].dropFirst(11).dropLast()
  let boundary = "--" + declared
  var bodies: [[UInt8]] = []
  var index = blank
  while let start = lines[index...].firstIndex(of: boundary) {
    guard let partBlank = lines[start...].firstIndex(of: "") else { break }
    let end = lines[(partBlank + 1)...].firstIndex { $0.hasPrefix(boundary) }!
    // The part's text ends with the blank line before the boundary.
    let body = lines[(partBlank + 1)..<(end - 1)]
    for line in body { precondition(line.utf8.count <= 76, "a body line of \(line.utf8.count) characters") }
    bodies.append(decodeQuotedPrintable(body.map { Substring($0) }[...]))
    index = end
  }
  precondition(bodies.count == 2, "\(bodies.count) parts")
  precondition(bodies[0] == expected(text), "the text part does not decode to the text")
  precondition(bodies[1] == expected(html), "the HTML part does not decode to the HTML")
  return 0
}
