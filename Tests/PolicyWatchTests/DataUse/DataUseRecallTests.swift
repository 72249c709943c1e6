import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// Rules added to raise recall on clauses the classifier used to leave unlabelled (Scripts/eval-classifier.sh).
/// Each test pairs a sentence written for it that states the practice with a near miss that must stay unlabelled
/// for that category.
@Suite struct DataUseRecallTests {
  /// The rules alone: these tests pin what the rule set finds (the learned model has tests of its own).
  let classifier = DataUseClassifier(model: nil)

  func labels(_ text: String) -> Set<String> { Set(classifier.labels(text)) }

  @Test func dataCollectedThroughThirdParties() {
    #expect(
      labels("Some of the details listed below are collected by us directly or through third parties.")
        .contains("THIRD_PARTY_SHARING"))
    #expect(!labels("We collect your feedback through our support form.").contains("THIRD_PARTY_SHARING"))
  }

  @Test func signingInWithASocialNetworkAccount() {
    #expect(
      labels("When you sign in with a social network account, we receive your name and picture from that network.")
        .contains("THIRD_PARTY_SHARING"))
    #expect(!labels("You can sign in with your email address and a password.").contains("THIRD_PARTY_SHARING"))
  }

  @Test func aServiceListingTheOutsideServicesItUses() {
    #expect(labels("To run the site we are using the following services:").contains("THIRD_PARTY_SHARING"))
    // The user using other services is not the provider involving them.
    #expect(!labels("If you use the following services, their own terms apply.").contains("THIRD_PARTY_SHARING"))
  }

  @Test func bareLicenceTermsInAList() {
    #expect(labels("(c) sub-licensable,").contains("USER_CONTENT_LICENSE"))
    #expect(labels("Irrevocable.").contains("USER_CONTENT_LICENSE"))
    #expect(!labels("Your account is non-transferable.").contains("USER_CONTENT_LICENSE"))
    // A licence the service grants the user is not a licence over the user's content.
    #expect(!labels("We grant you a non-exclusive right to use the app.").contains("USER_CONTENT_LICENSE"))
  }

  @Test func noticeBeforeALegalDisclosure() {
    #expect(
      labels("Before we disclose your data in answer to a legal demand, we will notify you unless the law forbids it.")
        .contains("GOVERNMENT_LEGAL_DISCLOSURE"))
    // Notice of a disclosure with no legal process involved is not legal disclosure.
    #expect(
      !labels("We will notify you before we disclose your order details to the courier.")
        .contains("GOVERNMENT_LEGAL_DISCLOSURE"))
  }

  @Test func promotionalMaterialAmongTheMessagesSent() {
    #expect(
      labels("Our mailings include account notices, product updates and promotional information.")
        .contains("ADVERTISING_PROFILING"))
    // Unsubscribing from such messages is the choice, not the practice.
    #expect(!labels("You can unsubscribe from promotional messages at any time.").contains("ADVERTISING_PROFILING"))
  }

  @Test func contactingUsersAboutWhatMightInterestThem() {
    #expect(
      labels("We may contact you about events that might be of interest to you.").contains("ADVERTISING_PROFILING"))
    #expect(!labels("Contact us if any of these topics are of interest to you.").contains("ADVERTISING_PROFILING"))
  }

  @Test func tailoredOfferings() {
    #expect(labels("We tailor our offerings to your interests.").contains("ADVERTISING_PROFILING"))
    #expect(!labels("Our offerings change from season to season.").contains("ADVERTISING_PROFILING"))
  }

  @Test func notCollectingConnectionData() {
    #expect(
      labels("We neither collect nor save contact data (such as names) or connection data (such as IP addresses).")
        .contains("NOT_TRACKING"))
    // A denial of something else after the collection does not deny the collection.
    #expect(
      !labels("We collect your IP address to keep the service secure, and we do not sell it.").contains("NOT_TRACKING"))
  }
}
