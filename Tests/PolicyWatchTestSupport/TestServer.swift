import Foundation

/// Paths of the repository, found from this source file (tests run from a checkout).
public enum TestPaths {
  public static let repository: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  public static let servers = repository.appendingPathComponent("Tests/Servers")
  /// ../shared/corpus beside the repository, when it is there.
  public static let corpus = repository.deletingLastPathComponent().appendingPathComponent("shared/corpus")
  public static var corpusAvailable: Bool { FileManager.default.fileExists(atPath: corpus.path) }
  /// The built `policywatch` executable, next to the test bundle.
  public static var executable: URL {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundle, bundle.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()] {
      let url = candidate.appendingPathComponent("policywatch")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return repository.appendingPathComponent(".build/debug/policywatch")
  }
}

public enum TestServerError: Error, CustomStringConvertible {
  case didNotStart(String)
  public var description: String {
    switch self {
    case .didNotStart(let output): "test server did not start: \(output)"
    }
  }
}

/// A Python server from Tests/Servers started for one test and stopped by its PID when the test ends.
/// The servers print `PORT <n>` once listening on 127.0.0.1 and exit on their own if this process dies.
public final class TestServer: @unchecked Sendable {
  public let process = Process()
  public let port: Int
  private let output = Pipe()

  public init(script: String, arguments: [String] = []) throws {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", TestPaths.servers.appendingPathComponent(script).path] + arguments
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Read the first line (bounded: the server prints it within a second or exits).
    var line = Data()
    let handle = output.fileHandleForReading
    while line.count < 200 {
      let byte = handle.readData(ofLength: 1)
      if byte.isEmpty || byte == Data("\n".utf8) { break }
      line.append(byte)
    }
    let text = String(decoding: line, as: UTF8.self)
    guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
      process.terminate()
      throw TestServerError.didNotStart(text)
    }
    self.port = port
  }

  public var base: String { "http://127.0.0.1:\(port)" }

  public func url(_ path: String) -> String { base + path }

  public func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  deinit { stop() }
}
