import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchAlerts
@testable import PolicyWatchConfig
@testable import PolicyWatchDataUse
@testable import PolicyWatchStore

@Suite("Configuration file")
struct ConfigTests {
  let scratch = TemporaryDirectory("config")
  let secretValue = "hunter2-\(UUID().uuidString)"

  func parse(_ text: String, environment: [String: String] = [:]) throws(ConfigErrors) -> PolicyWatchConfig {
    try PolicyWatchConfig.parse(Array(text.utf8), file: scratch.path + "/config.json", environment: environment)
  }

  func errors(_ text: String, environment: [String: String] = [:]) -> [String] {
    do {
      _ = try parse(text, environment: environment)
      return []
    } catch {
      return error.errors.map(\.description)
    }
  }

  /// `LINE:COLUMN` (column in bytes, as the reader counts) of the first `needle` after the first `anchor` in `text`.
  func position(of needle: String, after anchor: String = "", in text: String) -> String {
    let bytes = Array(text.utf8)
    func find(_ pattern: String, from start: Int) -> Int? {
      let pattern = Array(pattern.utf8)
      guard !pattern.isEmpty else { return start }
      return (start...(bytes.count - pattern.count)).first { Array(bytes[$0..<$0 + pattern.count]) == pattern }
    }
    guard let anchorStart = find(anchor, from: 0), let offset = find(needle, from: anchorStart + anchor.utf8.count)
    else { return "?:?" }
    let before = bytes[..<offset]
    let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
    let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
    return "\(line):\(offset - lineStart + 1)"
  }

