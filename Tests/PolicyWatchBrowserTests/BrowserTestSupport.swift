import Foundation
import PolicyWatchBrowser
import PolicyWatchTestSupport

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

extension TestServer {
  /// `Tests/Servers/browser_pages.py` on 127.0.0.1 (serving the files of `root` too, when given), stopped by its PID.
  static func pages(root: URL? = nil) throws -> TestServer {
    try TestServer(script: "browser_pages.py", arguments: root.map { ["--root", $0.path] } ?? [])
  }
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
  process.executableURL = TestPaths.executable
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
