import Foundation
import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// Sentences that name a practice without stating one of the provider's: obligations on the user, definitions, and
/// contradictory marks inside one clause part. Each test pairs what the veto drops with a near miss it must keep.
@Suite struct DataUseVetoTests {
  let classifier = DataUseClassifier(model: nil)

  func labels(_ text: String) -> Set<String> { Set(classifier.labels(text)) }

  @Test func anAcceptableUseBanOnTheUserStatesNoPracticeOfTheProvider() {
    // Bans on what the user does with the service are not the provider's practices.
    let ban = "You may not use the service to build facial recognition databases or to track people's location."
    #expect(labels(ban).isDisjoint(with: ["BIOMETRIC_SENSITIVE_DATA", "LOCATION_DATA", "TRACKING_TECHNOLOGY"]))
    // The same words with the provider acting stay.
    let practice = "We may use facial recognition on the photos you upload to suggest tags."
    #expect(labels(practice).contains("BIOMETRIC_SENSITIVE_DATA"))
    // A ban on scraping the site is a rule about scraping, and a licence the user grants stays a licence.
    #expect(labels("You may not scrape or crawl the site with automated tools.").contains("SCRAPING_CRAWLING"))
    #expect(
      labels("You must grant us a worldwide licence to reproduce the content you post.").contains(
        "USER_CONTENT_LICENSE"))
  }

  @Test func theUserSharingByAFeatureIsNotTheProviderSharing() {
    #expect(
      !labels("The app gives you the ability to share links to your notes with third parties.").contains(
        "THIRD_PARTY_SHARING"))
    #expect(
      labels("If you connect a partner app, you authorize us to share your notes with that partner.").contains(
        "THIRD_PARTY_SHARING"))
    #expect(
      labels("We share your data with advertisers when you share a post publicly.").contains(
        "THIRD_PARTY_SHARING"))
  }

  @Test func contentTheUserReceivesFromOthersIsNoCollection() {
    #expect(labels("With web search on, you may receive snippets provided by third parties.").isEmpty)
    #expect(
      labels("We may receive information about you from data brokers and other third parties.").contains(
        "THIRD_PARTY_SHARING"))
    // A ban worded "you are not authorized to" is a ban on the user.
    #expect(labels("You are not authorized to use the voice feature to clone voices without explicit consent.").isEmpty)
  }

  @Test func aBanOnSublicensingOthersContentIsNoLicenceOverUsersContent() {
    #expect(
      labels("You are not allowed to copy, resell or sublicense the third-party content shown in answers.").isEmpty)
    #expect(
      labels("You grant us a worldwide, royalty-free licence to reproduce and sublicense the content you post.")
        == ["USER_CONTENT_LICENSE"])
  }

  @Test func aPointerToOtherCompaniesPoliciesIsNoSharing() {
    #expect(
      !labels("You should review the terms and privacy policies of third parties that provide services in the app.")
        .contains("THIRD_PARTY_SHARING"))
    #expect(
      !labels("We are not responsible for the privacy practices of third-party websites.").contains(
        "THIRD_PARTY_SHARING"))
    // The provider's own sharing in the same sentence stays.
    #expect(
      labels("We share your data with service providers; please review their own privacy policies.").contains(
        "THIRD_PARTY_SHARING"))
  }

  @Test func aDefinitionStatesNoPractice() {
    let definition = "“Restricted Country” means a country to which the transfer of personal data is prohibited."
    #expect(labels(definition).isEmpty)
    // "Means" as in a way of doing something is no definition.
    let automated = "We collect your location by automated means when you open the app."
    #expect(labels(automated).contains("LOCATION_DATA"))
    // A definition that carries the provider's own practice ("this means we share…") stays.
    #expect(labels("This means we share your email address with advertisers.").contains("THIRD_PARTY_SHARING"))
  }

  @Test func aVetoOfEveryLabelFromARulesFile() throws {
    let json = """
      {"rules": [{"id": "veto.quoted-examples", "veto": "*", "vetoKeeps": ["SALE_OF_DATA"], "scope": "sentence",
                  "all": [["for example only"]]}]}
      """
    let rules = try DataUseRules(merging: Array(json.utf8), file: "test.json")
    let custom = DataUseClassifier(rules: rules, model: nil)
    let sentence = "For example only: we share your data with advertisers and sell it to brokers."
    let found = Set(custom.labels(sentence))
    #expect(found.contains("SALE_OF_DATA"))
    #expect(!found.contains("THIRD_PARTY_SHARING"))
    // Without the example words, both practices are found.
    #expect(
      Set(custom.labels("We share your data with advertisers and sell it to brokers.")).isSuperset(of: [
        "SALE_OF_DATA", "THIRD_PARTY_SHARING",
      ]))
  }

  @Test func aVetoScopeMustBeWordsOrSentence() {
    #expect(throws: DataUseRulesError.self) {
      try DataUseRules(
        merging: Array(#"{"rules": [{"id": "v", "veto": "*", "scope": "page", "all": ["example"]}]}"#.utf8))
    }
    #expect(throws: DataUseRulesError.self) {
      try DataUseRules(
        merging: Array(#"{"rules": [{"id": "v", "veto": "*", "vetoKeeps": ["no such"], "all": ["x"]}]}"#.utf8))
    }
  }

  @Test func contradictoryMarksInOneClausePartLeaveOne() {
    // A denial and an affirmation of the same category in one clause part: one label, not both.
    let oneClause = "We do not sell, rent or trade your personal information to data brokers."
    let found = labels(oneClause)
    #expect(found.contains("NOT_SALE_OF_DATA"))
    #expect(!found.contains("SALE_OF_DATA"))
    // Two parts that a boundary separates can state both.
    let twoParts =
      "We do not share your data with advertisers, but we share it with service providers that host our website."
    let both = labels(twoParts)
    #expect(both.contains("NOT_THIRD_PARTY_SHARING"))
    #expect(both.contains("THIRD_PARTY_SHARING"))
  }
}
