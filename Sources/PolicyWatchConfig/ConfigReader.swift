import Foundation
import PolicyWatchSupport

/// Why a configuration file cannot be used: the file, the line and column, the key path
/// (`alerts.channels[0].smtp.to[1]`) and the cause. Never contains a secret's value: secrets are named by their
/// variable or file, not shown.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  /// 1-based line and column (in bytes) of the value, key or object at fault; nil when the file could not be read.
  public var line: Int?
  public var column: Int?
  /// Dotted key path with array indices; empty for the whole file.
  public var keyPath: String
  public var message: String

  public init(file: String, line: Int? = nil, column: Int? = nil, keyPath: String, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.keyPath = keyPath
    self.message = message
  }

  /// `FILE:LINE:COLUMN: KEY.PATH: cause`, as compilers write it (the position and key path left out when unknown).
  public var description: String {
    var text = file
    if let line, let column { text += ":\(line):\(column)" }
    if !keyPath.isEmpty { text += ": \(keyPath)" }
    return text + ": " + message
  }
}

/// A typed walk over a parsed JSON object (`JSONText`, so `true` is never a number nor `1` a boolean, and a
/// duplicate key is refused) that records where it is, so every error names its line, column and key path, and
/// that reports keys nobody read (typos such as `pasword`) instead of ignoring them.
///
/// Hand-written rather than `Codable`: `DecodingError` names neither unknown keys nor the file, and its
/// messages ("The data couldn't be read because it is missing") are not what a person editing a file needs.
final class ConfigReader {
  let file: String
  let path: String
  /// The object read, with its members in file order.
  let object: JSONNode
  private let members: [JSONNode.Member]
  private var read: Set<String> = []
  /// Errors collected so far (shared by nested readers), in the order found, and the file's bytes for positions.
  private let sink: ErrorSink

  final class ErrorSink {
    var errors: [ConfigError] = []
    /// The configuration file's text, to turn byte offsets into lines and columns.
    let bytes: [UInt8]
    init(bytes: [UInt8] = []) { self.bytes = bytes }
  }

  /// A reader of `object`, which must be a JSON object (anything else reads as an empty one).
  init(file: String, path: String, object: JSONNode, sink: ErrorSink) {
    self.file = file
    self.path = path
    self.object = object
    self.members = object.members ?? []
    self.sink = sink
  }

  func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// Records a problem at `key` (a key of this object, or a path below it such as `to[1]` or `headers.X-Key`), or
  /// at the object itself when `key` is nil. The position is that of the value at `key` when there is one, else
  /// that of this object (a missing key is reported where it should be).
  func fail(_ key: String?, _ message: String) {
    let offset = key.flatMap(locate)?.offset ?? object.offset
    report(key.map(keyPath) ?? path, message, offset: offset)
  }

  private func report(_ keyPath: String, _ message: String, offset: Int) {
    let (line, column) = JSONText.lineAndColumn(of: offset, in: sink.bytes)
    sink.errors.append(ConfigError(file: file, line: line, column: column, keyPath: keyPath, message: message))
  }

  /// The node at `key`, or at a path below it written as in messages (`argv[0]`, `headers.X-Key`).
  private func locate(_ key: String) -> JSONNode? {
    if let member = member(key) { return member.value }
    guard let split = key.firstIndex(where: { $0 == "[" || $0 == "." }),
      var current = member(String(key[..<split]))?.value
    else { return nil }
    var rest = key[split...]
    while let first = rest.first {
      if first == "[", let close = rest.firstIndex(of: "]"),
        let index = Int(rest[rest.index(after: rest.startIndex)..<close])
      {
        guard let elements = current.array, elements.indices.contains(index) else { return current }
        current = elements[index]
        rest = rest[rest.index(after: close)...]
      } else if first == "." {
        let name = rest.dropFirst().prefix { $0 != "." && $0 != "[" }
        guard let next = current[String(name)] else { return current }
        current = next
        rest = rest.dropFirst(1 + name.count)
      } else {
        return current
      }
    }
    return current
  }

  private func member(_ key: String) -> JSONNode.Member? { members.first { $0.key == key } }

  func has(_ key: String) -> Bool {
    guard let value = member(key)?.value else { return false }
    if case .null = value.value { return false }
    return true
  }

  /// The value at `key` as Swift values (`String`, `Double`, `Bool`, `[Any]`, `[String: Any]`, `NSNull` for
  /// null), without marking it read. `node(key)` gives the same value typed, with its position.
  func peek(_ key: String) -> Any? { node(key).map(Self.plain) }

  /// The JSON value at `key`, without marking it read.
  func node(_ key: String) -> JSONNode? { member(key)?.value }

