import Foundation

@testable import PolicyWatchDeclarations
@testable import PolicyWatchSupport

/// A temporary directory for declaration files, removed by `remove()`.
struct DeclarationTempDirectory {
  let path: String

  init() throws {
    path = (NSTemporaryDirectory() as NSString).appendingPathComponent("pw-declarations-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let file = (path as NSString).appendingPathComponent(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    return file
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Helpers for the declaration tests (fixtures are written by the tests themselves).
enum DeclarationFixtures {
  /// Loads `text` as `<service>.json` (and `history` as its history file) from a fresh directory.
  static func load(
    _ text: String, history: String? = nil, service: String = "Example Chat"
  ) throws -> (file: String, result: Result<(ServiceDeclaration, [DeclarationWarning]), DeclarationError>) {
    let directory = try DeclarationTempDirectory()
    defer { directory.remove() }
    let file = try directory.write("\(service).json", text)
    if let history { try directory.write("\(service).history.json", history) }
    do {
      return (file, .success(try DeclarationLoader.loadService(at: file)))
    } catch {
      return (file, .failure(error))
    }
  }

  /// The error loading `text` gives, or nil if it loads.
  static func error(_ text: String, history: String? = nil) throws -> (file: String, error: DeclarationError?) {
    let (file, result) = try load(text, history: history)
    if case .failure(let error) = result { return (file, error) }
    return (file, nil)
  }

  static func date(_ text: String) -> Date {
    guard case .success(let date) = RFC3339.parse(text) else { fatalError("bad test date \(text)") }
    return date
  }
}
