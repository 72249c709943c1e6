import Foundation
import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// An analyst's own phrases: a rules file named in the configuration (`dataUse.rules`) is used by `replay` (so the
/// stored events and their alerts carry it), by `diff` and `feed` (or `diff --rules FILE`), and checked by
/// `config check` with its line and column; `classify --explain` says why a sentence got its labels.
@Suite("Analyst's data-use rules end to end", .serialized)
struct DataUseAnalystRulesTests {
  let scratch = TemporaryDirectory("analyst-rules")

  static let rules = """
    {
      "lexicon": {"PETS": ["pet", "pets", "dog*", "cat", "cats"]},
      "rules": [
        {"id": "pets.share", "category": "PET_DATA", "all": [["shar*", "sell*"], "@PETS"], "window": 8}
      ]
    }
    """

  func write(_ text: String, to name: String) throws -> String {
    let path = scratch.path + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func history() throws -> String {
    let directory = scratch.path + "/history"
    let intro = "This policy explains how we handle information about your account."
    try HistoryBuilder(directory).write([
      ("2024-01-10T08-00-00Z", HistoryBuilder.page([intro], date: "January 5, 2024")),
      (
        "2024-03-12T08-00-00Z",
        HistoryBuilder.page(
          [intro, "We may share the photos of your pets with partner shelters."], date: "March 1, 2024", nonce: 1)
      ),
    ])
    return directory
  }

  @Test func theConfigurationsRulesReachTheStoredEventsAndDiff() throws {
    let rulesPath = try write(Self.rules, to: "rules.json")
    let store = scratch.path + "/store"
    let config = try write(#"{"store": "\#(store)", "dataUse": {"rules": "rules.json"}}"#, to: "config.json")
    let replay = try CLI.run(["replay", try history(), "--store", store, "--config", config])
    #expect(replay.status == 1, "\(replay.error)")
    let log = try CLI.run(["log", "--store", store, "--format", "json"])
    let change = try #require(log.output.split(separator: "\n").last(where: { $0.contains(#""kind":"change""#) }))
    #expect(change.contains(#""category":"PET_DATA""#), "\(change)")
    // The built-in rules still find the sharing with partners.
    #expect(change.contains(#""category":"THIRD_PARTY_SHARING""#), "\(change)")

    let withRules = try CLI.run(["diff", "Example Co/Privacy Policy", "--store", store, "--rules", rulesPath])
    #expect(withRules.output.contains("PET_DATA  added"), "\(withRules.output)")
    let without = try CLI.run(["diff", "Example Co/Privacy Policy", "--store", store])
    #expect(!without.output.contains("PET_DATA"))
  }

  @Test("diff and feed find data-use language with the configuration's rules, as check and replay record it")
  func readersUseTheConfigurationsRules() throws {
    _ = try write(Self.rules, to: "rules.json")
    let store = scratch.path + "/store"
    // Recorded without the analyst's rules: the stored events know nothing of PET_DATA.
    let replay = try CLI.run(["replay", try history(), "--store", store], environment: Self.noConfiguration)
    #expect(replay.status == 1, "\(replay.error)")
    // The readers need no alert secrets: a channel whose password variable is unset does not stop them.
    let config = try write(
      """
      {"store": "store", "dataUse": {"rules": "rules.json"},
       "alerts": {"channels": [{"name": "m", "smtp": {"url": "smtp://127.0.0.1:1", "from": "a@example.org",
         "to": ["b@example.org"], "passwordEnv": "UNSET_PASSWORD_FOR_TEST"}}]}}
      """, to: "config.json")
    let document = "Example Co/Privacy Policy"
    func diff(_ extra: [String], configured: Bool = true) throws -> CLI.Result {
      try CLI.run(
        ["diff", document, "--no-pager"] + extra + (configured ? ["--config", config] : ["--store", store]),
        environment: Self.noConfiguration)
    }
    let configured = try diff([])
    #expect(configured.status == 1, "\(configured.error)")
    #expect(configured.output.contains("PET_DATA  added"), "\(configured.output)")
    #expect(configured.output.contains("THIRD_PARTY_SHARING"), "\(configured.output)")
    #expect(try diff(["--format", "json"]).output.contains(#""category" : "PET_DATA""#))
    #expect(!(try diff([], configured: false).output.contains("PET_DATA")))
    // --no-model keeps the configuration's rules (they are rules, not the model).
    #expect(try diff(["--no-model"]).output.contains("PET_DATA  added"))
    // --rules wins over the configuration's file.
    let other = try write(
      #"{"rules": [{"id": "shelters", "category": "SHELTER_DATA", "all": ["shelter*"]}]}"#, to: "other.json")
    let overridden = try diff(["--rules", other])
    #expect(overridden.output.contains("SHELTER_DATA  added"), "\(overridden.output)")
    #expect(!overridden.output.contains("PET_DATA"), "\(overridden.output)")

    // The feed's diffs too.
    let feed = try CLI.run(["feed", "--config", config], environment: Self.noConfiguration)
    #expect(feed.status == 0, "\(feed.error)")
    #expect(feed.output.contains("PET_DATA"), "\(feed.output)")
    let plainFeed = try CLI.run(["feed", "--store", store], environment: Self.noConfiguration)
    #expect(plainFeed.output.contains("<entry>") && !plainFeed.output.contains("PET_DATA"))

    // A rules file that cannot be used stops the reader with its line and column, and names the configuration.
    _ = try write(
      "{\n  \"rules\": [\n    {\"id\": \"a\", \"category\": \"X\", \"al\": [\"b\"]}\n  ]\n}", to: "rules.json")
    let broken = try diff([])
    #expect(broken.status == 64, "\(broken.output)\(broken.error)")
    #expect(broken.error.contains("config.json"), "\(broken.error)")
    #expect(broken.error.contains("rules.json:3:34"), "\(broken.error)")
    #expect(try CLI.run(["feed", "--config", config], environment: Self.noConfiguration).status == 64)
    // Rules given on the command line replace the configured file, which is then not read: a broken one is no obstacle.
    let mine = try diff(["--rules", other])
    #expect(mine.status == 0 || mine.status == 1, "\(mine.output)\(mine.error)")
    #expect(mine.output.contains("SHELTER_DATA"), "\(mine.output)")
  }

  /// No configuration file but the one given with --config (none from the machine or the user's environment).
  static var noConfiguration: [String: String] {
    [
      "POLICYWATCH_CONFIG": "", "XDG_CONFIG_HOME": "/nonexistent-policywatch-test",
      "HOME": "/nonexistent-policywatch-test",
    ]
  }

  @Test func configCheckReportsARulesFileProblemAtItsLineAndColumn() throws {
    _ = try write(
      "{\n  \"rules\": [\n    {\"id\": \"a\", \"category\": \"X\", \"al\": [\"b\"]}\n  ]\n}", to: "bad.json")
    let config = try write(#"{"dataUse": {"rules": "bad.json"}}"#, to: "config.json")
    let check = try CLI.run(["config", "check", "--config", config])
    #expect(check.status != 0)
    #expect(check.output.contains("dataUse.rules") || check.error.contains("dataUse.rules"), "\(check.output)")
    #expect(
      (check.output + check.error).contains("bad.json:3:34: rule a: unknown field \"al\" (did you mean \"all\"?)"),
      "\(check.output)\(check.error)")
  }

  @Test func classifyExplainSaysWhy() throws {
    let input = try write(
      "s1\tWe do not use any of your messages, photos, videos, voice recordings, files, calendar entries or contacts to train our AI models.\n",
      to: "input.tsv")
    let explained = try CLI.run(["classify", input, "--explain"])
    #expect(explained.status == 0)
    #expect(explained.output.contains("NOT_AI_TRAINING  rule ai."), "\(explained.output)")
    #expect(explained.output.contains("negated at a distance: “not” governs “use”"), "\(explained.output)")
    #expect(explained.output.contains("labels: NOT_AI_TRAINING"), "\(explained.output)")
  }
}
