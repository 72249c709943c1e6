import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDataUse

/// The learned model on top of the rules: it keeps or drops the rules' matches of the labels it knows, adds what the
/// rules missed with the words that weighed most, never contradicts the rules' polarity, and leaves AI training to the
/// rules. Small models written here make each behaviour visible; the built-in one is checked for what a user relies on.
@Suite struct DataUseModelTests {
  /// A model that knows THIRD_PARTY_SHARING: "brokers" and "hand" weigh for it; the rules' own sharing finding too.
  static let sharingModel = """
    # written for these tests
    format policywatch-datause-model 1
    ruleWeight 1
    conceptWeight 0
    label THIRD_PARTY_SHARING bias -4 threshold 0.6 keep 0.3
    label NOT_THIRD_PARTY_SHARING bias -4 threshold 0.6 keep 0.3
    f w:brokers 1 0:40
    f b:data_brokers 1 0:10
    f w:the 1 0:20
    f l:THIRD_PARTY_SHARING 0 0:6
    f l:NOT_THIRD_PARTY_SHARING 0 1:6
    f w:weather 1 0:-30
    """

  func classifier(_ text: String) throws -> DataUseClassifier {
    DataUseClassifier(rules: .builtIn, model: try DataUseModel(text: text))
  }

  @Test func theModelAddsWhatTheRulesMissWithContentWordsAsEvidence() throws {
    let text = "Lists of the customers end up with data brokers."
    #expect(!DataUseClassifier(model: nil).labels(text).contains("THIRD_PARTY_SHARING"))
    let match = try #require(try classifier(Self.sharingModel).classify(text).first)
    #expect(match.label == "THIRD_PARTY_SHARING")
    #expect(match.rule == "model")
    // The evidence is words of the text, and never function words alone ("the" weighs, but names nothing).
    #expect(match.match == "data brokers", "\(match.match)")
  }

  @Test func aRuleMatchTheModelDoesNotBelieveIsDropped() throws {
    let text = "We share the weather forecast data with our partners."
    #expect(DataUseClassifier(model: nil).labels(text).contains("THIRD_PARTY_SHARING"))
    let explanation = try classifier(Self.sharingModel).explain(text)
    #expect(!explanation.matches.map(\.label).contains("THIRD_PARTY_SHARING"))
    #expect(
      explanation.rendered.contains("model: THIRD_PARTY_SHARING p=0.01 (threshold 0.30): dropped the rules' match"),
      "\(explanation.rendered)")
  }

  @Test func theModelNeverAddsThePracticeTheRulesFoundDenied() throws {
    let text = "We never hand your data to data brokers or any third parties."
    let rules = DataUseClassifier(model: nil).labels(text)
    #expect(rules.contains("NOT_THIRD_PARTY_SHARING"))
    let labels = try classifier(Self.sharingModel).labels(text)
    #expect(labels.contains("NOT_THIRD_PARTY_SHARING") && !labels.contains("THIRD_PARTY_SHARING"), "\(labels)")
  }

  @Test func changeReportsUseOnlyRuleEvidence() throws {
    let model = try classifier(Self.sharingModel)
    #expect(model.classify("Lists of the customers end up with data brokers.").count == 1)
    #expect(model.classifyWithEvidence("Lists of the customers end up with data brokers.").isEmpty)
  }

  @Test(
    "a malformed model names its line",
    arguments: [
      ("label X bias 1 threshold 0.5 keep 0.3", "line 1: missing \"format\" line"),
      ("format policywatch-datause-model 2", "line 1: unknown format"),
      ("format policywatch-datause-model 1\nlabel X bias 1 threshold 0.5", "line 2: expected \"label NAME bias B"),
      ("format policywatch-datause-model 1\nlabel X bias 1 threshold 0.5 keep 0.3\nf w:a 1 1:2", "line 3: \"1:2\""),
      (
        "format policywatch-datause-model 1\nlabel X bias one threshold 0.5 keep 0.3", "line 2: \"one\" is not a number"
      ),
      ("format policywatch-datause-model 1\nweights 1", "line 2: unknown line \"weights\""),
    ])
  func malformed(text: String, message: String) {
    do {
      _ = try DataUseModel(text: text)
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.description.contains(message), "\(error.description)")
    }
  }

  @Test func theBuiltInModelLeavesAITrainingToTheRules() {
    let model = DataUseModel.builtIn
    #expect(!model.labelNames.isEmpty)
    #expect(!model.labelNames.contains { $0.hasSuffix("AI_TRAINING") || $0.hasSuffix("SCRAPING_CRAWLING") })
    for label in model.labels {
      #expect((0.0..<1.0).contains(label.keep) && (0.0..<1.0).contains(label.threshold), "\(label.name)")
    }
  }

  @Test func theBuiltInModelFindsPlainPracticesAndNamesItsEvidence() {
    let classifier = DataUseClassifier()
    let cases = [
      (
        "We may disclose your personal information to advertising partners and other third parties.",
        "THIRD_PARTY_SHARING"
      ),
      ("We use cookies and web beacons to recognise your browser when you return.", "TRACKING"),
      ("With your permission we collect the precise GPS location of your phone.", "LOCATION_DATA"),
    ]
    for (text, label) in cases {
      let match = classifier.classify(text).first { $0.label == label }
      #expect(match != nil, "\(text) → \(classifier.labels(text))")
      if let match { #expect(text.contains(match.match), "\(match.match)") }
    }
    #expect(classifier.labels("The weather in the mountains was pleasant last week.").isEmpty)
  }
}
