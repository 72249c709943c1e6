import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// The phrasings and polarity cases added when tuning the rules against error patterns (Scripts/eval-classifier.sh).
/// The sentences are written for these tests; each pins one general behaviour, not one corpus sentence.
@Suite struct DataUseTuningTests {
  /// The rules alone: these tests pin what the rule set finds (the learned model has tests of its own).
  let classifier = DataUseClassifier(model: nil)

  func labels(_ text: String) -> Set<String> { Set(classifier.labels(text)) }

  @Test func aNegationInsideAConditionDoesNotDenyThePractice() {
    let broken = labels("Some pages may not load properly if your browser does not accept cookies.")
    #expect(broken.contains("TRACKING"))
    #expect(!broken.contains("NOT_TRACKING"))
    let choice = labels("If you do not want us to use cookies, you can switch them off in your browser.")
    #expect(!choice.contains("NOT_TRACKING"))
    #expect(choice.contains("TRACKING"))
    // A real denial still is one.
    #expect(labels("We do not use cookies.").contains("NOT_TRACKING"))
    #expect(labels("We will never use cookies, even if you ask us to.").contains("NOT_TRACKING"))
  }

  @Test func aNegationTakenByAnotherVerbDoesNotDenyTheCookies() {
    let found = labels("We cannot identify you personally from the cookies we set.")
    #expect(found.contains("TRACKING"))
    #expect(!found.contains("NOT_TRACKING"))
  }

  @Test func aPracticeStatedBeforeALaterDenialIsKept() {
    let found = labels(
      "We use your approximate location to show local news, but we do not collect your precise GPS location.")
    #expect(found.contains("LOCATION_DATA"))
    #expect(found.contains("NOT_LOCATION_DATA"))
    // The later loose match is still outweighed by the denial before it.
    #expect(labels("We use no cookies, pixels or other trackers.") == ["NOT_TRACKING"])
  }

  @Test func doNotTrackSignalsReferredToAgain() {
    let found = labels("Browsers can send Do Not Track signals. We do not currently respond to such signals.")
    #expect(found.contains("TRACKING"))
    #expect(labels("We honour those signals when a browser sends Do Not Track.").contains("NOT_TRACKING"))
  }

