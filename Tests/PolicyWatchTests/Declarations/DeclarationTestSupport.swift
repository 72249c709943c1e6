import Foundation
import PolicyWatchTestSupport

@testable import PolicyWatchDeclarations
@testable import PolicyWatchSupport

/// Helpers for the declaration tests (fixtures are written by the tests themselves).
enum DeclarationFixtures {
  /// Loads `text` as `<service>.json` (and `history` as its history file) from a fresh directory.
  static func load(
    _ text: String, history: String? = nil, service: String = "Example Chat"
  ) throws -> (file: String, result: Result<(ServiceDeclaration, [DeclarationWarning]), DeclarationError>) {
    let directory = TemporaryDirectory("declarations")
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
