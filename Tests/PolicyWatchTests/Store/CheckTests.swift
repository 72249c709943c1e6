import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchCheck
@testable import PolicyWatchDeclarations
@testable import PolicyWatchFetch
@testable import PolicyWatchStore

/// `check` end to end: declarations → real HTTP server on 127.0.0.1 → store, and the CLI's exit codes.
@Suite("Check")
final class CheckTests {
  let pages = TemporaryDirectory("pages")
  let declarations = TemporaryDirectory("declarations")
  let store = TemporaryDirectory("store")
  let server: TestServer

  init() throws {
    server = try TestServer(script: "http_server.py", arguments: ["--root", pages.path])
  }

  deinit { server.stop() }

  func declare(_ service: String, _ files: [String: String]) throws {
    let terms = files.map { document, file in
      "\"\(document)\": {\"fetch\": \"\(server.url("/dir/\(file)"))\", \"select\": \"main\"}"
    }
    try "{\"name\": \"\(service)\", \"terms\": {\(terms.joined(separator: ", "))}}".write(
      toFile: "\(declarations.path)/\(service).json", atomically: true, encoding: .utf8)
  }

  func page(_ name: String, _ html: String) throws {
    try html.write(toFile: "\(pages.path)/\(name)", atomically: true, encoding: .utf8)
  }

  func runCheck() async throws -> [Checker.DocumentResult] {
    let loaded = DeclarationLoader.loadDirectory(declarations.path)
    #expect(loaded.errors.isEmpty, "\(loaded.errors)")
    var configuration = FetcherTests.quick
    configuration.maxAttempts = 1
    let checker = Checker(
      recorder: Recorder(store: try SnapshotStore(path: store.path, create: true)),
      fetcher: Fetcher(configuration: configuration))
    return await checker.check(loaded.services.flatMap(\.documents)).sorted { $0.service < $1.service }
  }

  @Test func checkRecordsChangesAndFailuresPerDocument() async throws {
    try page("a.html", HistoryBuilder.page(baseClauses))
    try page("b.html", HistoryBuilder.page(baseClauses, nonce: 7))
    try page("wall.html", "<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>")
    try declare("Alpha", ["Privacy Policy": "a.html"])
    try declare("Beta", ["Terms of Service": "b.html"])
    try declare("Gamma", ["Privacy Policy": "missing.html"])
    try declare("Delta", ["Privacy Policy": "wall.html"])

    let first = try await runCheck()
    #expect(first.map(\.service) == ["Alpha", "Beta", "Delta", "Gamma"])
    #expect(first[0].events.map(\.kind) == [.first])
    #expect(first[1].events.map(\.kind) == [.first])
    #expect(first[2].outcome == .inaccessible)
    #expect(first[3].outcome == .failed)
    #expect(first[3].reason?.contains("HTTP 404") == true)

    // Noise only (another nonce and link target): nothing new.
    try page("b.html", HistoryBuilder.page(baseClauses, nonce: 8))
    let second = try await runCheck()
    #expect(second[0].outcome == .unchanged)
    #expect(second[1].outcome == .unchanged)
    #expect(second.allSatisfy { !$0.events.contains { $0.kind == .change } })
    // A streak of failures is reported once.
    #expect(second[3].events.isEmpty)

    var changed = baseClauses
    changed.append("We may share your contact details with our advertising partners.")
    try page("a.html", HistoryBuilder.page(changed, date: "February 2, 2024"))
    let third = try await runCheck()
    let change = try #require(third[0].events.first)
    #expect(change.kind == .change)
    #expect(change.declaredDate == "2024-02-02")
    #expect(change.dataUse?.isEmpty == false)
  }

  @Test func cliExitCodes() async throws {
    try page("a.html", HistoryBuilder.page(baseClauses))
    try declare("Alpha", ["Privacy Policy": "a.html"])
    let first = try CLI.run(["check", "--declarations", declarations.path, "--store", store.path, "--timeout", "5"])
    #expect(first.status == 1, "\(first.output)")
    #expect(first.output.contains("Alpha/Privacy Policy  first"))
    let again = try CLI.run(["check", "--declarations", declarations.path, "--store", store.path, "--quiet"])
    #expect(again.status == 0)
    #expect(again.output.isEmpty)
    try declare("Gamma", ["Privacy Policy": "missing.html"])
    let broken = try CLI.run([
      "check", "--declarations", declarations.path, "--store", store.path, "--quiet", "--attempts", "1",
    ])
    #expect(broken.status == 2)
    #expect(broken.output.contains("Gamma/Privacy Policy"))
    let usage = try CLI.run(["check", "--concurrency", "0"])
    #expect(usage.status == 64)
    let log = try CLI.run(["log", "--store", store.path, "--format", "json"])
    #expect(log.status == 0)
    let kinds = log.output.split(separator: "\n").compactMap { line in
      (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }.compactMap { $0["kind"] as? String }
    #expect(kinds == ["first", "inaccessible"])
    let fsck = try CLI.run(["fsck", "--store", store.path])
    #expect(fsck.status == 0, "\(fsck.output)")
  }
}

/// Runs the built `policywatch` executable.
enum CLI {
  struct Result {
    var status: Int32
    var output: String
    var error: String
  }

  /// `directory`: the working directory (default: the test process's). `shell`: a `/bin/sh -c` command line to run
  /// instead (it names the executable itself, `TestPaths.executable`).
  static func run(
    _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, shell: String? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = shell == nil ? TestPaths.executable : URL(fileURLWithPath: "/bin/sh")
    process.arguments = shell.map { ["-c", $0] } ?? arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let ran = try ChildProcess.run(process)
    return Result(
      status: ran.status, output: String(decoding: ran.standardOutput, as: UTF8.self),
      error: String(decoding: ran.standardError, as: UTF8.self))
  }
}
