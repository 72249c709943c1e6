import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDiff
@testable import PolicyWatchView

@Suite struct WordDiffTests {
  @Test func replacedWordBetweenEqualRuns() {
    let edits = WordDiff.diff("We may sell your data.", "We may share your data.")
    #expect(
      edits == [
        WordEdit(kind: .equal, text: "We may "),
        WordEdit(kind: .deleted, text: "sell"),
        WordEdit(kind: .inserted, text: "share"),
        WordEdit(kind: .equal, text: " your data."),
      ])
  }

  @Test func punctuationIsItsOwnToken() {
    let edits = WordDiff.diff("We share data with partners.", "We share data with partners, affiliates and vendors.")
    #expect(
      edits == [
        WordEdit(kind: .equal, text: "We share data with partners"),
        WordEdit(kind: .inserted, text: ", affiliates and vendors"),
        WordEdit(kind: .equal, text: "."),
      ])
    let comma = WordDiff.diff("Data, including content, is stored.", "Data including content is stored.")
    #expect(comma.filter { $0.kind == .deleted }.map(\.text) == [",", ","])
    #expect(comma.filter { $0.kind == .inserted }.isEmpty)
  }

  @Test func adjacentEditsAreCoalesced() {
    let edits = WordDiff.diff(
      "We do not use your content to train models.", "We will use your public posts to train models.")
    #expect(
      edits == [
        WordEdit(kind: .equal, text: "We "),
        WordEdit(kind: .deleted, text: "do not"),
        WordEdit(kind: .inserted, text: "will"),
        WordEdit(kind: .equal, text: " use your "),
        WordEdit(kind: .deleted, text: "content"),
        WordEdit(kind: .inserted, text: "public posts"),
        WordEdit(kind: .equal, text: " to train models."),
      ])
  }

  @Test func whitespaceNeverShowsAsAChange() {
    let edits = WordDiff.diff("We  keep\tlogs\nfor 30 days.", " We keep logs for 30\u{00A0}days. ")
    #expect(edits == [WordEdit(kind: .equal, text: "We keep logs for 30\u{00A0}days.")])
  }

  @Test func typographyComparesNormalisedButShowsDisplayText() {
    let edits = WordDiff.diff("We don't sell data - ever...", "We don\u{2019}t sell data \u{2014} ever\u{2026}")
    #expect(edits.count == 1)
    #expect(edits.first?.kind == .equal)
    #expect(edits.first?.text == "We don\u{2019}t sell data \u{2014} ever\u{2026}")
    let changed = WordDiff.diff("We don't sell data.", "We don\u{2019}t sell data\u{2026}")
    #expect(changed.contains(WordEdit(kind: .deleted, text: ".")))
    #expect(changed.contains(WordEdit(kind: .inserted, text: "\u{2026}")))
  }

  @Test func pureInsertionsAndDeletions() {
    let inserted = WordDiff.diff("We sell data.", "We never sell data.")
    #expect(inserted.contains(WordEdit(kind: .inserted, text: " never")))
    #expect(wordDiffNewText(inserted) == "We never sell data.")
    let deleted = WordDiff.diff("We never sell data.", "We sell data.")
    #expect(deleted.contains(WordEdit(kind: .deleted, text: " never")))
    #expect(wordDiffNewText(deleted) == "We sell data.")
    #expect(wordDiffOldText(deleted) == "We never sell data.")
    let atStart = WordDiff.diff("Sometimes we sell data.", "we sell data.")
    #expect(atStart.first == WordEdit(kind: .deleted, text: "Sometimes "))
    #expect(wordDiffOldText(atStart) == "Sometimes we sell data.")
  }

  @Test func caseChangeIsShown() {
    let edits = WordDiff.diff("Your data", "your data")
    #expect(
      edits == [
        .init(kind: .deleted, text: "Your"), .init(kind: .inserted, text: "your"), .init(kind: .equal, text: " data"),
      ])
  }

  @Test func emptySides() {
    #expect(WordDiff.diff("", "").isEmpty)
    #expect(WordDiff.diff("", "New clause.") == [WordEdit(kind: .inserted, text: "New clause.")])
    #expect(WordDiff.diff("Old clause.", "  ") == [WordEdit(kind: .deleted, text: "Old clause.")])
  }

  @Test func reconstructsBothSides() {
    var generator = SplitMix64(seed: 11)
    for _ in 0..<200 {
      var words = (0..<(5 + Int(generator.next() % 20))).map { _ in generator.word() }
      let old = words.joined(separator: " ") + "."
      for _ in 0..<3 {
        let position = Int(generator.next() % UInt64(words.count))
        switch generator.next() % 3 {
        case 0: words[position] = generator.word()
        case 1: words.insert(generator.word() + ",", at: position)
        default: if words.count > 1 { words.remove(at: position) }
        }
      }
      let new = words.joined(separator: " ") + "."
      let edits = WordDiff.diff(old, new)
      #expect(wordDiffNewText(edits) == new)
      #expect(squeezed(wordDiffOldText(edits)) == squeezed(old))
      for (first, second) in zip(edits, edits.dropFirst()) { #expect(first.kind != second.kind) }
      for edit in edits where edit.kind != .equal {
        #expect(!edit.text.trimmingCharacters(in: .whitespaces).isEmpty)
      }
    }
  }

  private func squeezed(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }
}

/// A replacement whose whitespace differs on the two sides keeps the spaces of both readings.
@Suite struct WordDiffSpacingTests {
  static let cases: [(old: String, new: String, plain: String)] = [
    (
      "You may choose the city or area and endorsements shown.", "You may choose the city or area, endorsements shown.",
      "You may choose the city or area[- and-]{+,+} endorsements shown."
    ),
    (
      "We read the messages in your account.", "We read the messages, events, or files in your account.",
      "We read the messages{+, events, or files+} in your account."
    ),
    (
      "We read the messages in your inbox.", "We read the messages, events, or posts of your inbox.",
      "We read the messages[- in-]{+, events, or posts of+} your inbox."
    ),
    ("We keep it, always.", "We keep it for ever.", "We keep it[-, always-]{+ for ever+}."),
  ]

  @Test func bothReadingsKeepTheirSpaces() {
    for (old, new, _) in Self.cases {
      let edits = WordDiff.diff(old, new)
      #expect(wordDiffNewText(edits) == new, "\(edits)")
      #expect(wordDiffOldText(edits) == old, "\(edits)")
    }
  }

  @Test("the plain view reads right: without {+…+} it is the old text, without [-…-] the new one")
  func plainMarkers() {
    for (old, new, plain) in Self.cases {
      let entry = DiffReport.Entry(
        kind: .modified, clauseKind: .paragraph, level: 0, section: [], oldSection: nil, oldIndices: [0],
        newIndices: [0], old: old, new: new, words: WordDiff.diff(old, new), dataUse: [])
      let line = DiffTextRenderer.unified(entry, painter: Painter(color: false), width: nil)[0]
      #expect(line == "~ " + plain)
      let body = String(line.dropFirst(2))
      let oldReading = body.replacingOccurrences(of: #"\{\+.*?\+\}"#, with: "", options: .regularExpression)
        .replacingOccurrences(of: "[-", with: "").replacingOccurrences(of: "-]", with: "")
      let newReading = body.replacingOccurrences(of: #"\[-.*?-\]"#, with: "", options: .regularExpression)
        .replacingOccurrences(of: "{+", with: "").replacingOccurrences(of: "+}", with: "")
      #expect(oldReading == old)
      #expect(newReading == new)
    }
  }
}
