import Foundation
import PolicyWatchBrowser

/// Paths of the repository, found from this source file.
enum BrowserTestPaths {
  static let repository: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let servers = repository.appendingPathComponent("Tests/Servers")
  /// The built `policywatch` executable, next to the test bundle.
  static var executable: URL {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundle, bundle.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()] {
      let url = candidate.appendingPathComponent("policywatch")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return repository.appendingPathComponent(".build/debug/policywatch")
  }
}

/// Whether Chromium is installed: the browser tests are skipped (reported as skipped) without it.
let chromiumInstalled = BrowserPool.chromiumPath() != nil

/// Quick caps for tests, so that a page that never finishes costs seconds, not the defaults' 30 + 10.
func testBrowserConfiguration() -> BrowserConfiguration {
  var configuration = BrowserConfiguration()
  configuration.loadTimeout = .seconds(4)
  configuration.selectorTimeout = .seconds(3)
  configuration.commandTimeout = .seconds(10)
  return configuration
}

enum PageServerError: Error, CustomStringConvertible {
  case didNotStart(String)
  var description: String {
    switch self {
    case .didNotStart(let output): "test server did not start: \(output)"
    }
  }
}

/// `Tests/Servers/browser_pages.py` on 127.0.0.1, started for one test and stopped by its PID.
final class PageServer: @unchecked Sendable {
  let process = Process()
  let port: Int
  private let output = Pipe()

  init(root: URL? = nil) throws {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      ["python3", BrowserTestPaths.servers.appendingPathComponent("browser_pages.py").path]
      + (root.map { ["--root", $0.path] } ?? [])
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    let handle = output.fileHandleForReading
    while line.count < 200 {
      let byte = handle.readData(ofLength: 1)
      if byte.isEmpty || byte == Data("\n".utf8) { break }
      line.append(byte)
    }
    let text = String(decoding: line, as: UTF8.self)
    guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      throw PageServerError.didNotStart(text)
    }
    self.port = port
  }

  func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

  func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  deinit { stop() }
}

/// A temporary folder removed when the value goes away.
final class TemporaryFolder: @unchecked Sendable {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("pw-browser-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs the built `policywatch` with arguments; returns status, stdout and stderr. Bounded: killed after `timeout`.
func runPolicyWatch(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws
  -> (status: Int32, stdout: String, stderr: String)
{
  let process = Process()
  process.executableURL = BrowserTestPaths.executable
  process.arguments = arguments
  var merged = ProcessInfo.processInfo.environment
  merged["POLICYWATCH_CONFIG"] = ""
  merged["XDG_CONFIG_HOME"] = "/nonexistent/policywatch-test-xdg"
  for (key, value) in environment { merged[key] = value }
  process.environment = merged
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let deadline = Date().addingTimeInterval(timeout)
  let stdout = Collected()
  let stderr = Collected()
  let group = DispatchGroup()
  for (pipe, sink) in [(out, stdout), (err, stderr)] {
    group.enter()
    DispatchQueue.global().async {
      sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
      group.leave()
    }
  }
  while process.isRunning && Date() < deadline { usleep(20_000) }
  if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  process.waitUntilExit()
  group.wait()
  return (process.terminationStatus, stdout.text, stderr.text)
}

/// Bytes a reader thread collects.
private final class Collected: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  func set(_ value: Data) { lock.withLock { data = value } }
  var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
