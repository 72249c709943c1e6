import Foundation
import PolicyWatchSupport

/// Why a configuration file cannot be used: the file, the key path (`alerts.channels[0].smtp.to[1]`) and the
/// cause. Never contains a secret's value: secrets are named by their variable or file, not shown.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  /// Dotted key path with array indices; empty for the whole file.
  public var keyPath: String
  public var message: String

  public init(file: String, keyPath: String, message: String) {
    self.file = file
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String {
    keyPath.isEmpty ? "\(file): \(message)" : "\(file): \(keyPath): \(message)"
  }
}

/// A typed walk over a parsed JSON object that records where it is, so every error names its key path, and
/// that reports keys nobody read (typos such as `pasword`) instead of ignoring them.
///
/// Hand-written rather than `Codable`: `DecodingError` names neither unknown keys nor the file, and its
/// messages ("The data couldn't be read because it is missing") are not what a person editing a file needs.
final class ConfigReader {
  let file: String
  let path: String
  private let object: [String: Any]
  private var read: Set<String> = []
  /// Errors collected so far (shared by nested readers), in the order found.
  private let sink: ErrorSink

  final class ErrorSink {
    var errors: [ConfigError] = []
  }

  init(file: String, path: String, object: [String: Any], sink: ErrorSink) {
    self.file = file
    self.path = path
    self.object = object
    self.sink = sink
  }

  func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  func fail(_ key: String?, _ message: String) {
    sink.errors.append(ConfigError(file: file, keyPath: key.map(keyPath) ?? path, message: message))
  }

  func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

  /// The raw value at `key`, without marking it read.
  func peek(_ key: String) -> Any? { object[key] }

  private func value(_ key: String) -> Any? {
    read.insert(key)
    guard let value = object[key], !(value is NSNull) else { return nil }
    return value
  }

  func string(_ key: String) -> String? {
    guard let value = value(key) else { return nil }
    guard let text = value as? String else {
      fail(key, "expected a string, found \(Self.describe(value))")
      return nil
    }
    return text
  }

  func strings(_ key: String) -> [String]? {
    guard let value = value(key) else { return nil }
    if let single = value as? String { return [single] }
    guard let array = value as? [Any] else {
      fail(key, "expected a list of strings, found \(Self.describe(value))")
      return nil
    }
    var result: [String] = []
    for (index, element) in array.enumerated() {
      guard let text = element as? String else {
        fail("\(key)[\(index)]", "expected a string, found \(Self.describe(element))")
        continue
      }
      result.append(text)
    }
    return result
  }

  func number(_ key: String, range: ClosedRange<Double>) -> Double? {
    guard let value = value(key) else { return nil }
    guard let number = value as? NSNumber, !Self.isBool(number) else {
      fail(key, "expected a number, found \(Self.describe(value))")
      return nil
    }
    let double = number.doubleValue
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
    guard let number = value as? NSNumber, Self.isBool(number) else {
      fail(key, "expected true or false, found \(Self.describe(value))")
      return nil
    }
    return number.boolValue
  }

  func dictionaryOfStrings(_ key: String) -> [String: String]? {
    guard let value = value(key) else { return nil }
    guard let dictionary = value as? [String: Any] else {
      fail(key, "expected an object of strings, found \(Self.describe(value))")
      return nil
    }
    var result: [String: String] = [:]
    for (name, element) in dictionary {
      guard let text = element as? String else {
        fail("\(key).\(name)", "expected a string, found \(Self.describe(element))")
        continue
      }
      result[name] = text
    }
    return result
  }

  func child(_ key: String) -> ConfigReader? {
    guard let value = value(key) else { return nil }
    guard let dictionary = value as? [String: Any] else {
      fail(key, "expected an object, found \(Self.describe(value))")
      return nil
    }
    return ConfigReader(file: file, path: keyPath(key), object: dictionary, sink: sink)
  }

  func children(_ key: String) -> [ConfigReader]? {
    guard let value = value(key) else { return nil }
    guard let array = value as? [Any] else {
      fail(key, "expected a list of objects, found \(Self.describe(value))")
      return nil
    }
    var result: [ConfigReader] = []
    for (index, element) in array.enumerated() {
      guard let dictionary = element as? [String: Any] else {
        fail("\(key)[\(index)]", "expected an object, found \(Self.describe(element))")
        continue
      }
      result.append(ConfigReader(file: file, path: keyPath("\(key)[\(index)]"), object: dictionary, sink: sink))
    }
    return result
  }

  /// Reports every key that was not read (keys starting with `_` or `//` are comments and allowed).
  func finish() {
    for key in object.keys.sorted() where !read.contains(key) && !key.hasPrefix("_") && !key.hasPrefix("//") {
      let near = read.filter { EditDistance.between($0.lowercased(), key.lowercased()) <= 2 }.sorted().first
      fail(key, "unknown key" + (near.map { " (did you mean \"\($0)\"?)" } ?? ""))
    }
  }

  /// JSONSerialization gives `true`/`false` as a boolean NSNumber whose Objective-C type is "c" (char); numbers
  /// are never "c", so this tells `true` from `1`.
  static func isBool(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) == "c"
  }

  static func describe(_ value: Any) -> String {
    switch value {
    case let number as NSNumber: return isBool(number) ? "\(number.boolValue)" : "the number \(number)"
    case is String: return "a string"
    case is [Any]: return "a list"
    case is [String: Any]: return "an object"
    default: return "null"
    }
  }

  static func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
  }
}
