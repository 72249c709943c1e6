import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// Words that look like one practice but state another, and the near misses that must still match. The sentences
/// are written for these tests.
@Suite struct DataUseFalseFriendTests {
  /// The rules alone: these tests pin what the rule set finds (the learned model has tests of its own).
  let classifier = DataUseClassifier(model: nil)

  func labels(_ text: String) -> Set<String> { Set(classifier.labels(text)) }

  @Test func nonPersonalisedAdsAreNotTargetedAdvertising() {
    // "personalised ads" inside "non-personalised ads" is a denial of profiling, not an instance of it.
    #expect(labels("We serve only non-personalised ads.") == ["NOT_ADVERTISING_PROFILING"])
    let contextual = labels("The site displays contextual ads that do not depend on who you are.")
    #expect(contextual == ["NOT_ADVERTISING_PROFILING"])
    // The near misses: personalised and plain ads are still reported.
    #expect(labels("We use your data to show you personalised ads.") == ["ADVERTISING_PROFILING"])
    #expect(labels("Partner networks serve ads on our pages.").contains("ADVERTISING_PROFILING"))
  }

  @Test func anAdvertiserIsARecipientNotAnAdvertisingPurpose() {
    // Handing data to an advertiser is sharing; it says nothing yet about using it for advertising.
    #expect(labels("We will not share your email address with any advertiser.") == ["NOT_THIRD_PARTY_SHARING"])
    #expect(labels("We may share your details with advertisers.") == ["THIRD_PARTY_SHARING"])
    // Using data for advertising is still advertising.
    #expect(labels("We may use your details for advertising.") == ["ADVERTISING_PROFILING"])
  }

  @Test func aDenialWithALegalExceptionStaysADenialOfSharing() {
    // The exception is reported as legal disclosure; the sharing itself stays denied.
    let found = labels("We will not share your email address with any advertiser unless the law requires it.")
    #expect(found.contains("NOT_THIRD_PARTY_SHARING"))
    #expect(!found.contains("THIRD_PARTY_SHARING"))
  }

  @Test func trackingALocationIsLocationData() {
    // "track" with a location as its object is about location, not about cookies or other trackers.
    #expect(labels("The app tracks your location while it runs.") == ["LOCATION_DATA"])
    #expect(labels("Our app will never track your location.") == ["NOT_LOCATION_DATA"])
    #expect(labels("The app can monitor where you are during a delivery.") == ["LOCATION_DATA"])
    // Tracking visits is still tracking.
    #expect(labels("We place cookies to track your visits.") == ["TRACKING"])
  }

  @Test func analyticsAsAPurposeIsNotATrackingTool() {
    // "analytics" names a purpose here; no tool that records visits is mentioned.
    #expect(!labels("Aggregated reports may be used for analytics and planning.").contains("TRACKING"))
    // Analytics tools, services and partners are tracking technology.
    #expect(labels("Our analytics partners record the pages you open.").contains("TRACKING"))
    #expect(labels("We use an analytics service to count visits.").contains("TRACKING"))
  }

  @Test func resistingDataRequestsIsAboutLegalDisclosure() {
    let resist = labels("We resist requests from authorities that we consider overbroad.")
    #expect(resist == ["GOVERNMENT_LEGAL_DISCLOSURE"])
    let challenge = labels("We will challenge demands for user data that lack a proper legal basis.")
    #expect(challenge.contains("GOVERNMENT_LEGAL_DISCLOSURE"))
    // Objecting to processing is the user's choice, not a legal request.
    let object = labels("You may object to requests for your data to be processed for research.")
    #expect(!object.contains("GOVERNMENT_LEGAL_DISCLOSURE"))
  }

  @Test func anOptOutOfAdvertisingStatesTheAdvertisingItStops() {
    // A way to opt out of ads means the ads are chosen from the user's data: both the choice and the practice.
    let features = labels("You can opt out of certain advertising features in your phone settings.")
    #expect(features == ["ADVERTISING_PROFILING", "CHOICE_OPTOUT_CONSENT"])
    let limit = labels("You can limit how ads are chosen for you.")
    #expect(limit == ["ADVERTISING_PROFILING", "CHOICE_OPTOUT_CONSENT"])
    // Unsubscribing from marketing email is a choice only.
    #expect(labels("You can unsubscribe from our promotional emails at any time.") == ["CHOICE_OPTOUT_CONSENT"])
  }
}
