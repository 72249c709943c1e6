import PolicyWatchSupport

/// A declaration file's JSON, read by `JSONText` (see there why not Foundation's reader): keys in file order (documents
/// are reported in the order they are declared), duplicate keys refused (a typo'd copy of a declaration), syntax errors
/// at their line and column.
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
  static func parse(_ bytes: [UInt8]) throws(DeclarationJSONSyntaxError) -> DeclarationJSON {
    do {
      return DeclarationJSON(try JSONText.parse(bytes))
    } catch {
      throw DeclarationJSONSyntaxError(line: error.line, column: error.column, message: error.message)
    }
  }

  init(_ node: JSONNode) {
    switch node.value {
    case .null: self = .null
    case .bool(let flag): self = .bool(flag)
    case .number(let number): self = .number(number)
    case .string(let text): self = .string(text)
    case .array(let elements): self = .array(elements.map(DeclarationJSON.init))
    case .object(let members): self = .object(Object(entries: members.map { ($0.key, DeclarationJSON($0.value)) }))
    }
  }
}