  @Test func dataReceivedFromOtherParties() {
    #expect(labels("We may receive information about you from advertising partners.").contains("THIRD_PARTY_SHARING"))
    #expect(
      labels("Details obtained from public sources may be added to your account.").contains("THIRD_PARTY_SHARING"))
    #expect(labels("We also collect data about you from credit reference agencies.").contains("THIRD_PARTY_SHARING"))
    // Receiving offers is not receiving data.
    #expect(!labels("You may opt out of receiving offers from our partners.").contains("THIRD_PARTY_SHARING"))
    // Receiving data from outside sources and combining it: both are reported, the combination does not hide the
    // receipt (the combination rule has "override": false).
    let combined = labels("We may receive data about you from other sources and combine it with our records.")
    #expect(combined.contains("THIRD_PARTY_SHARING"))
    #expect(combined.contains("AFFILIATE_SHARING_COMBINATION"))
    #expect(labels("We combine your data across all of our products.").contains("AFFILIATE_SHARING_COMBINATION"))
  }

  @Test func thirdPartyCookiesAreTrackingRatherThanSharing() {
    let found = labels("Third parties may place cookies on your device to collect information about your visits.")
    #expect(found.contains("TRACKING"))
    #expect(!found.contains("THIRD_PARTY_SHARING"))
    // Sharing stated on its own words stays.
    #expect(labels("We share your email address with our partners.").contains("THIRD_PARTY_SHARING"))
  }

  @Test func businessEventsNeedACompanyNotData() {
    #expect(!labels("Government agencies sometimes try to acquire user data from us.").contains("BUSINESS_TRANSFER"))
    #expect(!labels("We merge data from our apps and our websites.").contains("BUSINESS_TRANSFER"))
    #expect(
      labels("If we are acquired by another company, your data may be transferred to the new owner.")
        .contains("BUSINESS_TRANSFER"))
    #expect(
      labels("Your information may be transferred if our business structure changes.").contains("BUSINESS_TRANSFER"))
  }

  @Test func retentionPeriodsInTheSingular() {
    #expect(labels("Access logs are deleted after one month.").contains("DATA_RETENTION"))
    #expect(labels("We keep your messages for one year.").contains("DATA_RETENTION"))
  }

  @Test func notOtherThanIsNotAboutPurposes() {
    #expect(
      !labels("We do not allow anyone other than our staff to read support tickets.").contains(
        "NOT_PURPOSE_EXPANSION"))
    #expect(labels("We will not use your data for any other purpose.").contains("NOT_PURPOSE_EXPANSION"))
  }

  @Test func aRequestNeverReceivedIsAStatementAboutRequests() {
    let found = labels("We have never received a government request for user data.")
    #expect(found.contains("GOVERNMENT_LEGAL_DISCLOSURE"))
    #expect(!found.contains("NOT_GOVERNMENT_LEGAL_DISCLOSURE"))
  }

  @Test func whatTheUserMayNotDoGrantsNoLicence() {
    #expect(
      !labels("You agree not to reproduce, distribute or publicly display any material from the site.").contains(
        "USER_CONTENT_LICENSE"))
    #expect(!labels("You are responsible for the content you upload and distribute.").contains("USER_CONTENT_LICENSE"))
    #expect(
      labels("You grant us a worldwide, royalty-free license to reproduce and distribute your content.").contains(
        "USER_CONTENT_LICENSE"))
  }

  @Test func nonPersonalisedAdvertisingDeniesProfiling() {
    let found = labels("We only show non-personalized ads.")
    #expect(found.contains("NOT_ADVERTISING_PROFILING"))
    #expect(!found.contains("ADVERTISING_PROFILING"))
    #expect(labels("We show personalized ads based on your activity.").contains("ADVERTISING_PROFILING"))
    #expect(labels("Ad networks may use this information to measure campaigns.").contains("ADVERTISING_PROFILING"))
  }

  @Test func aRuleWithOverrideFalseHidesNoGeneralCategory() throws {
    let json = """
      {"overrides": {"SPECIFIC": ["GENERAL"]}, "rules": [
        {"id": "g", "category": "GENERAL", "all": ["receive"]},
        {"id": "s", "category": "SPECIFIC", "all": [["receive"], ["pets"]], "window": 4},
        {"id": "c", "category": "SPECIFIC", "all": [["receive"], ["cats"]], "window": 4, "override": false}
      ]}
      """
    let custom = DataUseClassifier(rules: try DataUseRules(json: Array(json.utf8)), model: nil)
    #expect(custom.labels("We receive pets.") == ["SPECIFIC"])
    #expect(Set(custom.labels("We receive cats.")) == ["GENERAL", "SPECIFIC"])
    let bad = #"{"rules": [{"id": "c", "category": "C", "all": ["a"], "override": "no"}]}"#
    #expect {
      try DataUseRules(json: Array(bad.utf8))
    } throws: { error in
      (error as? DataUseRulesError)?.problem == .wrongType(rule: "c", field: "override", expected: "true or false")
    }
  }

  @Test func conditionalsComeFromTheRulesFile() throws {
    let json = """
      {"negation": {"cues": ["not"], "boundaries": ["if"], "conditionals": ["if"]},
       "rules": [{"id": "t", "category": "TRACKING", "all": ["cookies"]}]}
      """
    let custom = DataUseClassifier(rules: try DataUseRules(json: Array(json.utf8)), model: nil)
    #expect(custom.labels("We do not use cookies.") == ["NOT_TRACKING"])
    #expect(custom.labels("Pages may break if you do not accept cookies.") == ["TRACKING"])
  }

  @Test func weDoNotTrackIsADenialButDoNotTrackIsASignal() {
    #expect(labels("We do not track you.") == ["NOT_TRACKING"])
    #expect(labels("Our service doesn't track users across other websites.").contains("NOT_TRACKING"))
    #expect(labels("Your IP address is never stored.").contains("NOT_TRACKING"))
    #expect(labels("Search queries are not logged.").contains("NOT_TRACKING"))
    // The signal's name is not a denial.
    #expect(labels("Our site does not respond to Do Not Track signals.") == ["TRACKING"])
    #expect(!labels("Some browsers offer a Do Not Track setting.").contains("NOT_TRACKING"))
    // Tracking an order is not tracking a person.
    #expect(labels("We do not track your orders after delivery.").isEmpty)
  }

  @Test func givingOrPassingDataOnIsSharing() {
    #expect(labels("We never give your email address to anybody.") == ["NOT_THIRD_PARTY_SHARING"])
    #expect(labels("We do not pass your details on to other companies.") == ["NOT_THIRD_PARTY_SHARING"])
    #expect(labels("Your contact details may be given to our delivery partners.").contains("THIRD_PARTY_SHARING"))
    // Sending the user a message is not sharing.
    #expect(labels("We will send a notification to the email address you gave us.").isEmpty)
  }

  @Test func deidentifiedDataThatCannotBeTracedBack() {
    #expect(!labels("Reports are de-identified, so we cannot track it back to you.").contains("NOT_TRACKING"))
  }
}
