import Foundation

/// What a test needs from outside the repository, for `.enabled(if:)`: a missing prerequisite makes the test
/// report **skipped** (with the comment saying what is missing), never passed and never failed.
public enum Prerequisites {
  /// Whether `../shared/corpus/<path>` (the development data, outside the repository) is there.
  public static func corpus(_ path: String = "") -> Bool {
    FileManager.default.fileExists(atPath: path.isEmpty ? TestPaths.corpus.path : TestPaths.corpus.path + "/" + path)
  }

  /// Whether every program is on the PATH (or, given as an absolute path, executable there).
  public static func tools(_ names: String...) -> Bool { names.allSatisfy { which($0) != nil } }

  /// The absolute path of `name` on the PATH (or `name` itself when it is an absolute path to an executable).
  public static func which(_ name: String) -> String? {
    if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}

/// A temporary directory, removed when the value goes away (or by `remove()`).
public final class TemporaryDirectory: @unchecked Sendable {
  public let path: String

  public init(_ name: String = "pw") {
    path = NSTemporaryDirectory() + "policywatch-\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Writes `text` to the file `name` in the directory and returns its path.
  @discardableResult
  public func write(_ name: String, _ text: String) throws -> String {
    let file = (path as NSString).appendingPathComponent(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    return file
  }

  public func remove() { try? FileManager.default.removeItem(atPath: path) }

  deinit { remove() }
}
