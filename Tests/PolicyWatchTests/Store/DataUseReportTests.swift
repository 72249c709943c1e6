import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDataUse
@testable import PolicyWatchDiff
@testable import PolicyWatchText

/// The data-use report classifies only what it needs; this compares it with the plain definition (classify every
/// clause of the previous version's section) on generated changes.
@Suite("Data-use report: what a change brings")
struct DataUseReportTests {
  /// The report's definition with nothing lazy: every clause of the old version classified up front.
  static func reference(old: [Clause], new: [Clause], diff: ClauseDiff, classifier: DataUseClassifier)
    -> [DataUseFinding]
  {
    struct Seen: Hashable {
      var section: String
      var category: String
      var polarity: DataUsePolarity
      var match: String
    }
    func top(_ section: [String]) -> String { section.first ?? "" }
    var baseline = Set<Seen>()
    for clause in old {
      for match in classifier.classifyWithEvidence(clause.text) {
        baseline.insert(
          Seen(
            section: top(clause.section), category: match.category, polarity: match.polarity,
            match: match.match.lowercased()))
      }
    }
    let newLabels = Set(new.flatMap { classifier.classifyWithEvidence($0.text) }.map(\.label))
    let removed = diff.changes.filter { $0.kind == .removed }.flatMap(\.oldIndices)
    var findings: [DataUseFinding] = []
    for change in diff.changes {
      switch change.kind {
      case .added, .modified, .split, .merged:
        let added = change.kind == .added
        let aligned =
          added
          ? removed.filter { top(old[$0].section) == top(new[change.newIndices[0]].section) } : change.oldIndices
        let alignedText = aligned.map { old[$0].text }.joined(separator: "\n")
        let before = aligned.flatMap { classifier.classifyWithEvidence(old[$0].text) }
        var after: [DataUseMatch] = []
        for index in change.newIndices {
          let clause = new[index]
          for match in classifier.classifyWithEvidence(clause.text) {
            after.append(match)
            let seen = Seen(
              section: top(clause.section), category: match.category, polarity: match.polarity,
              match: match.match.lowercased())
            var widened: [String]?
            if before.contains(where: { $0.label == match.label }) {
              if match.polarity == .negated || match.category == "CHOICE_OPTOUT_CONSENT" { continue }
              let wider = classifier.scope(of: match, in: clause.text).subtracting(
                classifier.scope(in: alignedText, category: match.category))
              if wider.isEmpty { continue }
              widened = wider.sorted()
            } else if baseline.contains(seen) {
              continue
            }
            findings.append(
              DataUseFinding(
                category: match.category, polarity: match.polarity,
                change: added && widened == nil ? .added : .modified,
                text: clause.text, section: clause.section, match: match.match, widened: widened))
          }
        }
        if !added {
          for index in aligned {
            for match in classifier.classifyWithEvidence(old[index].text) where match.polarity == .negated {
              if after.contains(where: { $0.label == match.label }) || newLabels.contains(match.label)
                || findings.contains(where: { $0.change == .removed && $0.label == match.label })
              {
                continue
              }
              findings.append(
                DataUseFinding(
                  category: match.category, polarity: match.polarity, change: .removed, text: old[index].text,
                  section: old[index].section, match: match.match))
            }
          }
        }
      case .removed:
        for index in change.oldIndices {
          let clause = old[index]
          for match in classifier.classifyWithEvidence(clause.text) where match.polarity == .negated {
            if newLabels.contains(match.label)
              || findings.contains(where: { $0.change == .removed && $0.label == match.label })
            {
              continue
            }
            findings.append(
              DataUseFinding(
                category: match.category, polarity: match.polarity, change: .removed, text: clause.text,
                section: clause.section, match: match.match))
          }
        }
      default:
        break
      }
    }
    return DataUseImportance.sorted(findings)
  }

  /// Sentences with and without data-use language (written for this test), shown in varied case and typography.
  static let sentences = [
    "We may use your content to train and improve our artificial intelligence models.",
    "We do not sell your personal information.",
    "We share your personal data with our affiliates.",
    "We may share your information with advertising partners to show you personalised ads.",
    "We collect your precise location when you allow it.",
    "We keep your data for as long as your account is open.",
    "You can opt out of marketing emails at any time.",
    "Our service is not directed to children under 13.",
    "We use cookies and similar tracking technologies.",
    "We never use your messages to train generative AI models.",
    "Contact us if you have questions.",
    "The service is provided as is.",
    "We may disclose information to law enforcement when required by law.",
    "We do not share your data with third parties for their own marketing.",
  ]

  static func variant(_ sentence: String, _ random: inout SplitMix64) -> String {
    switch random.next() % 5 {
    case 0: sentence.uppercased()
    case 1: sentence.replacingOccurrences(of: "'", with: "\u{2019}").replacingOccurrences(of: " ", with: "  ")
    case 2: sentence.lowercased()
    default: sentence
    }
  }

