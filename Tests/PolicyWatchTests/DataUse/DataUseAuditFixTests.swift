import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// Fixes for the classifier errors found by a human audit of every error on the ToS;DR dev split
/// (Scripts/eval-classifier.sh). Each test pairs a sentence written for it that the fix makes right with a near miss
/// that must stay as it was.
@Suite struct DataUseAuditFixTests {
  /// The rules alone: these tests pin what the rule set finds (the learned model has tests of its own).
  let classifier = DataUseClassifier(model: nil)

  func labels(_ text: String) -> Set<String> { Set(classifier.labels(text)) }

  @Test func usingTheServicesOfAnOutsideCompany() {
    // Naming an outside company whose services run part of the site involves a third party.
    #expect(labels("We use the services of Acme Mail to deliver our receipts.").contains("THIRD_PARTY_SHARING"))
    #expect(labels("We also use services of a translation agency for support tickets.").contains("THIRD_PARTY_SHARING"))
    // The service offering its own services to the user involves nobody else.
    #expect(
      !labels("We use your answers to provide you with the services of our app.").contains("THIRD_PARTY_SHARING"))
  }

  @Test func contractBoilerplateStatesNoDataPractice() {
    // Parties listed in an indemnity are not a business transfer; a business being acquired still is.
    let indemnity =
      "You agree to hold the company, its officers, successors, assigns and agents harmless from any claim."
    #expect(labels(indemnity).isEmpty)
    #expect(labels("If we are acquired, your data may pass to our successor.") == ["BUSINESS_TRANSFER"])
    // The user's duty to obey laws and regulations is not a disclosure to authorities.
    #expect(labels("You must comply with all laws and governmental regulations when using the app.").isEmpty)
    #expect(
      labels("We disclose account data to government agencies when they present a valid request.")
        == ["GOVERNMENT_LEGAL_DISCLOSURE"])
    // A country's law names a jurisdiction, not a place data is sent to.
    #expect(labels("Do not use the forum to break any local or non-U.S. law or store unlawful files.").isEmpty)
    #expect(labels("Your data may be stored on servers in the United States.") == ["INTERNATIONAL_TRANSFER"])
    // A court's non-exclusive jurisdiction is not a licence; a non-exclusive licence over uploads is.
    #expect(labels("You submit to the non-exclusive jurisdiction of the courts of Ontario.").isEmpty)
    #expect(
      labels("You grant us a non-exclusive licence to display the photos you upload.") == ["USER_CONTENT_LICENSE"])
    // Moral rights named among kinds of intellectual property in a dispute clause grant nothing.
    #expect(labels("Disputes over patents, moral rights and trademarks are decided in court.").isEmpty)
    #expect(labels("You waive any moral rights in the content you post.") == ["USER_CONTENT_LICENSE"])
  }

  @Test func disclaimersStateNoDataPractice() {
    // "Your use of" is the user using something, not the service using data for advertising.
    #expect(labels("Your use of user content and third-party advertisements is at your own risk.").isEmpty)
    #expect(labels("We use your profile data for advertising.") == ["ADVERTISING_PROFILING"])
    // A liability disclaimer about what third parties transmit does not share data with them.
    let disclaimer =
      "Under no circumstances will we be liable for any loss or damage from files transmitted by third parties."
    #expect(labels(disclaimer).isEmpty)
    #expect(labels("We transmit your order details to third parties that deliver parcels.") == ["THIRD_PARTY_SHARING"])
  }

  @Test func aDataResellerOrAnIdiomIsNoSale() {
    // A reseller the service buys from is a source of data, not the service selling it.
    #expect(!labels("We buy mailing lists from data resellers to find new customers.").contains("SALE_OF_DATA"))
    #expect(labels("We sell your email address to marketing companies.") == ["SALE_OF_DATA"])
    // "Sell your soul" is an idiom, not a denial of selling data.
    #expect(labels("Reading is free: you need not sign up, pay or sell your soul to get it.").isEmpty)
  }

  @Test func storageAsAServiceOrALicenceVerbIsNoRetention() {
    // "storage" among the services a vendor provides states no period; a period of keeping data does.
    let vendors = "Our vendors provide hosting, backup, storage and analytics services for us."
    #expect(!labels(vendors).contains("DATA_RETENTION"))
    #expect(labels("We keep backups of your messages for 30 days.") == ["DATA_RETENTION"])
    // The verbs of a licence grant ("host, archive, store") are the licence, not a retention period.
    let licence = "You grant us a royalty-free, sublicensable licence to host, archive, store and display your posts."
    #expect(labels(licence) == ["USER_CONTENT_LICENSE"])
    // A name that begins with "keep" is not the verb.
    #expect(!labels("It may be necessary to share your order with Keepsafe, our courier.").contains("DATA_RETENTION"))
  }

  @Test func deletingChildrensDataCollectedByMistakeIsNoCollection() {
    // A promise to delete what was collected by mistake states no collection from children.
    let mistake = "If we learn that we have collected personal data from a child under 13, we will delete it."
    #expect(labels(mistake).isEmpty)
    #expect(labels("We do not knowingly collect personal data from children under 13.") == ["NOT_CHILDREN"])
    let consent = "Children under 13 may use the app only with parental consent, and we collect their names and ages."
    #expect(labels(consent).contains("CHILDREN"))
  }

  @Test func addOnsAndStockTrackingAreNotTrackingTechnology() {
    // Plug-ins offered beside apps as add-ons the user installs are integrations, not trackers.
    #expect(labels("You can add third-party apps, plug-ins, or themes to your workspace.").isEmpty)
    #expect(labels("Our pages include social plug-ins that report your visit to the network.") == ["TRACKING"])
    // Tracking stock is not tracking people.
    #expect(labels("We use cameras in our warehouse for tracking stock levels.").isEmpty)
    #expect(labels("We use cookies for tracking your visits.") == ["TRACKING"])
  }

  @Test func ignoringDoNotTrackIsTrackingEvenWhenExplained() {
    // The cue governs the verb: "when" after "alter" does not cut "do not" off.
    let alter = "We do not alter how we collect data when your browser sends a Do Not Track signal."
    #expect(labels(alter) == ["TRACKING"])
    // Explaining the refusal ("what it means to comply") does not add a promise to honour the signal.
    let explained =
      "We do not respond to DNT signals, because there is no standard for what it means to comply with DNT."
    #expect(labels(explained) == ["TRACKING"])
    // Honouring the signal is still a denial of tracking.
    #expect(labels("We honour Do Not Track signals sent by your browser.") == ["NOT_TRACKING"])
    let honour = "When your browser sends a Do Not Track signal, we honour it and stop measuring your visits."
    #expect(labels(honour) == ["NOT_TRACKING"])
  }

  @Test func sellingOrOtherwiseSharingDeniesBoth() {
    // "or otherwise share" makes the sale one kind of a wider denied sharing: both are denied.
    let both = labels("We will not sell or otherwise share your details with outside companies.")
    #expect(both == ["NOT_SALE_OF_DATA", "NOT_THIRD_PARTY_SHARING"])
    // A denial of sale alone stays about sale.
    #expect(labels("We do not sell your details to outside companies.") == ["NOT_SALE_OF_DATA"])
    // Telling others is disclosing; telling the user is not.
    #expect(labels("We never tell anyone what is in your files.") == ["NOT_THIRD_PARTY_SHARING"])
    #expect(labels("We will tell you when your files are ready.").isEmpty)
  }

  @Test func aContractLimitsPurposeOnlyWhenItIsTheNeed() {
    // Processing that is needed for the contract is limited to it.
    let needed = "We process your address because it is necessary for the performance of our contract with you."
    #expect(labels(needed) == ["NOT_PURPOSE_EXPANSION"])
    // A contract or requested service mentioned otherwise denies no other purpose.
    #expect(labels("We may still email you about your account and the services you have requested.").isEmpty)
    let listed = labels("We use the data to ensure the performance of a contract and to show you offers.")
    #expect(!listed.contains("NOT_PURPOSE_EXPANSION"))
  }

  @Test func choiceWordsOutsideTheUsersDataChoices() {
    // The moral right to object to derogatory treatment is not a choice about data; objecting to processing is.
    #expect(labels("You waive your right to object to derogatory treatment of your work.").isEmpty)
    #expect(labels("You have the right to object to the processing of your data.") == ["CHOICE_OPTOUT_CONSENT"])
    // Settings the service itself applies are not the user's choice.
    #expect(labels("Our video embeds use the highest privacy settings the platforms offer.").isEmpty)
    #expect(labels("You can change your privacy settings at any time.") == ["CHOICE_OPTOUT_CONSENT"])
    // An anti-spam rule about the consent of a member's recipients.
    #expect(
      labels("Members may not send spam, that is bulk email sent without first obtaining consent to receive it.")
        .isEmpty)
    #expect(
      labels("We send newsletters only to readers who consent to receive them.").contains("CHOICE_OPTOUT_CONSENT"))
  }

  @Test func aConsentRequirementIsAChoiceWhateverTheNegation() {
    // Not sending what the user has not agreed to receive means sending only with consent: a choice, not its denial.
    let found = labels("We will not send you newsletters you have not agreed to receive.")
    #expect(found.contains("CHOICE_OPTOUT_CONSENT"))
    #expect(!found.contains("NOT_CHOICE_OPTOUT_CONSENT"))
  }

  @Test func refrainingAndForeignNegationsDenyTracking() {
    // "Refrain from" denies what follows it.
    let refrain = labels(
      "We refrain from sending your usage statistics to analytics companies such as Google Analytics.")
    #expect(refrain.contains("NOT_TRACKING"))
    #expect(!refrain.contains("TRACKING"))
    #expect(labels("We send your usage statistics to Google Analytics.").contains("TRACKING"))
    // Common negation words of Dutch, German and French quotes ("nooit" = never).
    #expect(labels("Wij plaatsen nooit cookies van derden.") == ["NOT_TRACKING"])
    // Tools that block trackers are not trackers; cookies the service sets are.
    #expect(labels("We encourage the use of cookie blockers and other tracking protection.").isEmpty)
    #expect(labels("We set cookies to remember your language.") == ["TRACKING"])
  }

  @Test func automatedAccessRulesThatAlsoNameRobotsTxt() {
    // Naming robots.txt no longer hides a ban on automated access in the same sentence.
    let ban = "You may not reach the site through automated means and must follow our robots.txt file."
    #expect(labels(ban) == ["SCRAPING_CRAWLING"])
    #expect(labels("Do not use an automated script to copy listings from the site.") == ["SCRAPING_CRAWLING"])
    // The robots.txt file alone is not a scraping rule for users.
    #expect(labels("Our robots.txt file tells search engines which pages to skip.").isEmpty)
  }

  @Test func conditionsOfConsentAndAuthorisation() {
    // A practice that waits for the user's (or a parent's) consent or authorisation states a choice.
    #expect(labels("If you consent, we pass your name to the local organisers.").contains("CHOICE_OPTOUT_CONSENT"))
    let apps = labels("Outside apps only see the data you approve when you authorize them.")
    #expect(apps.contains("CHOICE_OPTOUT_CONSENT"))
    #expect(labels("We send the newsletter if you have chosen to subscribe.").contains("CHOICE_OPTOUT_CONSENT"))
    let parental = labels("We may share a child's profile with a school when we have parental consent.")
    #expect(parental == ["THIRD_PARTY_SHARING", "CHOICE_OPTOUT_CONSENT"])
    // Consenting to a court's jurisdiction is no data choice.
    #expect(labels("We consent to the jurisdiction of the courts of Ohio.").isEmpty)
  }

  @Test func dataThatEndsUpInOtherJurisdictions() {
    let jurisdictions = "Our support staff may transfer your tickets to colleagues in other jurisdictions."
    #expect(labels(jurisdictions) == ["INTERNATIONAL_TRANSFER"])
    #expect(labels("Your messages might end up on a server in another country.") == ["INTERNATIONAL_TRANSFER"])
    // Where the company itself is located says nothing about where data goes.
    #expect(labels("The company is located in the United States.").isEmpty)
  }

  @Test func disclosuresTheLawRequires() {
    let requires = "We release account records only when the law requires us to do so."
    #expect(labels(requires) == ["GOVERNMENT_LEGAL_DISCLOSURE"])
    let obligations = "We may disclose messages as needed to comply with legal obligations."
    #expect(labels(obligations) == ["GOVERNMENT_LEGAL_DISCLOSURE"])
    // A disclosure with no legal reason stays plain sharing.
    #expect(labels("We disclose order data to couriers to deliver parcels.") == ["THIRD_PARTY_SHARING"])
  }

  @Test func prospectivePurchasersOfTheBusiness() {
    let buyers = "We may disclose your data to prospective purchasers of our business."
    #expect(labels(buyers) == ["BUSINESS_TRANSFER"])
    // Purchasers of products are customers, not buyers of the business.
    let customers = "We may disclose your data to purchasers of our products for warranty claims."
    #expect(labels(customers) == ["THIRD_PARTY_SHARING"])
  }

  @Test func retentionForLegalNeedsOrDespiteErasure() {
    #expect(labels("We may need to retain your records to meet legal requirements.") == ["DATA_RETENTION"])
    let despite = "We may retain your data despite your request for erasure where the law allows it."
    #expect(labels(despite) == ["DATA_RETENTION"])
    #expect(labels("Copies of deleted posts may continue to exist in our backups.") == ["DATA_RETENTION"])
    // Keeping the user informed keeps no data.
    #expect(labels("We keep you informed of changes to these terms.").isEmpty)
  }

  @Test func providingAdvertisingToTheUser() {
    #expect(labels("To keep the app free, we provide advertising to you in your feed.") == ["ADVERTISING_PROFILING"])
    // Selling advertising space to businesses uses no user data.
    #expect(labels("We provide advertising space to local shops.").isEmpty)
  }

  @Test func thirdPartiesThatProvideUsWithData() {
    let partners = "Payment partners provide us with your billing details."
    #expect(labels(partners) == ["THIRD_PARTY_SHARING"])
    // The user providing feedback involves no third party.
    #expect(labels("You can provide us with feedback at any time.").isEmpty)
  }

  @Test func namingTheCookiePolicyDoesNotHideTheCookies() {
    let explained = "Our cookie policy explains how we collect information through cookies and pixel tags."
    #expect(labels(explained) == ["TRACKING"])
    // The policy's name alone is no tracking.
    #expect(labels("Please read our cookie policy.").isEmpty)
  }

  @Test func theServicesOwnLocationWordsDoNotHideTheUsersLocation() {
    let gps = "When you use one of our location-enabled services, we collect your GPS location."
    #expect(labels(gps) == ["LOCATION_DATA"])
    // The service's own places are no location data.
    #expect(labels("Visit our locations in Berlin and Paris for repairs.").isEmpty)
  }

  @Test func aNegatedSubjectReachesAVerbALittleFurtherOn() {
    // "None of …" at the start of a longer subject still denies the practice (lookback 12 words).
    let none =
      "None of the tools in our mobile apps will ever read or track any location-based information from your phone."
    #expect(labels(none) == ["NOT_LOCATION_DATA"])
    // A denial in an earlier clause part does not reach a practice after ";".
    let separate = labels("We do not sell your data; the app uses location-based information to show nearby shops.")
    #expect(separate == ["NOT_SALE_OF_DATA", "LOCATION_DATA"])
  }

  @Test func linkingAnAccountOrARestructuringIsNoAffiliateSharing() {
    // Linking an account with a social network combines nothing across the service's products.
    let linked =
      "This information is recorded when you use our websites or link your account or engage with our posts on a social network."
    #expect(!labels(linked).contains("AFFILIATE_SHARING_COMBINATION"))
    let combined = labels("We combine the data you give us with information from our other services.")
    #expect(combined == ["AFFILIATE_SHARING_COMBINATION"])
    // Affiliates named as parties to a merger make it a business transfer, not sharing with affiliates.
    let merger = "We may transfer your data to a buyer if we or any of our affiliates are involved in a merger."
    #expect(labels(merger) == ["BUSINESS_TRANSFER"])
    #expect(labels("We share your data with our affiliates for customer support.") == ["AFFILIATE_SHARING_COMBINATION"])
  }

  @Test func gameCheatsAreNotScraping() {
    #expect(labels("You may not use hacks, cheats or bots in the game.").isEmpty)
    #expect(labels("You may not use bots or scrapers to copy our listings.") == ["SCRAPING_CRAWLING"])
  }

  @Test func theServicesOwnWorksReleasedUnderALicence() {
    // The service releasing its own code and texts under a public licence grants nothing over user content.
    let own =
      "Our code is released under the MIT license and our documentation and contents are released under a Creative Commons license."
    #expect(labels(own).isEmpty)
    #expect(labels("You grant us a license to publish the content you post.") == ["USER_CONTENT_LICENSE"])
  }

  @Test func aConditionInsideAnExceptionLeavesTheDenialStanding() {
    // "unless you ask" belongs to the exception after "except": the sale stays denied.
    let exception =
      "Your personal data is never sold to anyone, except crash reports, which go to our partners unless you ask us not to."
    #expect(labels(exception) == ["NOT_SALE_OF_DATA"])
    // A condition on the denial itself still makes it a conditional practice.
    let conditional = labels("Your personal data is never sold to anyone without your consent.")
    #expect(conditional == ["SALE_OF_DATA", "CHOICE_OPTOUT_CONSENT"])
    let exceptWith = labels("We will not share your details with advertisers, except with your consent.")
    #expect(exceptWith == ["THIRD_PARTY_SHARING", "CHOICE_OPTOUT_CONSENT"])
  }

  @Test func refusingCookiesByDisablingThem() {
    let refuse = labels("If you do not accept the use of cookies, please disable them in your browser.")
    #expect(refuse == ["CHOICE_OPTOUT_CONSENT", "TRACKING"])
    #expect(labels("Cookies help us remember your cart.") == ["TRACKING"])
  }

  @Test func unveilingDataAsTheLawPermits() {
    let thirdParties = "We may unveil your account data to third parties when the law expressly permits it."
    #expect(labels(thirdParties) == ["THIRD_PARTY_SHARING"])
    let permitted = "We may unveil your account data when expressly permitted by law."
    #expect(labels(permitted) == ["GOVERNMENT_LEGAL_DISCLOSURE"])
  }

  @Test func demographicOrInterestBasedInformation() {
    let interests = "Partners may attach demographic or interest-based information to your browser."
    #expect(labels(interests) == ["ADVERTISING_PROFILING"])
    #expect(labels("Partners may attach your order number to the parcel.").isEmpty)
  }
}