  private func value(_ key: String) -> JSONNode? {
    read.insert(key)
    guard let value = member(key)?.value else { return nil }
    if case .null = value.value { return nil }
    return value
  }

  func string(_ key: String) -> String? {
    guard let value = value(key) else { return nil }
    guard let text = value.string else {
      fail(key, "expected a string, found \(Self.describe(value))")
      return nil
    }
    return text
  }

  func strings(_ key: String) -> [String]? {
    guard let value = value(key) else { return nil }
    if let single = value.string { return [single] }
    guard let array = value.array else {
      fail(key, "expected a list of strings, found \(Self.describe(value))")
      return nil
    }
    var result: [String] = []
    for (index, element) in array.enumerated() {
      guard let text = element.string else {
        fail("\(key)[\(index)]", "expected a string, found \(Self.describe(element))")
        continue
      }
      result.append(text)
    }
    return result
  }

  func number(_ key: String, range: ClosedRange<Double>) -> Double? {
    guard let value = value(key) else { return nil }
    guard let double = value.number else {
      fail(key, "expected a number, found \(Self.describe(value))")
      return nil
    }
    guard range.contains(double) else {
      fail(
        key,
        "\(Self.format(double)) is out of range (\(Self.format(range.lowerBound))…\(Self.format(range.upperBound)))")
      return nil
    }
    return double
  }

  func integer(_ key: String, range: ClosedRange<Int>) -> Int? {
    guard let double = number(key, range: Double(range.lowerBound)...Double(range.upperBound)) else { return nil }
    guard double == double.rounded() else {
      fail(key, "expected a whole number, found \(Self.format(double))")
      return nil
    }
    return Int(double)
  }

  func bool(_ key: String) -> Bool? {
    guard let value = value(key) else { return nil }
    guard let flag = value.bool else {
      fail(key, "expected true or false, found \(Self.describe(value))")
      return nil
    }
    return flag
  }

  func dictionaryOfStrings(_ key: String) -> [String: String]? {
    guard let value = value(key) else { return nil }
    guard let members = value.members else {
      fail(key, "expected an object of strings, found \(Self.describe(value))")
      return nil
    }
    var result: [String: String] = [:]
    for member in members {
      guard let text = member.value.string else {
        report(
          keyPath("\(key).\(member.key)"), "expected a string, found \(Self.describe(member.value))",
          offset: member.value.offset)
        continue
      }
      result[member.key] = text
    }
    return result
  }

  func child(_ key: String) -> ConfigReader? {
    guard let value = value(key) else { return nil }
    guard value.members != nil else {
      fail(key, "expected an object, found \(Self.describe(value))")
      return nil
    }
    return ConfigReader(file: file, path: keyPath(key), object: value, sink: sink)
  }

  func children(_ key: String) -> [ConfigReader]? {
    guard let value = value(key) else { return nil }
    guard let array = value.array else {
      fail(key, "expected a list of objects, found \(Self.describe(value))")
      return nil
    }
    var result: [ConfigReader] = []
    for (index, element) in array.enumerated() {
      guard element.members != nil else {
        fail("\(key)[\(index)]", "expected an object, found \(Self.describe(element))")
        continue
      }
      result.append(ConfigReader(file: file, path: keyPath("\(key)[\(index)]"), object: element, sink: sink))
    }
    return result
  }

  /// Reports every key that was not read (keys starting with `_` or `//` are comments and allowed), in file order,
  /// at the key's own position.
  func finish() {
    for member in members where !read.contains(member.key) && !member.key.hasPrefix("_") && !member.key.hasPrefix("//")
    {
      let key = member.key
      let near = read.filter { EditDistance.between($0.lowercased(), key.lowercased()) <= 2 }.sorted().first
      report(keyPath(key), "unknown key" + (near.map { " (did you mean \"\($0)\"?)" } ?? ""), offset: member.keyOffset)
    }
  }

  /// The value in words for messages: `true`, `the number 3`, `a string`…
  static func describe(_ node: JSONNode) -> String {
    switch node.value {
    case .bool(let flag): "\(flag)"
    case .number(let number): "the number \(format(number))"
    case .string: "a string"
    case .array: "a list"
    case .object: "an object"
    case .null: "null"
    }
  }

  /// A JSON value as the Swift values `peek` promises.
  static func plain(_ node: JSONNode) -> Any {
    switch node.value {
    case .null: NSNull()
    case .bool(let flag): flag
    case .number(let number): number
    case .string(let text): text
    case .array(let elements): elements.map(plain)
    case .object(let members):
      Dictionary(members.map { ($0.key, plain($0.value)) }, uniquingKeysWith: { first, _ in first })
    }
  }

  static func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
  }
}
