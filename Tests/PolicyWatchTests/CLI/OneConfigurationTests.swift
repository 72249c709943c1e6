import Foundation
import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// Every command finds the store and the configuration the same way; an option given on the command line always
/// wins; exit statuses are those of the README; a refused run creates nothing.
@Suite("One configuration")
final class OneConfigurationTests {
  let scratch = TemporaryDirectory("one-config")
  /// An empty working directory: a command that looked for ./Snapshots would find nothing there.
  var workingDirectory: String { scratch.path + "/cwd" }
  let pages = TemporaryDirectory("one-config-pages")
  let server: TestServer

  init() throws {
    try FileManager.default.createDirectory(atPath: scratch.path + "/cwd", withIntermediateDirectories: true)
    server = try TestServer(script: "http_server.py", arguments: ["--root", pages.path])
  }

  deinit { server.stop() }

  /// A configuration file naming `store` and `declarations` (relative to the file's folder) and extra JSON.
  func writeConfig(store: String, declarations: String = "declarations", extra: String = "") throws -> String {
    let path = scratch.path + "/config.json"
    try "{\"store\": \"\(store)\", \"declarations\": \"\(declarations)\"\(extra)}".write(
      toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func declare(service: String = "Alpha", file: String = "a.html") throws {
    try FileManager.default.createDirectory(atPath: scratch.path + "/declarations", withIntermediateDirectories: true)
    try HistoryBuilder.page(baseClauses).write(toFile: pages.path + "/" + file, atomically: true, encoding: .utf8)
    try
      "{\"name\": \"\(service)\", \"terms\": {\"Privacy Policy\": {\"fetch\": \"\(server.url("/dir/" + file))\", \"select\": \"main\"}}}"
      .write(toFile: scratch.path + "/declarations/\(service).json", atomically: true, encoding: .utf8)
  }

  func run(_ arguments: [String], config: String? = nil) throws -> CLI.Result {
    var environment = ["XDG_CONFIG_HOME": scratch.path + "/no-xdg", "POLICYWATCH_CONFIG": ""]
    if let config { environment["POLICYWATCH_CONFIG"] = config }
    return try CLI.run(arguments, environment: environment, directory: workingDirectory)
  }

  @Test("log, diff, show, feed, fsck and alert list read the configuration's store, as check does")
  func readersUseTheConfiguredStore() throws {
    let store = try ViewFixtures.store()
    let config = try writeConfig(store: store.path)
    let log = try run(["log"], config: config)
    #expect(log.status == 0, "\(log.error)")
    #expect(log.output.contains("Example Co/Privacy Policy  change"))
    #expect(try run(["diff", "Example Co/Privacy Policy", "--no-pager"], config: config).status == 1)
    #expect(try run(["show", "Example Co/Privacy Policy", "--no-pager"], config: config).output.contains("version"))
    #expect(try run(["feed"], config: config).output.contains("<entry>"))
    let fsck = try run(["fsck"], config: config)
    #expect(fsck.status == 0 && fsck.output.contains("store is consistent"), "\(fsck.output)\(fsck.error)")
    #expect(try run(["alert", "list"], config: config).output.contains("outbox is empty"))
    // --config works the same as the variable.
    #expect(try run(["log", "--config", config]).output == log.output)
    // --store wins over the configuration, even when it names ./Snapshots, the default.
    let missing = try run(["log", "--store", "Snapshots"], config: config)
    #expect(missing.status == 2)
    #expect(missing.error.contains("Snapshots is not a PolicyWatch store"), "\(missing.error)")
    // Without a configuration, the default ./Snapshots, and the message says where the path came from.
    let none = try run(["log"])
    #expect(none.status == 2 && none.error.contains("the default"), "\(none.error)")
    // Readers need no alert secrets: a channel whose password variable is unset does not stop them.
    let withSecret = try writeConfig(
      store: store.path,
      extra: """
        , "alerts": {"channels": [{"name": "m", "smtp": {"url": "smtp://127.0.0.1:1", "from": "a@example.org",
          "to": ["b@example.org"], "passwordEnv": "UNSET_PASSWORD_FOR_TEST"}}]}
        """)
    #expect(try run(["log"], config: withSecret).status == 0)
  }

  @Test("check --store Snapshots writes to ./Snapshots even when the configuration names another store")
  func commandLineStoreWinsEvenWhenDefault() throws {
    try declare()
    let configured = scratch.path + "/configured-store"
    let config = try writeConfig(store: configured)
    let result = try run(["check", "--config", config, "--store", "Snapshots", "--attempts", "1"])
    #expect(result.status == 1, "\(result.output)\(result.error)")
    #expect(FileManager.default.fileExists(atPath: workingDirectory + "/Snapshots/STORE.json"))
    #expect(!FileManager.default.fileExists(atPath: configured))
  }

  @Test("fetch options given on the command line win over the configuration, even at their default value")
  func fetchOptionEqualToDefaultWins() throws {
    // /flaky/KEY answers 500 the first time, then 200: only a second attempt gets the page.
    func declareFlaky(_ key: String) throws {
      try FileManager.default.createDirectory(
        atPath: scratch.path + "/declarations", withIntermediateDirectories: true)
      try
        "{\"name\": \"Flaky\", \"terms\": {\"Privacy Policy\": {\"fetch\": \"\(server.url("/flaky/" + key))\", \"select\": \"main\"}}}"
        .write(toFile: scratch.path + "/declarations/Flaky.json", atomically: true, encoding: .utf8)
    }
    let config = try writeConfig(store: scratch.path + "/store", extra: ", \"fetch\": {\"attempts\": 1}")
    // --attempts 3 is the default value; given, it wins over the configuration's 1.
    try declareFlaky(UUID().uuidString)
    let result = try run(["check", "--config", config, "--attempts", "3"])
    #expect(result.status == 1, "\(result.output)\(result.error)")
    #expect(result.output.contains("Flaky/Privacy Policy  first"))
    // Without the option the configuration's single attempt applies, and the 500 stands.
    try declareFlaky(UUID().uuidString)
    let single = try run(["check", "--config", config, "--store", scratch.path + "/store2"])
    #expect(single.status == 2, "\(single.output)")
    #expect(single.output.contains("HTTP 500"))
  }

  @Test("exit statuses: missing configuration 64, missing or empty declarations 64, and nothing is created")
  func exitStatusesAndNothingCreated() throws {
    let missingConfig = try run(["config", "check", "--config", scratch.path + "/missing.json"])
    #expect(missingConfig.status == 64, "\(missingConfig.output)\(missingConfig.error)")
    #expect(missingConfig.error.contains("missing.json"))

    let store = scratch.path + "/never-created"
    let missing = try run(["check", "--declarations", "missing", "--store", store])
    #expect(missing.status == 64)
    #expect(!missing.error.contains("::"), "\(missing.error)")
    #expect(missing.error.contains("missing: no such file or directory"), "\(missing.error)")
    #expect(missing.error.contains("<Service>.json"))
    let empty = scratch.path + "/empty-declarations"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let none = try run(["check", "--declarations", empty, "--store", store])
    #expect(none.status == 64, "\(none.error)")
    try "{\"name\": ".write(toFile: empty + "/Broken.json", atomically: true, encoding: .utf8)
    let broken = try run(["check", "--declarations", empty, "--store", store])
    #expect(broken.status == 64, "\(broken.error)")
    #expect(broken.error.contains("Broken.json"))
    let replay = try run(["replay", scratch.path + "/no-such-folder", "--store", store])
    #expect(replay.status == 64, "\(replay.error)")
    // None of these refused runs left a store or a lock file.
    #expect(!FileManager.default.fileExists(atPath: store))
    #expect(!FileManager.default.fileExists(atPath: workingDirectory + "/Snapshots"))
  }

  @Test("--only that matches nothing lists the declared documents and suggests the closest name")
  func onlyWithoutMatch() throws {
    try declare(service: "LinkedIn")
    let store = scratch.path + "/only-store"
    let result = try run([
      "check", "--declarations", scratch.path + "/declarations", "--store", store, "--only", "Linkedin/Privacy Policy",
    ])
    #expect(result.status == 64)
    #expect(result.error.contains("did you mean \"LinkedIn/Privacy Policy\"?"), "\(result.error)")
    #expect(result.error.contains("have: LinkedIn/Privacy Policy"))
    #expect(!FileManager.default.fileExists(atPath: store))
  }
}