  @Test("a full configuration: paths relative to the file, secrets from the environment and a file, rules")
  func fullExample() throws {
    try (secretValue + "\n").write(toFile: scratch.path + "/token", atomically: true, encoding: .utf8)
    let config = try parse(
      """
      {
        "_comment": "keys starting with _ are comments",
        "declarations": "declarations",
        "store": "/var/lib/policywatch/Snapshots",
        "fetch": {"concurrency": 8, "timeout": 30, "attempts": 2, "userAgent": "PolicyWatch (ops@example.org)"},
        "alerts": {
          "digestThreshold": 3,
          "messageIDDomain": "policywatch.example.org",
          "retry": {"initialDelay": 60, "maxDelay": 3600},
          "channels": [
            {"name": "privacy-team",
             "smtp": {"url": "smtp://mail.example.org:587", "from": "policywatch@example.org",
                      "to": ["privacy@example.org", "legal@example.org"], "username": "policywatch",
                      "passwordEnv": "PW_SMTP_PASSWORD", "tls": "required"},
             "rules": {"documents": ["LinkedIn", "OpenAI/Privacy Policy"], "dataUse": ["AI_TRAINING", "SALE_OF_DATA"]}},
            {"name": "chat", "webhook": {"urlEnv": "PW_WEBHOOK_URL", "bearerTokenFile": "token", "attempts": 2},
             "rules": {"events": ["change", "inaccessible"], "inaccessibleDays": 3, "dataUse": "every-change"}},
            {"name": "archive", "exec": {"argv": ["/bin/cat"], "timeout": 5, "inheritEnvironment": false},
             "rules": {"events": ["first", "change", "flap"], "digestThreshold": 100}},
            {"name": "env-hook", "exec": {"argv": ["/usr/bin/env"], "inheritEnvironment": true}}
          ]
        }
      }
      """, environment: ["PW_SMTP_PASSWORD": secretValue, "PW_WEBHOOK_URL": "https://hooks.example.org/T0/B1/xyz"])
    #expect(config.declarations == scratch.path + "/declarations")
    #expect(config.store == "/var/lib/policywatch/Snapshots")
    #expect(config.fetch.concurrency == 8 && config.fetch.timeout == 30 && config.fetch.attempts == 2)
    #expect(config.alerts.digestThreshold == 3 && config.alerts.retryInitialDelay == 60)
    #expect(config.alerts.channels.map(\.name) == ["privacy-team", "chat", "archive", "env-hook"])
    guard case .smtp(let smtp) = config.alerts.channels[0].transport else {
      Issue.record("not smtp")
      return
    }
    #expect(smtp.password?.value == secretValue)
    #expect(smtp.to == ["privacy@example.org", "legal@example.org"])
    #expect(smtp.messageIDDomain == "policywatch.example.org")
    #expect(config.alerts.channels[0].rules.dataUse == .categories(["AI_TRAINING", "SALE_OF_DATA"]))
    #expect(config.alerts.channels[0].rules.events == [.change])
    guard case .webhook(let webhook) = config.alerts.channels[1].transport else {
      Issue.record("not a webhook")
      return
    }
    #expect(webhook.bearerToken?.value == secretValue)
    #expect(webhook.url == "https://hooks.example.org/T0/B1/xyz")
    #expect(config.alerts.channels[1].rules.inaccessibleDays == 3)
    #expect(config.alerts.channels[2].rules.events == [.first, .change, .flap])
    guard case .exec(let hook) = config.alerts.channels[2].transport else {
      Issue.record("not a hook")
      return
    }
    // The variables secrets came from never reach a hook.
    #expect(hook.withheldEnvironment == ["PW_SMTP_PASSWORD", "PW_WEBHOOK_URL"])
    // Summaries name hosts and programs, never secrets or webhook paths.
    let summaries = config.alerts.channels.prefix(3).map(\.transport.summary)
    #expect(
      summaries == [
        "smtp mail.example.org:587 → privacy@example.org, legal@example.org",
        "webhook hooks.example.org", "exec /bin/cat",
      ])
    #expect(!"\(config.alerts.channels)".contains(secretValue))
    // A hook that inherits the environment does not get a withheld variable.
    guard case .exec(var envHook) = config.alerts.channels[3].transport else { return }
    #expect(envHook.hookEnvironment(for: sampleMessage())["PATH"] != nil)
    envHook.withheldEnvironment = ["PATH"]
    #expect(envHook.hookEnvironment(for: sampleMessage())["PATH"] == nil)
  }

  @Test("every problem is reported with the file, its line and column, the key path and the cause")
  func preciseErrors() {
    let text = """
      {"store": 3, "fetch": {"timeout": -1, "atempts": 2},
       "alerts": {"channels": [
         {"name": "a", "smtp": {"url": "http://mail.example.org", "from": "x@example.org", "to": ["y@example.org"],
                                "passwordEnv": "NOT_SET_ANYWHERE"}},
         {"name": "a", "webhook": {"url": "https://h.example.org/x", "bearerToken": "inline-secret"}},
         {"name": "b", "smtp": {"from": "x@example.org", "to": "y@example.org"}, "exec": {"argv": ["/bin/true"]}},
         {"name": "c", "exec": {"argv": []}, "rules": {"events": ["changes"], "dataUse": ["AI_TRAINNG"]}}
       ]}}
      """
    let found = errors(text)
    let file = scratch.path + "/config.json"
    func at(_ needle: String, after anchor: String = "") -> String {
      file + ":" + position(of: needle, after: anchor, in: text)
    }
    // Values are reported where the value is (an empty argv list included), unknown keys where the key is, missing
    // keys and whole-object problems where the object starts.
    let expected = [
      "\(file):1:11: store: expected a string, found the number 3",
      "\(file):1:35: fetch.timeout: -1 is out of range (0.001…3600)",
      "\(file):1:39: fetch.atempts: unknown key (did you mean \"attempts\"?)",
      "\(file):4:42: alerts.channels[0].smtp.passwordEnv: environment variable NOT_SET_ANYWHERE is not set",
      "\(file):3:26: alerts.channels[0].smtp: scheme http is not supported; use smtp or smtps",
      "\(at("\"inline-secret")): alerts.channels[1].webhook.bearerToken: put secrets in an environment variable "
        + "(bearerTokenEnv) or a file (bearerTokenFile), not in the file",
      "\(file):5:13: alerts.channels[1].name: another channel is already called a",
      "\(file):6:4: alerts.channels[2]: give only one of smtp, webhook, exec",
      "\(at("{", after: "\"b\", \"smtp\": ")): alerts.channels[2].smtp.url: missing",
      "\(at("[]")): alerts.channels[3].exec.argv: missing: the program and its arguments, "
        + "e.g. [\"/usr/local/bin/notify\", \"--json\"]",
      "\(at("\"changes")): alerts.channels[3].rules.events[0]: \"changes\" is not an event kind (first, change, "
        + "flap, technical, inaccessible, recovered)",
    ]
    for message in expected {
      #expect(found.contains(message), "missing: \(message)\nfound:\n\(found.joined(separator: "\n"))")
    }
    #expect(
      found.contains {
        $0.hasPrefix("\(at("\"AI_TRAINNG")): alerts.channels[3].rules.dataUse[0]: unknown category \"AI_TRAINNG\"")
      })
    #expect(!found.joined().contains("inline-secret"))
  }

  @Test("secrets never appear in errors, even when the rest of the channel is wrong")
  func secretsStayOutOfErrors() throws {
    try secretValue.write(toFile: scratch.path + "/pw", atomically: true, encoding: .utf8)
    let found = errors(
      """
      {"alerts": {"channels": [
        {"name": "m", "smtp": {"url": "smtp://mail.example.org", "from": "bad", "to": ["y@example.org"],
                               "username": "u", "passwordFile": "pw"}},
        {"name": "w", "webhook": {"urlEnv": "W", "headers": {"X-Key": "v\\r\\nInjected: 1"}}}
      ]}}
      """, environment: ["W": "https://hooks.example.org/\(secretValue)"])
    #expect(found.count == 2)
    #expect(found.contains { $0.contains("alerts.channels[0].smtp: not an email address: bad") })
    #expect(found.contains { $0.contains("alerts.channels[1].webhook: the value of header X-Key contains a control") })
    #expect(!found.joined().contains(secretValue))
  }

  @Test("not JSON, missing file, empty secret file")
  func fileLevelErrors() throws {
    #expect(
      errors("{\"store\": ") == [
        "\(scratch.path)/config.json:1:11: store: not valid JSON: unexpected end of file, "
          + "expected a value"
      ])
    #expect(errors("[1]") == ["\(scratch.path)/config.json:1:1: expected a JSON object at the top level"])
    #expect(throws: ConfigErrors.self) { try PolicyWatchConfig.load(path: scratch.path + "/absent.json") }
    _ = FileManager.default.createFile(atPath: scratch.path + "/empty", contents: Data())
    let found = errors(
      """
      {"alerts": {"channels": [{"name": "w", "webhook": {"url": "https://h.example.org/x", "bearerTokenFile": "empty"}}]}}
      """)
    #expect(
      found == [
        "\(scratch.path)/config.json:1:105: alerts.channels[0].webhook.bearerTokenFile: \(scratch.path)/empty is empty"
      ])
  }

  @Test("a key given twice is an error at the second copy, with its line, column and key path")
  func duplicateKey() {
    let file = scratch.path + "/config.json"
    #expect(
      errors(
        """
        {"store": "a",
         "alerts": {"digestThreshold": 3,
                    "digestThreshold": 30}}
        """) == ["\(file):3:13: alerts.digestThreshold: duplicate key \"digestThreshold\""])
    // In a list too: the key path names the element.
    #expect(
      errors(
        """
        {"alerts": {"channels": [{"name": "a", "exec": {"argv": ["/bin/cat"]}},
                                 {"name": "b", "name": "c"}]}}
        """) == ["\(file):2:40: alerts.channels[1].name: duplicate key \"name\""])
  }

  @Test("true is not a number and 1 is not a boolean")
  func booleansAreNotNumbers() {
    let file = scratch.path + "/config.json"
    #expect(
      errors(#"{"alerts": {"digestThreshold": true}}"#)
        == ["\(file):1:32: alerts.digestThreshold: expected a number, found true"])
    #expect(
      errors(#"{"fetch": {"timeout": false, "concurrency": "8"}}"#) == [
        // In the order they are read (concurrency first), each at its own place.
        "\(file):1:45: fetch.concurrency: expected a number, found a string",
        "\(file):1:23: fetch.timeout: expected a number, found false",
      ])
    #expect(
      errors(
        """
        {"alerts": {"channels": [
          {"name": "hook", "exec": {"argv": ["/bin/cat"], "inheritEnvironment": 1}}
        ]}}
        """) == ["\(file):2:73: alerts.channels[0].exec.inheritEnvironment: expected true or false, found the number 1"]
    )
    #expect(
      errors(#"{"dataUse": {"model": 0}}"#) == [
        "\(file):1:23: dataUse.model: expected true or false, found the number 0"
      ])
    // The real thing still reads.
    let config = try? parse(#"{"alerts": {"digestThreshold": 7}, "dataUse": {"model": false}}"#)
    #expect(config?.alerts.digestThreshold == 7 && config?.dataUse.model == false)
  }

  @Test("a syntax error names its line, column and the key being read")
  func syntaxErrors() {
    let file = scratch.path + "/config.json"
    #expect(
      errors(
        """
        {"store": "a",
         "fetch": {"timeout": 30,
                   "attempts": 2,}}
        """) == ["\(file):3:26: fetch: not valid JSON: unexpected \"}\", expected a key in double quotes"])
    #expect(
      errors(
        """
        {"alerts": {"channels": [
          {"name": "a", "exec": {"argv": ["/bin/cat" "--json"]}}
        ]}}
        """)
        == [
          "\(file):2:46: alerts.channels[0].exec.argv: not valid JSON: unexpected \"\"\", expected \",\" or \"]\""
        ])
    #expect(
      errors("{\"store\": tru}") == ["\(file):1:11: store: not valid JSON: invalid literal, expected true"])
  }

  @Test("loading only the locations or the data-use settings reads the same way")
  func partialReadsUseTheSameReader() throws {
    let path = scratch.path + "/partial.json"
    try #"{"store": "s", "dataUse": {"model": 1}, "store": "t"}"#.write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try PolicyWatchConfig.loadLocations(path: path)
      Issue.record("a duplicate key was accepted")
    } catch {
      #expect(error.errors.map(\.description) == ["\(path):1:41: store: duplicate key \"store\""])
    }
    try #"{"store": "s", "dataUse": {"model": 1}}"#.write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try PolicyWatchConfig.loadDataUse(path: path)
      Issue.record("1 was accepted as a boolean")
    } catch {
      #expect(
        error.errors.map(\.description) == ["\(path):1:37: dataUse.model: expected true or false, found the number 1"])
    }
  }

  @Test("--config, then POLICYWATCH_CONFIG, then the XDG path, then /etc")
  func locate() throws {
    let xdg = scratch.path + "/xdg"
    try FileManager.default.createDirectory(atPath: xdg + "/policywatch", withIntermediateDirectories: true)
    #expect(PolicyWatchConfig.locate(explicit: "a.json", environment: ["POLICYWATCH_CONFIG": "b.json"]) == "a.json")
    #expect(PolicyWatchConfig.locate(explicit: nil, environment: ["POLICYWATCH_CONFIG": "b.json"]) == "b.json")
    #expect(
      PolicyWatchConfig.defaultPaths(environment: ["XDG_CONFIG_HOME": xdg]).first == xdg + "/policywatch/config.json")
    #expect(
      PolicyWatchConfig.defaultPaths(environment: ["HOME": "/home/ana"]) == [
        "/home/ana/.config/policywatch/config.json", "/etc/policywatch/config.json",
      ])
    _ = FileManager.default.createFile(atPath: xdg + "/policywatch/config.json", contents: Data("{}".utf8))
    #expect(
      PolicyWatchConfig.locate(explicit: nil, environment: ["XDG_CONFIG_HOME": xdg]) == xdg + "/policywatch/config.json"
    )
  }

  @Test("rules: documents, kinds, data-use triggers")
  func rules() {
    func event(_ kind: EventKind, service: String = "S", categories: [String] = []) -> StoreEvent {
      StoreEvent(
        id: "S/D/\(kind.rawValue)/x", service: service, document: "D", kind: kind, firstSeen: Date(),
        lastSeenBefore: nil, version: nil, previousVersion: nil, declaredDate: nil, previousDeclaredDate: nil,
        flags: [],
        clauses: nil, reason: nil,
        dataUse: categories.map {
          DataUseFinding(category: $0, polarity: .affirmative, change: .added, text: "t", section: [], match: "m")
        })
    }
    var rules = AlertRules()
    #expect(!rules.matches(event(.first)))
    #expect(!rules.matches(event(.change)))
    #expect(rules.matches(event(.change, categories: ["TRACKING"])))
    rules.dataUse = .categories(["AI_TRAINING"])
    #expect(!rules.matches(event(.change, categories: ["TRACKING"])))
    #expect(rules.matches(event(.change, categories: ["TRACKING", "AI_TRAINING"])))
    rules.dataUse = .everyChange
    #expect(rules.matches(event(.change)))
    rules.documents = ["Other"]
    #expect(!rules.matches(event(.change)))
    rules.documents = ["S/D"]
    #expect(rules.matches(event(.change)))
    #expect(!rules.matches(event(.inaccessible)))
    rules.events = [.inaccessible]
    #expect(rules.matches(event(.inaccessible)))
    rules.inaccessibleDays = 2
    #expect(!rules.matches(event(.inaccessible)))  // the day count is checked against the store's state
  }
}

@Suite("Example configuration")
struct ExampleConfigTests {
  @Test("Scripts/systemd/config.example.json is valid but for the files only a real server has")
  func exampleParses() {
    let path = TestPaths.repository.appendingPathComponent("Scripts/systemd/config.example.json").path
    do {
      _ = try PolicyWatchConfig.load(
        path: path, environment: ["POLICYWATCH_SMTP_PASSWORD": "x", "POLICYWATCH_WEBHOOK_TOKEN": "y"])
      Issue.record("expected the two server-only files to be reported")
    } catch {
      #expect(
        error.errors.map(\.description) == [
          "\(path):33:22: alerts.channels[1].webhook.urlFile: cannot read /etc/policywatch/ai-watch-webhook-url",
          "\(path):43:20: alerts.channels[2].exec.argv[0]: /usr/local/lib/policywatch/notify-ops is not an "
            + "executable file",
        ])
    }
  }
}
