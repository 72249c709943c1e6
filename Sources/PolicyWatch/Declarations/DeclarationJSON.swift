/// A small JSON reader for declaration files.
///
/// Why not `JSONSerialization`/`JSONDecoder`: validation must tell `true` from `1` (Foundation on Linux hands both
/// back as `NSNumber`), must keep the order of keys (documents are reported in the order they are declared), must
/// report duplicate keys (JSON parsers silently keep the last one, hiding a typo'd copy of a declaration) and must
/// say where a syntax error is (line and column). Nesting is capped so hostile input cannot exhaust the stack.
enum DeclarationJSON: Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([DeclarationJSON])
  case object(Object)

  /// A JSON object with its keys in file order.
  struct Object: Sendable {
    var entries: [(key: String, value: DeclarationJSON)]

    subscript(key: String) -> DeclarationJSON? {
      entries.first { $0.key == key }?.value
    }

    var keys: [String] { entries.map(\.key) }
  }

  /// "a string", "an array"… for messages such as `expected a string, found an array`.
  var kindDescription: String {
    switch self {
    case .null: return "null"
    case .bool: return "true/false"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }
}

/// A syntax error in a JSON file, with its 1-based line and column (column counted in bytes).
struct DeclarationJSONSyntaxError: Error, Sendable {
  var line: Int
  var column: Int
  var message: String
}

extension DeclarationJSON {
  /// Maximum nesting of arrays/objects; real declarations nest 5 levels deep.
  static let maximumDepth = 256

  static func parse(_ bytes: [UInt8]) throws(DeclarationJSONSyntaxError) -> DeclarationJSON {
    var reader = Reader(bytes: bytes)
    // A UTF-8 byte order mark is tolerated (some editors write one).
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
    reader.skipWhitespace()
    let value = try reader.readValue(depth: 0)
    reader.skipWhitespace()
    if reader.index < bytes.count { throw reader.error("unexpected data after the JSON value") }
    return value
  }

  private struct Reader {
    let bytes: [UInt8]
    var index = 0

    func error(_ message: String, at position: Int? = nil) -> DeclarationJSONSyntaxError {
      let end = min(position ?? index, bytes.count)
      var line = 1
      var lineStart = 0
      for i in 0..<end where bytes[i] == UInt8(ascii: "\n") {
        line += 1
        lineStart = i + 1
      }
      return DeclarationJSONSyntaxError(line: line, column: end - lineStart + 1, message: message)
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

    mutating func readValue(depth: Int) throws(DeclarationJSONSyntaxError) -> DeclarationJSON {
      guard index < bytes.count else { throw error("unexpected end of file, expected a value") }
      switch bytes[index] {
      case UInt8(ascii: "{"):
        return try readObject(depth: depth + 1)
      case UInt8(ascii: "["):
        return try readArray(depth: depth + 1)
      case UInt8(ascii: "\""):
        return .string(try readString())
      case UInt8(ascii: "t"):
        try readLiteral("true")
        return .bool(true)
      case UInt8(ascii: "f"):
        try readLiteral("false")
        return .bool(false)
      case UInt8(ascii: "n"):
        try readLiteral("null")
        return .null
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return .number(try readNumber())
      default:
        throw error("unexpected \(describeCurrent()), expected a value")
      }
    }

    mutating func readLiteral(_ literal: String) throws(DeclarationJSONSyntaxError) {
      let utf8 = Array(literal.utf8)
      guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
        throw error("invalid literal, expected \(literal)")
      }
      index += utf8.count
    }

    mutating func readNumber() throws(DeclarationJSONSyntaxError) -> Double {
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

    mutating func readHex4() throws(DeclarationJSONSyntaxError) -> UInt32 {
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

    mutating func readString() throws(DeclarationJSONSyntaxError) -> String {
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

    mutating func readArray(depth: Int) throws(DeclarationJSONSyntaxError) -> DeclarationJSON {
      if depth > DeclarationJSON.maximumDepth { throw error("nesting deeper than \(DeclarationJSON.maximumDepth)") }
      index += 1
      var elements: [DeclarationJSON] = []
      skipWhitespace()
      if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      while true {
        skipWhitespace()
        elements.append(try readValue(depth: depth))
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

    mutating func readObject(depth: Int) throws(DeclarationJSONSyntaxError) -> DeclarationJSON {
      if depth > DeclarationJSON.maximumDepth { throw error("nesting deeper than \(DeclarationJSON.maximumDepth)") }
      index += 1
      var object = Object(entries: [])
      var seen: Set<String> = []
      skipWhitespace()
      if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(object)
      }
      while true {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw error("unexpected \(describeCurrent()), expected a key in double quotes")
        }
        let keyPosition = index
        let key = try readString()
        if !seen.insert(key).inserted { throw error("duplicate key \"\(key)\"", at: keyPosition) }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
          throw error("unexpected \(describeCurrent()), expected \":\" after key \"\(key)\"")
        }
        index += 1
        skipWhitespace()
        object.entries.append((key, try readValue(depth: depth)))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of file, expected \",\" or \"}\"") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(object)
        } else {
          throw error("unexpected \(describeCurrent()), expected \",\" or \"}\"")
        }
      }
    }
  }
}
