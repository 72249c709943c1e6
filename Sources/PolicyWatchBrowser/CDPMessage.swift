import Foundation

/// A JSON value as the DevTools protocol sends it, read once into an immutable Swift value (no `Any` escapes the
/// decoder).
enum CDPValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([CDPValue])
  case object([String: CDPValue])

  subscript(key: String) -> CDPValue? {
    if case .object(let object) = self { return object[key] }
    return nil
  }

  var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  var int: Int? {
    if case .number(let value) = self, value.rounded() == value, abs(value) < 1e15 { return Int(value) }
    return nil
  }

  var bool: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// Reads JSON text; nil when it is not JSON.
  static func parse(_ bytes: some Collection<UInt8>) -> CDPValue? {
    try? JSONDecoder().decode(CDPValue.self, from: Data(bytes))
  }

  /// Compact JSON text.
  var json: String {
    var output = ""
    write(to: &output)
    return output
  }

  private func write(to output: inout String) {
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .number(let value):
      if value.rounded() == value, abs(value) < 1e15 { output += String(Int(value)) } else { output += "\(value)" }
    case .string(let value): CDPValue.writeString(value, to: &output)
    case .array(let values):
      output += "["
      for (index, value) in values.enumerated() {
        if index > 0 { output += "," }
        value.write(to: &output)
      }
      output += "]"
    case .object(let object):
      output += "{"
      for (index, key) in object.keys.sorted().enumerated() {
        if index > 0 { output += "," }
        CDPValue.writeString(key, to: &output)
        output += ":"
        object[key]?.write(to: &output)
      }
      output += "}"
    }
  }

  private static func writeString(_ value: String, to output: inout String) {
    output += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
        output += String(format: "\\u%04x", scalar.value)
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}

extension CDPValue: Decodable {
  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([CDPValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: CDPValue].self))
    }
  }
}

extension CDPValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral
{
  init(stringLiteral value: String) { self = .string(value) }
  init(booleanLiteral value: Bool) { self = .bool(value) }
  init(integerLiteral value: Int) { self = .number(Double(value)) }
  init(dictionaryLiteral elements: (String, CDPValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
  init(arrayLiteral elements: CDPValue...) { self = .array(elements) }
}

/// One message from the browser: the answer to a command (`id`), or an event (`method`), either for the browser
/// itself or for one attached page (`sessionId`).
enum CDPIncoming: Sendable, Equatable {
  case response(id: Int, result: CDPValue?, error: String?)
  case event(method: String, params: CDPValue, sessionID: String?)
}

/// `--remote-debugging-pipe` framing: each message is one JSON object followed by a NUL byte, in both directions
/// (the browser reads commands on its fd 3 and writes answers and events on its fd 4).
struct CDPFraming {
  private var buffer: [UInt8] = []
  /// A message longer than this is a protocol failure (the browser never sends one: a whole page's DOM is far
  /// smaller), not something to grow memory for without end.
  let maxMessageBytes: Int

  init(maxMessageBytes: Int = 256 << 20) { self.maxMessageBytes = maxMessageBytes }

  /// A command as bytes on the wire.
  static func encode(id: Int, method: String, params: CDPValue, sessionID: String?) -> [UInt8] {
    var message: [String: CDPValue] = ["id": .number(Double(id)), "method": .string(method), "params": params]
    if let sessionID { message["sessionId"] = .string(sessionID) }
    return Array(CDPValue.object(message).json.utf8) + [0]
  }

  /// Adds bytes read from the pipe and returns every message they complete, in order. A message that is not
  /// JSON, or not a response or an event, is returned as nil in its place (the caller counts it as a protocol
  /// error); bytes after the last NUL wait for the next read.
  mutating func append(_ bytes: some Collection<UInt8>) throws(BrowserError) -> [CDPIncoming?] {
    buffer.append(contentsOf: bytes)
    var messages: [CDPIncoming?] = []
    var start = 0
    while let end = buffer[start...].firstIndex(of: 0) {
      messages.append(Self.decode(buffer[start..<end]))
      start = end + 1
    }
    buffer.removeFirst(start)
    if buffer.count > maxMessageBytes {
      throw .protocolFailure("a message from the browser is longer than \(maxMessageBytes) bytes")
    }
    return messages
  }

  static func decode(_ bytes: some Collection<UInt8>) -> CDPIncoming? {
    guard let value = CDPValue.parse(bytes), case .object = value else { return nil }
    if let id = value["id"]?.int {
      let error = value["error"].map { error in
        let message = error["message"]?.string ?? error.json
        if let data = error["data"]?.string { return "\(message) (\(data))" }
        return message
      }
      return .response(id: id, result: value["result"], error: error)
    }
    if let method = value["method"]?.string {
      return .event(method: method, params: value["params"] ?? .object([:]), sessionID: value["sessionId"]?.string)
    }
    return nil
  }
}
