import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// Builds a clause list from lines: "# Title" / "## Title" are headings of that level, "- text" a list item,
/// anything else a paragraph; section paths follow the headings like the extractor's.
func diffDocument(_ lines: [String]) -> [Clause] {
  var headings: [(level: Int, text: String)] = []
  var clauses: [Clause] = []
  for line in lines {
    let hashes = line.prefix { $0 == "#" }.count
    if hashes > 0 {
      let text = String(line.dropFirst(hashes + 1))
      headings.removeAll { $0.level >= hashes }
      clauses.append(Clause(kind: .heading, text: text, section: headings.map(\.text), level: hashes))
      headings.append((hashes, text))
    } else if line.hasPrefix("- ") {
      clauses.append(Clause(kind: .listItem, text: String(line.dropFirst(2)), section: headings.map(\.text), level: 1))
    } else {
      clauses.append(Clause(kind: .paragraph, text: line, section: headings.map(\.text)))
    }
  }
  return clauses
}

extension ClauseDiff {
  fileprivate func changes(_ kind: ClauseChangeKind) -> [ClauseChange] { changes.filter { $0.kind == kind } }
}

/// The new text of a word diff (equal + inserted) and the old one (equal + deleted).
func wordDiffNewText(_ words: [WordEdit]) -> String { words.filter { $0.kind != .deleted }.map(\.text).joined() }
func wordDiffOldText(_ words: [WordEdit]) -> String { words.filter { $0.kind != .inserted }.map(\.text).joined() }

private let policy = [
  "# Privacy Policy",
  "This policy explains how Example Corp handles personal information about you.",
  "## Information we collect",
  "We collect the name, email address and phone number you give us when you register.",
  "We collect device identifiers and crash reports when you use the app.",
  "- Account details such as your username.",
  "- Payment details processed by our payment provider.",
  "## How we use information",
  "We use your information to provide, maintain and secure the service.",
  "We send you service announcements and, with your consent, marketing email.",
  "## Sharing",
  "We share information with service providers who process it on our behalf.",
  "We do not sell your personal information to anyone.",
  "## Your choices",
  "You can delete your account at any time from the settings page.",
  "Contact our privacy team at the address below with any question you don't find answered here.",
]

