import Foundation
import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// The sentences here are written for these tests; none comes from a real policy or from the corpus.
@Suite struct DataUseClassifierTests {
  /// The rules alone: these tests pin what the rule set finds (the learned model has tests of its own).
  let classifier = DataUseClassifier(model: nil)

  func labels(_ text: String) -> Set<String> { Set(classifier.labels(text)) }

  @Test(
    "each category is found in plain phrasings",
    arguments: [
      ("We may use the posts you publish to train our artificial intelligence systems.", "AI_TRAINING"),
      ("You must not use any robot, spider or scraper to copy pages of the site.", "SCRAPING_CRAWLING"),
      ("Automated crawling of our service is prohibited.", "SCRAPING_CRAWLING"),
      ("We share your personal information with third parties who help us run the service.", "THIRD_PARTY_SHARING"),
      ("Your details may be disclosed to our partners.", "THIRD_PARTY_SHARING"),
      ("We may share information with our affiliates and subsidiaries.", "AFFILIATE_SHARING_COMBINATION"),
      ("We combine the data we hold about you across our other products.", "AFFILIATE_SHARING_COMBINATION"),
      ("We may sell your personal information to data brokers.", "SALE_OF_DATA"),
      ("Customer lists may be rented to other businesses.", "SALE_OF_DATA"),
      (
        "If we are involved in a merger or acquisition, your data may be transferred to the new owner.",
        "BUSINESS_TRANSFER"
      ),
      ("In the event of bankruptcy, user records may be among the assets sold.", "BUSINESS_TRANSFER"),
      ("We use your browsing activity to show you targeted advertising.", "ADVERTISING_PROFILING"),
      ("Your information may be used for marketing purposes.", "ADVERTISING_PROFILING"),
      ("We place cookies and web beacons on your device.", "TRACKING"),
      ("Our pages contain tracking pixels from analytics providers.", "TRACKING"),
      ("The app collects your precise GPS location while it runs.", "LOCATION_DATA"),
      ("We infer the city you are in from your IP address.", "LOCATION_DATA"),
      ("We collect biometric identifiers such as a scan of your face.", "BIOMETRIC_SENSITIVE_DATA"),
      ("Health information you enter is stored in your account.", "BIOMETRIC_SENSITIVE_DATA"),
      ("We retain your messages for 90 days after you delete them.", "DATA_RETENTION"),
      ("Backup copies may be kept indefinitely.", "DATA_RETENTION"),
      (
        "You grant us a worldwide, royalty-free, perpetual license to use the content you upload.",
        "USER_CONTENT_LICENSE"
      ),
      ("You can opt out of promotional emails at any time.", "CHOICE_OPTOUT_CONSENT"),
      ("We ask for your explicit consent before we process it.", "CHOICE_OPTOUT_CONSENT"),
      (
        "We may disclose your records to law enforcement when we receive a valid subpoena.",
        "GOVERNMENT_LEGAL_DISCLOSURE"
      ),
      ("We may use your information for any purpose we see fit.", "PURPOSE_EXPANSION"),
      (
        "Your data may be transferred to and stored in countries outside the European Economic Area.",
        "INTERNATIONAL_TRANSFER"
      ),
      ("We do not knowingly collect personal information from children under 13.", "NOT_CHILDREN"),
      ("Parents of children under 13 must give parental consent before the child shares data.", "CHILDREN"),
    ])
  func category(text: String, label: String) {
    #expect(labels(text).contains(label), "\(text) → \(labels(text).sorted())")
  }

  @Test(
    "AI-training phrasings",
    arguments: [
      "We may use your data to develop and train artificial intelligence (AI) models.",
      "Our affiliates may fine-tune generative AI models on the content you post.",
      "Your conversations may be used to improve our machine learning models.",
      "Uploaded files may help train our large language models.",
      "We use public posts as training data for our LLM.",
      "Prompts you enter may be used to build and improve our AI systems.",
      "We may disclose your data to partners for them to train their own machine learning models.",
    ])
  func aiTraining(text: String) {
    let matches = classifier.classify(text)
    let match = matches.first { $0.category == "AI_TRAINING" }
    #expect(match?.polarity == .affirmative, "\(text) → \(matches)")
    #expect(match.map { !$0.match.isEmpty && !$0.rule.isEmpty } == true)
  }

  @Test(
    "mentions of AI that say nothing about using data to train are not AI_TRAINING",
    arguments: [
      "Our AI features help you write better emails.",
      "The assistant uses artificial intelligence to suggest replies.",
      "Machine learning helps us detect spam.",
      "We train our support staff to answer your questions quickly.",
      "Training courses are offered to enterprise customers.",
      "Generative AI output may be inaccurate; check it before you rely on it.",
    ])
  func aiWithoutTraining(text: String) {
    let found = labels(text)
    #expect(!found.contains("AI_TRAINING") && !found.contains("NOT_AI_TRAINING"), "\(text) → \(found.sorted())")
  }

