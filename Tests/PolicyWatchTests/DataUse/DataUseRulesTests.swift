import Foundation
import PolicyWatch
import PolicyWatchTestSupport
import Testing

@Suite struct DataUseRulesTests {
  let userRules = """
    {
      "lexicon": {"PETS": ["cat", "cats", "dog*"]},
      "negation": {"cues": ["not", "never"]},
      "rules": [
        {"id": "pets.share", "category": "PET_DATA", "all": [["shar*", "sell*"], "@PETS"], "window": 6}
      ]
    }
    """

  /// Writes `text` to a rules file in a new temporary folder and reads it as an analyst's file.
  func readRulesFile(_ text: String) throws -> DataUseRules {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("datause-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("rules.json").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return try DataUseRules(contentsOf: path)
  }

  @Test func aUserRulesFileAddsToTheBuiltInRules() throws {
    let classifier = DataUseClassifier(rules: try readRulesFile(userRules), model: nil)
    let text = "We share photos of your dogs, and we sell your personal data."
    // The analyst's category and the built-in sale are both found.
    #expect(classifier.labels(text) == ["PET_DATA", "SALE_OF_DATA"])
    #expect(classifier.classify(text).first?.rule == "pets.share")
    #expect(classifier.classify("We never share your cat pictures.").map(\.label) == ["NOT_PET_DATA"])
  }

  @Test func replaceBuiltInTrueReplacesThem() throws {
    let replacing = userRules.replacingOccurrences(of: "\"lexicon\"", with: "\"replaceBuiltIn\": true, \"lexicon\"")
    let classifier = DataUseClassifier(rules: try readRulesFile(replacing), model: nil)
    #expect(classifier.labels("We share photos of your dogs, and we sell your personal data.") == ["PET_DATA"])
  }

  @Test func aRuleWithABuiltInIDReplacesItAndDisableDropsRules() throws {
    let rules = try readRulesFile(
      """
      {
        "disable": ["sale.ccpa"],
        "rules": [
          {"id": "sale.sell-data", "category": "SALE_OF_DATA", "all": [["barter"], ["data"]], "window": 4}
        ]
      }
      """)
    #expect(rules.ruleIDs.filter { $0.hasPrefix("sale.") } == ["sale.sell-data", "sale.sell-or-otherwise-share"])
    let classifier = DataUseClassifier(rules: rules, model: nil)
    #expect(classifier.labels("We may barter your data with brokers.") == ["SALE_OF_DATA"])
    // The replaced rule's own words no longer match.
    #expect(!classifier.labels("We may sell your email address.").contains("SALE_OF_DATA"))
  }

  @Test(
    "problems in a rules file are reported at their line and column",
    arguments: [
      (
        "{\n  \"rules\": [\n    {\"id\": \"a\", \"category\": \"X\", \"al\": [\"b\"]}\n  ]\n}", "rules.json:3:34:",
        "unknown field \"al\" (did you mean \"all\"?)"
      ),
      (
        "{\"rules\": [\n  {\"id\": \"a\", \"category\": \"x\", \"all\": [\"b\"]}]}", "rules.json:2:27:",
        "category \"x\""
      ),
      (
        "{\"rules\": [\n\n  {\"id\": \"a\", \"category\": \"X\", \"all\": [\"@NOPE\"]}]}", "rules.json:3:40:",
        "\"@NOPE\" is not defined"
      ),
      ("{\"disable\": [\"no.such.rule\"]}", "rules.json:1:14:", "there is no built-in rule \"no.such.rule\""),
      ("{\"rules\": [\n  {\"id\": \"a\", \"id\": \"b\"}]}", "rules.json:2:15:", "duplicate key \"id\""),
      (
        "{\"rules\": [{\"id\": \"a\", \"category\": \"X\", \"all\": [\"b\"], \"window\": true}]}", "rules.json:1:65:",
        "must be an integer"
      ),
    ])
  func locatedErrors(text: String, place: String, message: String) {
    do {
      _ = try readRulesFile(text)
      Issue.record("\(text) was accepted")
    } catch {
      let description = "\(error)"
      #expect(description.contains(place) && description.contains(message), "\(description)")
    }
  }

  @Test(
    "malformed rules are rejected with the rule and the problem named",
    arguments: [
      ("{\"rules\": [", "not valid JSON"),
      ("[1, 2]", "must be a JSON object"),
      ("{\"rules\": [{\"category\": \"X\", \"all\": [\"a\"]}]}", "rule #0: missing field \"id\""),
      ("{\"rules\": [{\"id\": \"r1\", \"all\": [\"a\"]}]}", "rule r1: missing field \"category\""),
      ("{\"rules\": [{\"id\": \"r1\", \"category\": \"lower\", \"all\": [\"a\"]}]}", "rule r1: category \"lower\""),
      (
        "{\"rules\": [{\"id\": \"r1\", \"category\": \"X\", \"all\": [\"@NOPE\"]}]}",
        "rule r1: \"@NOPE\" is not defined"
      ),
      ("{\"rules\": [{\"id\": \"r1\", \"category\": \"X\", \"all\": [[]]}]}", "rule r1: slot 0"),
      (
        "{\"rules\": [{\"id\": \"r1\", \"category\": \"X\", \"all\": [\"a\"], \"polarity\": \"maybe\"}]}",
        "rule r1: polarity \"maybe\""
      ),
      ("{\"rules\": [{\"id\": \"r1\", \"category\": \"X\", \"all\": [\"a\"], \"window\": 0}]}", "rule r1: window 0"),
      (
        "{\"rules\": [{\"id\": \"r1\", \"category\": \"X\", \"all\": [\"a\"], \"window\": true}]}",
        "rule r1: field \"window\" must be an integer"
      ),
      ("{\"rules\": [{\"id\": \"r1\", \"category\": \"X\", \"all\": [\"a*b c\"]}]}", "rule r1: pattern"),
      ("{\"rules\": [{\"id\": \"r1\", \"category\": \"X\", \"all\": [\"--\"]}]}", "has no letters"),
      (
        "{\"rules\": [{\"id\": \"r1\", \"category\": \"X\", \"all\": [\"a\"]}, "
          + "{\"id\": \"r1\", \"category\": \"Y\", \"all\": [\"b\"]}]}", "rule r1: the id is used by more than one"
      ),
    ])
  func malformed(json: String, message: String) {
    #expect {
      _ = try DataUseRules(json: Array(json.utf8))
    } throws: { error in
      guard let error = error as? DataUseRulesError else { return false }
      return error.description.contains(message)
    }
  }

