import Foundation
import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// Precision behaviours: which matches are not reported. The sentences are written for these tests.
@Suite struct DataUsePrecisionTests {
  /// The rules alone: these tests pin what the rule set finds (the learned model has tests of its own).
  let classifier = DataUseClassifier(model: nil)

  func labels(_ text: String) -> Set<String> { Set(classifier.labels(text)) }

  @Test func theSpecificCategoryHidesTheGeneralOneOnTheSameWords() {
    // Sale and sharing on the same words: the statement is about sale.
    #expect(labels("We will never sell or share your personal data with third parties.") == ["NOT_SALE_OF_DATA"])
    // A disclosure to the police is a legal disclosure, not third-party sharing in general.
    #expect(!labels("We may disclose your information to law enforcement agencies.").contains("THIRD_PARTY_SHARING"))
    // Different polarity: both statements stand.
    let mixed = labels("We do not sell your data, but we share it with our advertising partners.")
    #expect(mixed.contains("NOT_SALE_OF_DATA"))
    #expect(mixed.contains("THIRD_PARTY_SHARING"))
  }

  @Test func overridesComeFromTheRulesFile() throws {
    let json = """
      {"overrides": {"SPECIFIC": ["GENERAL"]}, "rules": [
        {"id": "g", "category": "GENERAL", "all": ["share"]},
        {"id": "s", "category": "SPECIFIC", "all": [["share"], ["pets"]], "window": 4},
        {"id": "o", "category": "OTHER", "all": ["cats"]}
      ]}
      """
    let custom = DataUseClassifier(rules: try DataUseRules(json: Array(json.utf8)), model: nil)
    #expect(custom.labels("We share pets.") == ["SPECIFIC"])
    #expect(custom.labels("We share photos.") == ["GENERAL"])
    #expect(Set(custom.labels("We share cats.")) == ["GENERAL", "OTHER"])
    let bad = #"{"overrides": {"SPECIFIC": ["lower"]}, "rules": [{"id": "g", "category": "G", "all": ["a"]}]}"#
    #expect {
      try DataUseRules(json: Array(bad.utf8))
    } throws: { error in
      (error as? DataUseRulesError)?.problem == .invalidCategory(rule: "overrides", category: "lower")
    }
  }

  @Test func aQuestionOrAHeadingStatesNoPractice() {
    #expect(labels("Do we sell your personal information?").isEmpty)
    #expect(labels("Do we sell your personal information? We never sell it.") == ["NOT_SALE_OF_DATA"])
    #expect(labels("Cookies, Beacons and Similar Technologies").isEmpty)
    #expect(labels("We place cookies on your device.") == ["TRACKING"])
    let keepQuestions = #"{"skipQuestions": false, "rules": [{"id": "c", "category": "C", "all": ["cookies"]}]}"#
    let custom = DataUseClassifier(rules: try! DataUseRules(json: Array(keepQuestions.utf8)), model: nil)
    #expect(custom.labels("Do we use cookies?") == ["C"])
  }

  @Test func aDenialOutweighsALooseMatchOfTheSameCategoryInItsSentence() {
    // "pixels" stands beyond the reach of "no", but the sentence denies tracking as a whole.
    #expect(labels("This app has no ads, no analytics, no accounts, and none of the usual pixels.") == ["NOT_TRACKING"])
    // Saying Do Not Track is not honoured is tracking, even when the sentence also mentions complying with it.
    #expect(
      labels("We do not respond to Do Not Track signals, since nobody agrees what it means to comply with DNT.")
        .contains("TRACKING"))
  }

  @Test func thirdPartyCollectionNeedsDataAndChildrenNeedData() {
    #expect(labels("Advertising partners may collect information about your visits.").contains("THIRD_PARTY_SHARING"))
    #expect(!labels("Our partners gather once a year at a conference.").contains("THIRD_PARTY_SHARING"))
    #expect(labels("We do not knowingly collect personal information from children under 13.") == ["NOT_CHILDREN"])
    #expect(labels("The service is intended for adults; children may not register.").isEmpty)
  }

  @Test func wordsThatOnlyLookLikeAPracticeDoNotMatch() {
    #expect(labels("Our shareholders, employees and agents are not liable for any loss.").isEmpty)
    #expect(labels("We practise data minimisation throughout the service.").isEmpty)
  }

  @Test(
    "concept rules added for recall, each with a near miss",
    arguments: [
      ("Members grant us a transferable, sublicensable, royalty-free right.", "USER_CONTENT_LICENSE", true),
      ("We grant you a non-exclusive, royalty-free license to use the app.", "USER_CONTENT_LICENSE", false),
      ("The licences you gave us survive the end of this agreement.", "USER_CONTENT_LICENSE", true),
      ("Partner networks serve ads on our pages.", "ADVERTISING_PROFILING", true),
      ("Partner networks serve customers in many countries.", "ADVERTISING_PROFILING", false),
      ("After you delete a photo, it may still exist in archived backups for a while.", "DATA_RETENTION", true),
      ("We keep your information as long as required by law.", "DATA_RETENTION", true),
      ("We ask for the minimum amount of personal data needed to run your account.", "NOT_PURPOSE_EXPANSION", true),
      ("You agree to use the service only for purposes allowed by law.", "NOT_PURPOSE_EXPANSION", false),
      ("Your records are never given to any third party.", "NOT_THIRD_PARTY_SHARING", true),
      ("These terms are governed by the laws of Ohio, regardless of your location.", "LOCATION_DATA", false),
      ("We may match your account data with records we buy from other sources.", "AFFILIATE_SHARING_COMBINATION", true),
      ("You can link your account to a social network.", "AFFILIATE_SHARING_COMBINATION", false),
      ("Posts about religious leaders are moderated in this forum.", "BIOMETRIC_SENSITIVE_DATA", false),
      ("We collect health records only with your explicit consent.", "BIOMETRIC_SENSITIVE_DATA", true),
      ("Payments are handled by Acme Ltd, trading as PayCo, using the details you enter.", "SALE_OF_DATA", false),
      ("Our analytics tools record the page you visited before arriving here.", "TRACKING", true),
      ("Your phone's advertising ID is read when the app starts.", "TRACKING", true),
      ("Neither we nor our service providers will be liable for lost profits.", "NOT_THIRD_PARTY_SHARING", false),
      ("We may disclose reports to partners in a form that does not reveal who you are.", "THIRD_PARTY_SHARING", true),
      ("We disclose reports to partners in a form that does not reveal you.", "NOT_THIRD_PARTY_SHARING", false),
    ])
  func conceptRules(text: String, label: String, expected: Bool) {
    #expect(labels(text).contains(label) == expected, "\(labels(text))")
  }

  @Test func aNegationGovernsEveryVerbOfTheDoNotTrackRule() {
    // "not" covers both "recognize" and "respond": not honouring the signal means the user is tracked.
    #expect(labels("We do not recognize or respond to browser Do Not Track signals.") == ["TRACKING"])
    #expect(labels("We honour and respond to Do Not Track signals.") == ["NOT_TRACKING"])
  }

  @Test func aLicenceForAnyPurposeIsALicenceNotASeparatePurposeStatement() {
    let text = "You grant us a perpetual licence to use your content for any purpose."
    #expect(labels(text) == ["USER_CONTENT_LICENSE"])
  }

  @Test func trackingTechnologyIsNotAlsoAdvertisingOnTheSameWords() {
    #expect(labels("The site sets advertising cookies.") == ["TRACKING"])
    #expect(labels("We use your purchase history to show you targeted advertising.") == ["ADVERTISING_PROFILING"])
  }
}