  static func version(_ random: inout SplitMix64) -> [Clause] {
    let sections = [["Privacy Policy"], ["Privacy Policy", "Sharing"], ["AI"], ["AI", "Training"], []]
    return (0..<Int(3 + random.next() % 10)).map { _ in
      let count = 1 + Int(random.next() % 2)
      let text = (0..<count).map { _ in variant(sentences[Int(random.next() % UInt64(sentences.count))], &random) }
        .joined(separator: " ")
      return Clause(kind: .paragraph, text: text, section: sections[Int(random.next() % UInt64(sections.count))])
    }
  }

  /// The next version: clauses kept, dropped, added, or edited (a sentence appended or replaced).
  static func edit(_ clauses: [Clause], _ random: inout SplitMix64) -> [Clause] {
    var result: [Clause] = []
    for clause in clauses {
      switch random.next() % 6 {
      case 0: continue
      case 1:
        let extra = variant(sentences[Int(random.next() % UInt64(sentences.count))], &random)
        result.append(Clause(kind: clause.kind, text: clause.text + " " + extra, section: clause.section))
      case 2:
        result.append(clause)
        result.append(contentsOf: version(&random).prefix(1))
      default:
        result.append(clause)
      }
    }
    return result
  }

  @Test("on generated changes, the findings equal those of classifying every clause")
  func lazyEqualsFull() {
    let classifier = DataUseClassifier()
    var random = SplitMix64(seed: 2024)
    var withFindings = 0
    for _ in 0..<150 {
      let old = Self.version(&random)
      let new = Self.edit(old, &random)
      let diff = ClauseDiff.compare(old: old, new: new)
      let lazy = DataUseReport.findings(old: old, new: new, diff: diff, classifier: classifier)
      let full = Self.reference(old: old, new: new, diff: diff, classifier: classifier)
      #expect(lazy == full)
      if !lazy.isEmpty { withFindings += 1 }
    }
    // The generated changes do bring data-use language (else the comparison would show little).
    #expect(withFindings > 30)
  }

  @Test("a phrase already in the section is not new; the same phrase in another section is")
  func baselineIsPerSection() {
    let classifier = DataUseClassifier()
    let sale = "We may sell your personal information to data brokers."
    let old = [
      Clause(kind: .paragraph, text: "Intro text.", section: ["Policy"]),
      Clause(kind: .paragraph, text: sale.uppercased(), section: ["Policy"]),
    ]
    let new = old + [Clause(kind: .paragraph, text: sale, section: ["Policy"]), Clause(kind: .paragraph, text: sale)]
    let diff = ClauseDiff.compare(old: old, new: new)
    let findings = DataUseReport.findings(old: old, new: new, diff: diff, classifier: classifier)
    #expect(findings == Self.reference(old: old, new: new, diff: diff, classifier: classifier))
    #expect(findings.map(\.section) == [[]], "\(findings)")
  }

  static func report(_ old: [String], _ new: [String], section: [String] = ["Policy"]) -> [DataUseFinding] {
    let oldClauses = old.map { Clause(kind: .paragraph, text: $0, section: section) }
    let newClauses = new.map { Clause(kind: .paragraph, text: $0, section: section) }
    let diff = ClauseDiff.compare(old: oldClauses, new: newClauses)
    return DataUseReport.findings(old: oldClauses, new: newClauses, diff: diff, classifier: DataUseClassifier())
  }

  /// A paragraph followed by the items of its list, in one section.
  static func list(_ leadIn: String, _ items: [String], section: [String] = ["Policy"]) -> [Clause] {
    [Clause(kind: .paragraph, text: leadIn, section: section)]
      + items.map { Clause(kind: .listItem, text: $0, section: section, level: 1) }
  }

  static func report(_ old: [Clause], _ new: [Clause]) -> [DataUseFinding] {
    DataUseReport.findings(
      old: old, new: new, diff: ClauseDiff.compare(old: old, new: new), classifier: DataUseClassifier())
  }

  @Test func aListItemUnderABanOnTheUserIsNoPracticeOfTheProvider() {
    let item = "collect the precise location of other members without their consent."
    let old = Self.list("When using the service, you agree not to:", ["harass other members."])
    let new = Self.list("When using the service, you agree not to:", ["harass other members.", item])
    #expect(Self.report(old, new).isEmpty, "\(Self.report(old, new))")
    // The same item under a lead-in in which the provider acts is the provider's practice.
    let ours = Self.report(
      Self.list("To show nearby events, we may:", ["send reminders."]),
      Self.list("To show nearby events, we may:", ["send reminders.", item]))
    #expect(ours.map(\.label) == ["LOCATION_DATA"], "\(ours)")
  }