  @Test func aMissingRulesFileNamesThePath() {
    #expect(throws: DataUseRulesError.self) {
      _ = try DataUseRules(contentsOf: "/nonexistent/policywatch-rules.json")
    }
    do {
      _ = try DataUseRules(contentsOf: "/nonexistent/policywatch-rules.json")
    } catch {
      #expect("\(error)".contains("/nonexistent/policywatch-rules.json"))
    }
  }
}

@Suite struct DataUseClassifyFormatTests {
  let sale = DataUseMatch(category: "SALE_OF_DATA", polarity: .negated, match: "do not sell", rule: "sale.sell-data")
  let sharing = DataUseMatch(
    category: "THIRD_PARTY_SHARING", polarity: .affirmative, match: "share it with partners", rule: "sharing.x")

  @Test func tsvLines() {
    #expect(
      DataUseClassifyFormat.tsvLine(id: "42", matches: [sale, sharing]) == "42\tNOT_SALE_OF_DATA|THIRD_PARTY_SHARING")
    #expect(DataUseClassifyFormat.tsvLine(id: "7", matches: []) == "7\t")
  }

  @Test func jsonLines() throws {
    let line = DataUseClassifyFormat.jsonLine(id: "42", matches: [sale])
    #expect(!line.contains("\n"))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    #expect(object["id"] as? String == "42")
    #expect(object["labels"] as? [String] == ["NOT_SALE_OF_DATA"])
    let match = try #require((object["matches"] as? [[String: Any]])?.first)
    #expect(match["category"] as? String == "SALE_OF_DATA")
    #expect(match["polarity"] as? String == "negated")
    #expect(match["match"] as? String == "do not sell")
    #expect(match["rule"] as? String == "sale.sell-data")
  }

  @Test func inputLines() {
    let parsed = DataUseClassifyFormat.parseInputLine("p1\tWe sell data.\twith a tab\r", fallbackID: "1")
    #expect(parsed?.id == "p1")
    #expect(parsed?.text == "We sell data.\twith a tab")
    #expect(DataUseClassifyFormat.parseInputLine("no tab here", fallbackID: "3")?.id == "3")
    #expect(DataUseClassifyFormat.parseInputLine("  ", fallbackID: "4") == nil)
  }

  @Test func endToEndThroughTheFormatter() {
    let classifier = DataUseClassifier(model: nil)
    let input = "a\tWe do not sell your personal data.\nb\tThe weather is nice today."
    let lines = input.split(separator: "\n").enumerated().compactMap { number, line in
      DataUseClassifyFormat.parseInputLine(line, fallbackID: String(number + 1)).map {
        DataUseClassifyFormat.tsvLine(id: $0.id, matches: classifier.classify($0.text))
      }
    }
    #expect(lines == ["a\tNOT_SALE_OF_DATA", "b\t"])
  }
}