  @Test(
    "negations",
    arguments: [
      ("We do not sell your personal data.", "NOT_SALE_OF_DATA", "SALE_OF_DATA"),
      ("We will never sell or rent your information to anyone.", "NOT_SALE_OF_DATA", "SALE_OF_DATA"),
      ("Your data is not sold to advertisers.", "NOT_SALE_OF_DATA", "SALE_OF_DATA"),
      ("We will never use your content to train AI models.", "NOT_AI_TRAINING", "AI_TRAINING"),
      ("We don't use your private messages to train our machine learning models.", "NOT_AI_TRAINING", "AI_TRAINING"),
      (
        "We don't share your data with third parties, except when you ask us to.", "NOT_THIRD_PARTY_SHARING",
        "THIRD_PARTY_SHARING"
      ),
      ("This site does not use cookies or any other trackers.", "NOT_TRACKING", "TRACKING"),
      ("We honor Do Not Track signals sent by your browser.", "NOT_TRACKING", "TRACKING"),
      ("We do not respond to Do Not Track signals.", "TRACKING", "NOT_TRACKING"),
      (
        "We do not sell your data, but we may share it with our service providers.", "NOT_SALE_OF_DATA",
        "SALE_OF_DATA"
      ),
    ])
  func negation(text: String, expected: String, notExpected: String) {
    let found = labels(text)
    #expect(found.contains(expected), "\(text) → \(found.sorted())")
    #expect(!found.contains(notExpected), "\(text) → \(found.sorted())")
  }

  @Test func negationIsScopedToItsClause() {
    let found = labels("We do not sell your data, but we may share it with our service providers.")
    #expect(found.contains("THIRD_PARTY_SHARING"))
    #expect(!found.contains("NOT_THIRD_PARTY_SHARING"))
  }

  @Test func unlessYouOptOutIsAnAffirmativePracticeWithAChoice() {
    let found = labels("We may sell your personal information to partners unless you opt out.")
    #expect(found.contains("SALE_OF_DATA"))
    #expect(found.contains("CHOICE_OPTOUT_CONSENT"))
    #expect(!found.contains("NOT_SALE_OF_DATA"))
  }

  @Test func withoutYourConsentDoesNotNegateSharing() {
    let plain = labels("We may share your information with third parties without your consent.")
    #expect(plain.contains("THIRD_PARTY_SHARING") && !plain.contains("NOT_THIRD_PARTY_SHARING"))
    // "not … without your consent" is sharing under a condition, not a promise never to share.
    let conditional = labels("We will not share your information with third parties without your consent.")
    #expect(conditional.contains("THIRD_PARTY_SHARING") && !conditional.contains("NOT_THIRD_PARTY_SHARING"))
    #expect(conditional.contains("CHOICE_OPTOUT_CONSENT"))
  }

  @Test func cueOutsideTheMatchedClauseDoesNotNegate() {
    let found = labels("If you do not agree, stop using the service; we share your data with our partners.")
    #expect(found.contains("THIRD_PARTY_SHARING"))
    #expect(!found.contains("NOT_THIRD_PARTY_SHARING"))
    let phrase = labels("We share, including but not limited to, your data with third parties.")
    #expect(phrase.contains("THIRD_PARTY_SHARING"))
    // The cue belongs to "opt out", not to the tracking.
    let blocked = labels("You cannot opt out of the tracking cookies on this site.")
    #expect(blocked.contains("TRACKING") && !blocked.contains("NOT_TRACKING"))
  }

  @Test func aMatchIsExplained() throws {
    let matches = classifier.classify("Heading\u{00A0}text: we   may SELL your personal data.")
    let sale = try #require(matches.first { $0.category == "SALE_OF_DATA" })
    #expect(sale.polarity == .affirmative)
    #expect(sale.label == "SALE_OF_DATA")
    #expect(sale.match.hasPrefix("SELL"))
    #expect(sale.match.contains("data"))
    #expect(DataUseRules.builtIn.ruleIDs.contains(sale.rule))
  }

  @Test func resultsAreDeduplicatedPerCategoryAndPolarity() {
    let text = "We sell your data. We also sell your contact details. We do not sell your health records."
    let matches = classifier.classify(text)
    #expect(matches.filter { $0.label == "SALE_OF_DATA" }.count == 1)
    #expect(matches.filter { $0.label == "NOT_SALE_OF_DATA" }.count == 1)
    #expect(Set(matches).count == matches.count)
  }

  @Test func nothingMatchesInUnrelatedText() {
    #expect(classifier.classify("These terms are governed by the laws of the State of Oregon.").isEmpty)
    #expect(classifier.classify("").isEmpty)
  }

  @Test func builtInRulesCoverEveryCategory() throws {
    let expected: Set<String> = [
      "AI_TRAINING", "SCRAPING_CRAWLING", "THIRD_PARTY_SHARING", "AFFILIATE_SHARING_COMBINATION", "SALE_OF_DATA",
      "BUSINESS_TRANSFER", "ADVERTISING_PROFILING", "TRACKING", "LOCATION_DATA", "BIOMETRIC_SENSITIVE_DATA",
      "DATA_RETENTION", "USER_CONTENT_LICENSE", "CHOICE_OPTOUT_CONSENT", "GOVERNMENT_LEGAL_DISCLOSURE",
      "PURPOSE_EXPANSION", "INTERNATIONAL_TRANSFER", "CHILDREN",
    ]
    #expect(Set(DataUseRules.builtIn.categories) == expected)
    // What --print-rules prints parses back to the same rules.
    let reparsed = try DataUseRules(json: Array(DataUseRules.builtInJSON.utf8))
    #expect(reparsed.ruleIDs == DataUseRules.builtIn.ruleIDs)
  }
}