@Suite struct ClauseDiffTests {
  @Test func identicalDocumentsHaveNoChanges() {
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(policy))
    #expect(!diff.hasChanges)
    #expect(diff.changes.count == policy.count)
    #expect(diff.counts.unchanged == policy.count)
    #expect(diff.changes.map(\.newIndices) == policy.indices.map { [$0] })
    #expect(diff.changes.allSatisfy { $0.similarity == 1 && $0.words.isEmpty })
  }

  @Test func emptyVersions() {
    let clauses = diffDocument(policy)
    let fromNothing = ClauseDiff.compare(old: [], new: clauses)
    #expect(fromNothing.counts.added == clauses.count)
    #expect(fromNothing.changes.map(\.newIndices) == clauses.indices.map { [$0] })
    let toNothing = ClauseDiff.compare(old: clauses, new: [])
    #expect(toNothing.counts.removed == clauses.count)
    #expect(toNothing.changes.map(\.oldIndices) == clauses.indices.map { [$0] })
    #expect(toNothing.changes[3].oldSection == ["Privacy Policy", "Information we collect"])
    let nothing = ClauseDiff.compare(old: [], new: [])
    #expect(nothing.changes.isEmpty)
    #expect(!nothing.hasChanges)
  }

  @Test func whitespaceAndTypographyAreNotChanges() {
    var edited = policy
    edited[1] = "  This policy explains how\u{00A0}Example Corp handles\n personal   information about you. "
    edited[15] = "Contact our privacy team at the address below with any question you don\u{2019}t find answered here."
    edited[14] = "You can delete your account at any time from the settings\u{00AD} page."
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(!diff.hasChanges)
    #expect(diff.counts.unchanged == policy.count)
  }

  @Test func modifiedClauseHasWordDiff() throws {
    var edited = policy
    edited[12] = "We may sell your personal information to our partners."
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.modified == 1)
    #expect(diff.counts.added == 0 && diff.counts.removed == 0)
    let change = try #require(diff.changes(.modified).first)
    #expect(change.oldIndices == [12] && change.newIndices == [12])
    #expect(change.oldSection == ["Privacy Policy", "Sharing"])
    #expect(change.newSection == ["Privacy Policy", "Sharing"])
    #expect(change.similarity > 0.5 && change.similarity < 1)
    #expect(change.words.contains(WordEdit(kind: .deleted, text: "do not")))
    #expect(change.words.contains(WordEdit(kind: .inserted, text: "may")))
    #expect(change.words.contains(WordEdit(kind: .deleted, text: "anyone")))
    #expect(change.words.contains(WordEdit(kind: .inserted, text: "our partners")))
    #expect(wordDiffNewText(change.words) == edited[12])
    // In new-document order: the modified clause is where it is in the new version.
    #expect(diff.changes.firstIndex(of: change) == 12)
  }

  @Test func addedAndRemovedClausesInPlace() throws {
    var edited = policy
    edited.remove(at: 5)  // "- Account details…"
    edited.insert("We may use your content to train and improve artificial intelligence models.", at: 8)
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.added == 1)
    #expect(diff.counts.removed == 1)
    #expect(diff.counts.modified == 0 && diff.counts.moved == 0)
    #expect(diff.counts.unchanged == policy.count - 1)
    let removed = try #require(diff.changes(.removed).first)
    #expect(removed.oldIndices == [5] && removed.newIndices.isEmpty)
    #expect(removed.oldSection == ["Privacy Policy", "Information we collect"])
    // The removed clause is listed between the clauses that surrounded it.
    let position = diff.changes.firstIndex(of: removed)!
    #expect(diff.changes[position - 1].oldIndices == [4])
    #expect(diff.changes[position + 1].oldIndices == [6])
    let added = try #require(diff.changes(.added).first)
    #expect(added.newIndices == [8] && added.newSection == ["Privacy Policy", "How we use information"])
  }

  @Test func clauseMovedWithinSection() throws {
    var edited = policy
    edited.swapAt(8, 9)
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.moved == 1)
    #expect(diff.counts.added == 0 && diff.counts.removed == 0 && diff.counts.modified == 0)
    let moved = try #require(diff.changes(.moved).first)
    #expect(Set([moved.oldIndices, moved.newIndices]) == Set([[8], [9]]))
    #expect(moved.similarity == 1)
  }

  @Test func clauseMovedToAnotherSection() throws {
    var edited = policy
    // The sentence about sale goes from "Sharing" to the end of "Your choices".
    let sentence = edited.remove(at: 12)
    edited.append(sentence)
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.moved == 1)
    #expect(diff.counts.added == 0 && diff.counts.removed == 0)
    let moved = try #require(diff.changes(.moved).first)
    #expect(moved.oldIndices == [12] && moved.newIndices == [15])
    #expect(moved.oldSection == ["Privacy Policy", "Sharing"])
    #expect(moved.newSection == ["Privacy Policy", "Your choices"])
    #expect(diff.changes.last == moved)
  }

  @Test func lastClauseOfASectionMovedToTheNextSection() throws {
    // Same order of texts, but the clause now sits below the next heading: another section, so `moved`.
    let old = diffDocument(["# A", "a one", "a two", "a three", "# B", "b one", "b two"])
    let new = diffDocument(["# A", "a one", "a two", "# B", "a three", "b one", "b two"])
    let diff = ClauseDiff.compare(old: old, new: new)
    #expect(diff.counts.moved == 1)
    #expect(diff.counts.added == 0 && diff.counts.removed == 0)
    let moved = try #require(diff.changes(.moved).first)
    #expect(moved.oldSection == ["A"] && moved.newSection == ["B"])
  }

  @Test func reorderedSectionsAreMoves() {
    // Swap the "Sharing" and "Your choices" sections.
    let edited = Array(policy[0..<10]) + Array(policy[13..<16]) + Array(policy[10..<13])
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.added == 0 && diff.counts.removed == 0 && diff.counts.modified == 0)
    #expect(diff.counts.moved == 3)
    #expect(diff.counts.unchanged == policy.count - 3)
    // Every moved clause keeps its own section.
    for change in diff.changes(.moved) { #expect(change.oldSection == change.newSection) }
  }

  @Test func renamedHeadingIsOneChange() throws {
    var edited = policy
    edited[7] = "## What we do with your data"
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.headingRenamed == 1)
    #expect(diff.counts.unchanged == policy.count - 1)
    #expect(diff.counts.moved == 0 && diff.counts.modified == 0 && diff.counts.added == 0)
    let renamed = try #require(diff.changes(.headingRenamed).first)
    #expect(renamed.oldIndices == [7] && renamed.newIndices == [7])
    #expect(
      renamed.words == [
        WordEdit(kind: .deleted, text: "How"), WordEdit(kind: .inserted, text: "What"),
        WordEdit(kind: .equal, text: " we "), WordEdit(kind: .deleted, text: "use information"),
        WordEdit(kind: .inserted, text: "do with your data"),
      ])
    // The clauses below report both section paths and stay unchanged.
    let below = diff.changes.filter { $0.newIndices == [8] || $0.newIndices == [9] }
    #expect(below.count == 2)
    for change in below {
      #expect(change.kind == .unchanged)
      #expect(change.oldSection == ["Privacy Policy", "How we use information"])
      #expect(change.newSection == ["Privacy Policy", "What we do with your data"])
      #expect(change.sectionChanged)
    }
  }

  @Test func renamedTopHeadingKeepsSubsectionsUnchanged() {
    var edited = policy
    edited[0] = "# Privacy Notice"
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.headingRenamed == 1)
    #expect(diff.counts.unchanged == policy.count - 1)
    #expect(diff.changes.filter(\.sectionChanged).count == policy.count - 1)
  }

  @Test func insertedHeadingLeavesClausesBelowUnchanged() throws {
    var edited = policy
    edited.insert("## Marketing", at: 9)
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.added == 1)
    #expect(diff.counts.unchanged == policy.count)
    let marketing = try #require(diff.changes.first { $0.newIndices == [10] })
    #expect(marketing.kind == .unchanged && marketing.newSection.last == "Marketing")
  }

  @Test func paragraphSplitInTwo() throws {
    var edited = policy
    edited.replaceSubrange(
      3...3,
      with: [
        "We collect the name, email address and phone number you give us.",
        "We collect them when you register.",
      ])
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.split == 1)
    #expect(diff.counts.added == 0 && diff.counts.removed == 0 && diff.counts.modified == 0)
    let split = try #require(diff.changes(.split).first)
    #expect(split.oldIndices == [3] && split.newIndices == [3, 4])
    #expect(split.words.contains { $0.kind == .inserted && $0.text.contains("We collect them") })
    #expect(wordDiffNewText(split.words) == edited[3] + "\n" + edited[4])
  }

  @Test func twoParagraphsMerged() throws {
    var edited = policy
    edited.replaceSubrange(
      8...9,
      with: [
        "We use your information to provide, maintain and secure the service, and we send you service "
          + "announcements and, with your consent, marketing email."
      ])
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    #expect(diff.counts.merged == 1)
    #expect(diff.counts.added == 0 && diff.counts.removed == 0 && diff.counts.modified == 0)
    let merged = try #require(diff.changes(.merged).first)
    #expect(merged.oldIndices == [8, 9] && merged.newIndices == [8])
    // The sentence break and the capital "We" go; ", and we" comes in.
    #expect(merged.words.contains(WordEdit(kind: .inserted, text: ", and we")))
    #expect(merged.words.contains(WordEdit(kind: .deleted, text: ".\nWe")))
  }

  @Test func everyKindInOneDiff() {
    var edited = policy
    edited[7] = "## What we do with your data"  // headingRenamed
    edited[12] = "We may sell your personal information to our partners."  // modified
    edited.swapAt(14, 15)  // moved
    edited.remove(at: 6)  // removed
    edited.insert("We may use your content to train and improve artificial intelligence models.", at: 8)  // added
    edited.replaceSubrange(
      3...3,
      with: ["We collect the name, email address and phone number you give us.", "We collect them when you register."]
    )  // split
    let diff = ClauseDiff.compare(old: diffDocument(policy), new: diffDocument(edited))
    let kinds = Set(diff.changes.map(\.kind))
    #expect(kinds == [.unchanged, .headingRenamed, .modified, .moved, .removed, .added, .split])
    #expect(diff.counts.headingRenamed == 1 && diff.counts.modified == 1 && diff.counts.moved == 1)
    #expect(diff.counts.removed == 1 && diff.counts.added == 1 && diff.counts.split == 1)
    // Every old and every new clause appears exactly once.
    #expect(diff.changes.flatMap(\.oldIndices).sorted() == Array(policy.indices))
    #expect(diff.changes.flatMap(\.newIndices).sorted() == Array(edited.indices))
    // New indices appear in increasing order (new-document order).
    let news = diff.changes.compactMap(\.newIndices.first)
    #expect(news == news.sorted())
  }

  @Test func unrelatedRewriteIsAddedAndRemoved() {
    let old = diffDocument(["# Terms", "The quick brown fox jumps.", "Lorem ipsum dolor sit amet."])
    let new = diffDocument(["# Terms", "Payment is due within thirty days.", "Refunds are not available."])
    let diff = ClauseDiff.compare(old: old, new: new)
    #expect(diff.counts.removed == 2 && diff.counts.added == 2 && diff.counts.modified == 0)
  }

  @Test func largeRewriteStillPairsReworded() {
    // 3,000 clauses, every one reworded (one word replaced, one word added), plus 40 new clauses at the top:
    // a gap far larger than the exhaustive limit, so pairing runs through the window and rare-word candidates.
    var generator = SplitMix64(seed: 7)
    let oldLines = (0..<3_000).map { _ in generator.sentence(words: 14) }
    var newLines = (0..<40).map { _ in generator.sentence(words: 14) }
    for line in oldLines {
      var words = line.split(separator: " ").map(String.init)
      words[3] = generator.word()
      words.insert(generator.word(), at: 8)
      newLines.append(words.joined(separator: " "))
    }
    let diff = ClauseDiff.compare(old: diffDocument(oldLines), new: diffDocument(newLines))
    let modified = diff.changes(.modified)
    #expect(modified.count >= 2_950)
    #expect(modified.allSatisfy { $0.newIndices[0] == $0.oldIndices[0] + 40 })
    #expect(diff.changes.flatMap(\.oldIndices).sorted() == Array(oldLines.indices))
    #expect(diff.changes.flatMap(\.newIndices).sorted() == Array(newLines.indices))
  }
}
