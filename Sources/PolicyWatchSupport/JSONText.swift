/// A JSON value of a file people write (declarations, the configuration, data-use rules), with the byte offset where
/// it starts, so that a problem found after parsing can still be reported at its line and column.
///
/// Why not `JSONSerialization`/`JSONDecoder`: validation must tell `true` from `1` (Foundation on Linux hands both
/// back as `NSNumber`), must keep the order of keys, must report duplicate keys (JSON parsers silently keep the last
/// one, hiding a typo'd copy) and must say where a problem is (line and column). Nesting is capped so hostile input
/// cannot exhaust the stack.
package struct JSONNode: Sendable {
  package enum Value: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONNode])
    case object([Member])
  }

  /// One key and its value, in file order.
  package struct Member: Sendable {
    package var key: String
    package var keyOffset: Int
    package var value: JSONNode
  }

  package var value: Value
  /// Byte offset of the value's first character in the file.
  package var offset: Int

  /// The members of an object (nil for any other value).
  package var members: [Member]? {
    if case .object(let members) = value { return members }
    return nil
  }

  package subscript(key: String) -> JSONNode? {
    members?.first { $0.key == key }?.value
  }

  package var string: String? {
    if case .string(let text) = value { return text }
    return nil
  }

  package var array: [JSONNode]? {
    if case .array(let elements) = value { return elements }
    return nil
  }

  package var bool: Bool? {
    if case .bool(let flag) = value { return flag }
    return nil
  }

  package var number: Double? {
    if case .number(let number) = value { return number }
    return nil
  }

  /// "a string", "an array"… for messages such as `expected a string, found an array`.
  package var kindDescription: String {
    switch value {
    case .null: "null"
    case .bool: "true/false"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// A syntax error in a JSON file, with its 1-based line and column (column counted in bytes) and the key path
/// of the value being read when it was found.
package struct JSONSyntaxError: Error, Sendable {
  package var line: Int
  package var column: Int
  package var message: String
  /// Where in the document: keys and array indices from the top, outermost first (empty at the top level).
  package var path: [JSONPathComponent] = []

  /// The path written as `alerts.channels[0].name` (empty at the top level).
  package var keyPath: String { JSONPathComponent.dotted(path) }
}

/// One step of a key path into a JSON document.
package enum JSONPathComponent: Sendable, Equatable {
  case key(String)
  case index(Int)

  /// `a.b[0].c`: keys joined by dots, indices in brackets.
  package static func dotted(_ path: [JSONPathComponent]) -> String {
    var text = ""
    for component in path {
      switch component {
      case .key(let key): text += text.isEmpty ? key : "." + key
      case .index(let index): text += "[\(index)]"
      }
    }
    return text
  }
}

/// The reader of `JSONNode`s.
package enum JSONText {
  /// Maximum nesting of arrays/objects; real files nest 5 levels deep.
  package static let maximumDepth = 256

  package static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
    var reader = Reader(bytes: bytes)
    // A UTF-8 byte order mark is tolerated (some editors write one).
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
    reader.skipWhitespace()
    let value = try reader.readValue(depth: 0)
    reader.skipWhitespace()
    if reader.index < bytes.count { throw reader.error("unexpected data after the JSON value") }
    return value
  }

  /// The 1-based line and column (in bytes) of a byte offset.
  package static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
    let end = min(max(offset, 0), bytes.count)
    var line = 1
    var lineStart = 0
    for i in 0..<end where bytes[i] == UInt8(ascii: "\n") {
      line += 1
      lineStart = i + 1
    }
    return (line, end - lineStart + 1)
  }

  private struct Reader {
    let bytes: [UInt8]
    var index = 0

    func error(_ message: String, at position: Int? = nil) -> JSONSyntaxError {
      let (line, column) = JSONText.lineAndColumn(of: position ?? index, in: bytes)
      return JSONSyntaxError(line: line, column: column, message: message)
    }

    mutating func skipWhitespace() {
      while index < bytes.count {
        switch bytes[index] {
        case 0x20, 0x09, 0x0A, 0x0D: index += 1
        default: return
        }
      }
    }

    func describeCurrent() -> String {
      guard index < bytes.count else { return "end of file" }
      let byte = bytes[index]
      if byte >= 0x21 && byte < 0x7F { return "\"\(Character(Unicode.Scalar(byte)))\"" }
      return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    mutating func readValue(depth: Int) throws(JSONSyntaxError) -> JSONNode {
      guard index < bytes.count else { throw error("unexpected end of file, expected a value") }
      let offset = index
      let value: JSONNode.Value
      switch bytes[index] {
      case UInt8(ascii: "{"):
        value = try readObject(depth: depth + 1)
      case UInt8(ascii: "["):
        value = try readArray(depth: depth + 1)
      case UInt8(ascii: "\""):
        value = .string(try readString())
      case UInt8(ascii: "t"):
        try readLiteral("true")
        value = .bool(true)
      case UInt8(ascii: "f"):
        try readLiteral("false")
        value = .bool(false)
      case UInt8(ascii: "n"):
        try readLiteral("null")
        value = .null
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        value = .number(try readNumber())
      default:
        throw error("unexpected \(describeCurrent()), expected a value")
      }
      return JSONNode(value: value, offset: offset)
    }

    mutating func readLiteral(_ literal: String) throws(JSONSyntaxError) {
      let utf8 = Array(literal.utf8)
      guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
        throw error("invalid literal, expected \(literal)")
      }
      index += utf8.count
    }

    mutating func readNumber() throws(JSONSyntaxError) -> Double {
      let start = index
      func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
      if bytes[index] == UInt8(ascii: "-") { index += 1 }
      let integerStart = index
      while index < bytes.count && isDigit(bytes[index]) { index += 1 }
      if index == integerStart { throw error("invalid number", at: start) }
      if bytes[integerStart] == UInt8(ascii: "0") && index - integerStart > 1 {
        throw error("invalid number (leading zero)", at: start)
      }
      if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
        index += 1
        let fractionStart = index
        while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        if index == fractionStart { throw error("invalid number", at: start) }
      }
      if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
        index += 1
        if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
          index += 1
        }
        let exponentStart = index
        while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        if index == exponentStart { throw error("invalid number", at: start) }
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard let value = Double(text) else { throw error("invalid number", at: start) }
      return value
    }

    mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
      guard index + 4 <= bytes.count else { throw error("incomplete \\u escape") }
      var value: UInt32 = 0
      for _ in 0..<4 {
        let byte = bytes[index]
        let digit: UInt32
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
        default: throw error("invalid \\u escape")
        }
        value = value << 4 | digit
        index += 1
      }
      return value
    }

    mutating func readString() throws(JSONSyntaxError) -> String {
      let start = index
      index += 1  // opening quote
      var utf8: [UInt8] = []
      while true {
        guard index < bytes.count else { throw error("unterminated string", at: start) }
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
          index += 1
          // Invalid UTF-8 inside the file becomes U+FFFD.
          return String(decoding: utf8, as: UTF8.self)
        }
        if byte < 0x20 { throw error("control character in string (escape it)") }
        index += 1
        if byte != UInt8(ascii: "\\") {
          utf8.append(byte)
          continue
        }
        guard index < bytes.count else { throw error("unterminated string", at: start) }
        let escape = bytes[index]
        index += 1
        let scalar: Unicode.Scalar
        switch escape {
        case UInt8(ascii: "\""): scalar = "\""
        case UInt8(ascii: "\\"): scalar = "\\"
        case UInt8(ascii: "/"): scalar = "/"
        case UInt8(ascii: "b"): scalar = "\u{08}"
        case UInt8(ascii: "f"): scalar = "\u{0C}"
        case UInt8(ascii: "n"): scalar = "\n"
        case UInt8(ascii: "r"): scalar = "\r"
        case UInt8(ascii: "t"): scalar = "\t"
        case UInt8(ascii: "u"):
          var code = try readHex4()
          if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
          {
            let save = index
            index += 2
            let low = try readHex4()
            if (0xDC00...0xDFFF).contains(low) {
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else {
              index = save
            }
          }
          // A lone surrogate cannot be represented in a Swift string: it becomes U+FFFD, as in a browser.
          scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        default:
          throw error("invalid escape \\\(Character(Unicode.Scalar(escape)))", at: index - 2)
        }
        utf8.append(contentsOf: String(scalar).utf8)
      }
    }

    mutating func readArray(depth: Int) throws(JSONSyntaxError) -> JSONNode.Value {
      if depth > JSONText.maximumDepth { throw error("nesting deeper than \(JSONText.maximumDepth)") }
      index += 1
      var elements: [JSONNode] = []
      skipWhitespace()
      if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      while true {
        skipWhitespace()
        do {
          elements.append(try readValue(depth: depth))
        } catch {
          // Only on the error path: the key path costs nothing while the file is good.
          var located = error
          located.path.insert(.index(elements.count), at: 0)
          throw located
        }
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of file, expected \",\" or \"]\"") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(elements)
        } else {
          throw error("unexpected \(describeCurrent()), expected \",\" or \"]\"")
        }
      }
    }

    mutating func readObject(depth: Int) throws(JSONSyntaxError) -> JSONNode.Value {
      if depth > JSONText.maximumDepth { throw error("nesting deeper than \(JSONText.maximumDepth)") }
      index += 1
      var members: [JSONNode.Member] = []
      var seen: Set<String> = []
      skipWhitespace()
      if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw error("unexpected \(describeCurrent()), expected a key in double quotes")
        }
        let keyPosition = index
        let key = try readString()
        if !seen.insert(key).inserted {
          var duplicate = error("duplicate key \"\(key)\"", at: keyPosition)
          duplicate.path = [.key(key)]
          throw duplicate
        }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
          throw error("unexpected \(describeCurrent()), expected \":\" after key \"\(key)\"")
        }
        index += 1
        skipWhitespace()
        let value: JSONNode
        do {
          value = try readValue(depth: depth)
        } catch {
          var located = error
          located.path.insert(.key(key), at: 0)
          throw located
        }
        members.append(JSONNode.Member(key: key, keyOffset: keyPosition, value: value))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of file, expected \",\" or \"}\"") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        } else {
          throw error("unexpected \(describeCurrent()), expected \",\" or \"}\"")
        }
      }
    }
  }
}