  @Test func enumeratedParagraphsAreItemsOfTheListTheirLeadInIntroduces() {
    func paragraphs(_ texts: [String]) -> [Clause] {
      texts.map { Clause(kind: .paragraph, text: $0, section: ["Terms"]) }
    }
    let leadIn = "Restrictions. When using the app, you will not, and will not permit any other person to:"
    let item = "(c) sell or rent the contact details of other members to data brokers."
    let findings = Self.report(
      paragraphs([leadIn, "(a) break the law.", "(b) spam other members."]),
      paragraphs([leadIn, "(a) break the law.", "(b) spam other members.", item]))
    #expect(findings.isEmpty, "\(findings)")
    // Without a lead-in ending in ":", an enumerated paragraph is read alone.
    let alone = Self.report(
      paragraphs(["Restrictions apply.", "(a) break the law."]),
      paragraphs(["Restrictions apply.", "(a) break the law.", item]))
    #expect(alone.map(\.category).contains("SALE_OF_DATA"), "\(alone)")
  }

  @Test func aListItemUnderADenialIsADenial() {
    let old = Self.list("We never:", ["show you spam."])
    let new = Self.list("We never:", ["show you spam.", "sell your personal information to data brokers."])
    let findings = Self.report(old, new)
    #expect(findings.map(\.label) == ["NOT_SALE_OF_DATA"], "\(findings)")
    // The same item under a plain lead-in states the practice.
    let plain = Self.report(
      Self.list("Over the years we have done this:", ["show you spam."]),
      Self.list(
        "Over the years we have done this:", ["show you spam.", "sell your personal information to data brokers."]))
    #expect(plain.map(\.label) == ["SALE_OF_DATA"], "\(plain)")
  }

  @Test func whatALeadInStatesBelongsToTheLeadIn() {
    // The lead-in already states the sharing; a new recipient in the list is not new sharing language.
    let leadIn = "We share your personal information with the following third parties:"
    let findings = Self.report(
      Self.list(leadIn, ["payment processors."]),
      Self.list(leadIn, ["payment processors.", "cloud hosting companies."]))
    #expect(!findings.map(\.label).contains("THIRD_PARTY_SHARING"), "\(findings)")
  }

  @Test func aRewordingOfAPracticeAlreadyStatedIsNotNew() {
    let findings = Self.report(
      ["We may use your content to train our models and improve our Services. You can opt out in your settings."],
      ["We may use your content to train and improve our AI models and Services. You can opt out in your settings."])
    #expect(findings.isEmpty, "\(findings)")
  }

  @Test func aPracticeStatedWiderIsReportedWithWhatItAdds() {
    let findings = Self.report(
      ["We share your contact details with our service providers to deliver the service."],
      ["We share your contact details with our service providers and advertisers to deliver the service."])
    let sharing = findings.filter { $0.category == "THIRD_PARTY_SHARING" }
    #expect(sharing.count == 1, "\(findings)")
    #expect(sharing.first?.widened == ["advertisers"])
    #expect(sharing.first?.change == .modified)
    #expect(sharing.first?.changeDescription == "widened")
  }

  @Test func aProtectionTurnedIntoThePracticeIsBothNewAndRemoved() {
    let findings = Self.report(
      ["Intro.", "We do not sell your personal information to anyone."],
      ["Intro.", "We may sell your personal information to our partners."])
    #expect(findings.map(\.listLabel) == ["SALE_OF_DATA", "removed NOT_SALE_OF_DATA"], "\(findings)")
  }

  @Test func aNewDenialIsNotReportedAsThePractice() {
    let findings = Self.report(["Intro."], ["Intro.", "Temporary chats will not be used to improve our models."])
    #expect(findings.map(\.label) == ["NOT_AI_TRAINING"], "\(findings)")
  }

  @Test func findingsLeadWithTheMostConsequential() {
    let findings = Self.report(
      ["Intro."],
      [
        "Intro.", "We use cookies to remember your preferences.",
        "We share your data with advertising partners.",
        "We may use your posts to train our generative AI models.",
      ])
    #expect(findings.first?.category == "AI_TRAINING", "\(findings)")
    #expect(
      findings.map(\.category).firstIndex(of: "THIRD_PARTY_SHARING")! < findings.map(\.category).firstIndex(
        of: "TRACKING")!)
  }

  @Test func theSameWordsNeverGiveAPracticeAndItsDenial() {
    let classifier = DataUseClassifier()
    for text in [
      "We offer you choices regarding personalized ads, but you cannot opt-out of seeing non-personalized ads.",
      "Enterprise data is excluded from model training.",
      "None of the tools in our apps will ever track any location-based information.",
    ] {
      let labels = classifier.labels(text)
      for label in labels where !label.hasPrefix("NOT_") {
        #expect(!labels.contains("NOT_" + label), "\(text) → \(labels)")
      }
    }
  }
}
