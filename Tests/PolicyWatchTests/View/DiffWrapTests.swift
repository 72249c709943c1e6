import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchStore
@testable import PolicyWatchText
@testable import PolicyWatchView

/// At a terminal's width, the diff's header and data-use lines wrap at word boundaries like its clauses.
@Suite("Diff header wrapping")
struct DiffWrapTests {
  static func record(_ id: String, _ texts: [String], declared: String, day: Double) -> VersionRecord {
    VersionRecord(
      id: id, service: "Example Co", document: "Terms of Service",
      firstSeen: Date(timeIntervalSince1970: 1_700_000_000 + day * 86_400), snapshot: "",
      clauses: texts.map { Clause(kind: .paragraph, text: $0, section: ["Sharing with partners and affiliates"]) },
      declaredDates: [DeclaredDate(kind: .effective, date: declared, ambiguous: false, phrase: "Effective")],
      language: "en", title: nil, extractor: 1, rules: "")
  }

  static func report() -> DiffReport {
    let old = record("aaaa1111", ["We keep your data safe."], declared: "2024-01-01", day: 0)
    let new = record(
      "bbbb2222",
      [
        "We keep your data safe.",
        "We may use your messages, photos, voice recordings and other content to train and improve our artificial "
          + "intelligence models and the large language models of our partners.",
      ], declared: "2023-12-01", day: 30)
    var event = StoreEvent(
      id: "x", service: "Example Co", document: "Terms of Service", kind: .change, firstSeen: new.firstSeen,
      lastSeenBefore: old.firstSeen.addingTimeInterval(86_400), version: new.id, previousVersion: old.id,
      declaredDate: new.declaredDate, previousDeclaredDate: old.declaredDate, flags: [.silent, .backdated],
      clauses: nil, reason: nil, dataUse: nil)
    event.flags = [.silent, .backdated]
    return DiffReport.make(service: "Example Co", document: "Terms of Service", old: old, new: new, event: event)
  }

  @Test("at 80 columns no line is longer than 80 and no word of the header is cut", arguments: [false, true])
  func headerWrapsAtWords(color: Bool) throws {
    let report = Self.report()
    #expect(report.flags == [.silent, .backdated])
    #expect(!report.dataUse.isEmpty)
    let text = DiffTextRenderer.render(report, options: DiffViewOptions(color: color, width: 80))
    let plain = text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    let lines = plain.split(separator: "\n", omittingEmptySubsequences: false)
    for line in lines { #expect(line.count <= 80, "\(line.count): \(line)") }
    // The flags' explanation and the data-use match keep their words whole (joined back, they read as before).
    let unwrapped = DiffTextRenderer.render(report, options: DiffViewOptions(color: false, width: nil))
    let flagLine = try #require(unwrapped.split(separator: "\n").first { $0.hasPrefix("flags") })
    let flagsStart = try #require(lines.firstIndex { $0.hasPrefix("flags") })
    var joined = String(lines[flagsStart])
    var next = flagsStart + 1
    while next < lines.count, lines[next].hasPrefix("      ") {
      joined += " " + lines[next].drop { $0 == " " }
      next += 1
    }
    #expect(joined == flagLine, "\(plain)")
    #expect(next > flagsStart + 1, "the flags line was wrapped")
    let dataUseLine = try #require(lines.firstIndex { $0.hasPrefix("  AI_TRAINING") })
    #expect(lines[dataUseLine + 1].hasPrefix("    "), "continuation lines are indented")
    #expect(!plain.contains("showing the ol\n"))
  }

  @Test func wordsKeepsSpacesAndColourCodes() {
    #expect(Wrap.words("  AB  cd", width: 80, indent: "    ") == ["  AB  cd"])
    let painted = "\u{1B}[2mflags\u{1B}[0m " + Array(repeating: "word", count: 30).joined(separator: " ")
    let wrapped = Wrap.words(painted, width: 40, indent: "      ")
    #expect(wrapped.count > 1)
    for line in wrapped { #expect(Wrap.visibleCount(line) <= 40) }
    #expect(wrapped[0].hasPrefix("\u{1B}[2mflags\u{1B}[0m word"))
  }
}
