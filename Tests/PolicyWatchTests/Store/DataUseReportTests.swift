import Testing

@testable import PolicyWatch

/// The data-use report classifies only what it needs; this compares it with the plain definition (classify every
/// clause of the previous version's section) on generated changes.
@Suite("Data-use report: the lazy classification finds what classifying everything finds")
struct DataUseReportTests {
  /// The report as first defined: the baseline of a section is the classification of all its clauses.
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
      for match in classifier.classify(clause.text) {
        baseline.insert(
          Seen(
            section: top(clause.section), category: match.category, polarity: match.polarity,
            match: match.match.lowercased()))
      }
    }
    let newCategories = Set(
      new.flatMap { classifier.classify($0.text) }.map { "\($0.category)/\($0.polarity.rawValue)" })
    var findings: [DataUseFinding] = []
    for change in diff.changes {
      switch change.kind {
      case .added, .modified, .split, .merged:
        for index in change.newIndices where new.indices.contains(index) {
          let clause = new[index]
          for match in classifier.classify(clause.text) {
            let seen = Seen(
              section: top(clause.section), category: match.category, polarity: match.polarity,
              match: match.match.lowercased())
            if baseline.contains(seen) { continue }
            if change.kind == .modified, let oldIndex = change.oldIndices.first, old.indices.contains(oldIndex),
              classifier.classify(old[oldIndex].text).contains(where: {
                $0.category == match.category && $0.polarity == match.polarity
                  && $0.match.lowercased() == match.match.lowercased()
              })
            {
              continue
            }
            findings.append(
              DataUseFinding(
                category: match.category, polarity: match.polarity,
                change: change.kind == .added ? "added" : "modified", text: clause.text, section: clause.section,
                match: match.match))
          }
        }
      case .removed:
        for index in change.oldIndices where old.indices.contains(index) {
          let clause = old[index]
          for match in classifier.classify(clause.text) where match.polarity == .negated {
            if newCategories.contains("\(match.category)/\(match.polarity.rawValue)") { continue }
            findings.append(
              DataUseFinding(
                category: match.category, polarity: match.polarity, change: "removed", text: clause.text,
                section: clause.section, match: match.match))
          }
        }
      default:
        break
      }
    }
    return findings
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
}
