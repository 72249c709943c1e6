import Foundation
import PolicyWatchDataUse
import PolicyWatchDiff
import PolicyWatchStore
import PolicyWatchSupport
import PolicyWatchView

/// Turns store events into `AlertMessage`s: subject, plain-text and HTML bodies, and the event JSON.
///
/// A change's body holds the new data-use language (each clause quoted whole, the matching words named), the
/// dates (first seen, last seen before, the declared date with the document's own phrase and the previous one),
/// the flags, then the clause diff (added/removed clauses, word diffs of modified ones; data-use matches marked)
/// — the versions are read back from the store, so the message shows exactly what was recorded. Long diffs are
/// cut at `maxChanges` clauses with a count of what was left out.
public struct AlertComposer: Sendable {
  public let store: SnapshotStore
  public var maxChanges = 40
  public var maxClauseCharacters = 2_000

  public init(store: SnapshotStore) { self.store = store }

  /// Human name of a data-use category: `AI_TRAINING` → "AI training", `THIRD_PARTY_SHARING` → "third party
  /// sharing".
  public static func categoryName(_ category: String) -> String {
    category.split(separator: "_").map { word in
      ["AI", "ML", "PII", "GPS", "ID"].contains(String(word)) ? String(word) : word.lowercased()
    }.joined(separator: " ")
  }

  /// The categories a change's subject names, most consequential first (`DataUseImportance`): "AI training" for
  /// new language stating a practice, "no sale of data" for a new protection, "removed: no sale of data" for a
  /// protection taken away.
  public static func subjectCategories(_ findings: [DataUseFinding]) -> [String] {
    var names: [String] = []
    for finding in DataUseImportance.sorted(findings) {
      let name: String
      switch (finding.change, finding.polarity) {
      case (.removed, _): name = "removed: no " + categoryName(finding.category)
      case (_, .negated): name = "no " + categoryName(finding.category)
      case (_, .affirmative): name = categoryName(finding.category)
      }
      if !names.contains(name) { names.append(name) }
    }
    return names
  }

  /// The subject's summary of a change's findings, leading with the most consequential: "new AI training, third
  /// party sharing language; removed: no sale of data", or "removed: no sale of data; new tracking language" when
  /// the removed protection weighs more.
  public static func subjectSummary(_ findings: [DataUseFinding]) -> String? {
    let names = subjectCategories(findings)
    guard !names.isEmpty else { return nil }
    let removed = names.filter { $0.hasPrefix("removed: ") }.map { String($0.dropFirst("removed: ".count)) }
    let added = names.filter { !$0.hasPrefix("removed: ") }
    let newPart = added.isEmpty ? nil : "new \(added.joined(separator: ", ")) language"
    let removedPart = removed.isEmpty ? nil : "removed: \(removed.joined(separator: ", "))"
    let removedFirst = names.first?.hasPrefix("removed: ") == true
    return (removedFirst ? [removedPart, newPart] : [newPart, removedPart]).compactMap { $0 }.joined(separator: "; ")
  }

  // MARK: One event

  /// The alert for one event: subject, plain text, HTML and JSON, with the new data-use language first.
  /// - Parameter event: a `change`, `inaccessible`, `first` or technical event of the store.
  /// - Returns: the message, ready for any channel.
  public func message(for event: StoreEvent) -> AlertMessage {
    let findings = event.dataUse ?? []
    let categories = Self.subjectCategories(findings)
    let place = "\(event.service) \u{2013} \(event.document)"
    let subject: String
    switch event.kind {
    case .change:
      subject =
        AlertMessage.subject(service: event.service, document: event.document, summary: Self.subjectSummary(findings))
        + (event.flags.isEmpty ? "" : " (\(event.flags.map(\.rawValue).joined(separator: ", ")))")
    case .inaccessible:
      subject = "[PolicyWatch] \(place) is inaccessible since \(Self.day(event.firstSeen))"
    case .recovered: subject = "[PolicyWatch] \(place) is reachable again"
    case .flap: subject = "[PolicyWatch] \(place) went back to an earlier version"
    case .technical: subject = "[PolicyWatch] \(place): technical re-extraction"
    case .first: subject = "[PolicyWatch] \(place) is now tracked"
    }
    var text = TextBody()
    var html = HTMLBody(title: subject)
    describe(event, text: &text, html: &html)
    text.line("")
    text.line("Event: \(event.id)")
    html.paragraph("Event: <code>\(Markup.escape(event.id))</code>", className: "meta")
    return AlertMessage(
      eventID: event.id, subject: subject, text: text.value, html: html.value,
      json: Array(EventFormatting.json(event).utf8), service: event.service, document: event.document,
      categories: categories)
  }

  /// One digest for many events of one run: a summary line per event, then each event's data-use language.
  /// Its id is `digest/<hash of the sorted event ids>`, so the same set of events makes the same Message-ID.
  public func digest(for events: [StoreEvent]) -> AlertMessage {
    let ids = events.map(\.id).sorted()
    let id = "digest/" + String(SHA256.hex(ids.joined(separator: "\n")).prefix(24))
    let documents = Set(events.map { "\($0.service)/\($0.document)" })
    var categories: [String] = []
    for event in events {
      for name in Self.subjectCategories(event.dataUse ?? []) where !categories.contains(name) {
        categories.append(name)
      }
    }
    let subject =
      "[PolicyWatch] \(events.count) alerts in \(documents.count) document\(documents.count == 1 ? "" : "s")"
      + (categories.isEmpty ? "" : ": new \(categories.prefix(6).joined(separator: ", ")) language")
    var text = TextBody()
    var html = HTMLBody(title: subject)
    text.line(subject)
    text.line("")
    html.heading(subject)
    html.open("<ul>")
    for event in events {
      text.line("* " + EventFormatting.line(event))
      html.raw("<li>\(Markup.escape(EventFormatting.line(event)))</li>")
    }
    html.open("</ul>")
    for event in events {
      text.line("")
      text.line(String(repeating: "=", count: 72))
      html.raw("<hr>")
      describe(event, text: &text, html: &html, diff: false)
      text.line("Event: \(event.id)")
    }
    struct Digest: Encodable {
      var kind = "digest"
      var id: String
      var events: [StoreEvent]
    }
    let json = StoreJSON.line(Digest(id: id, events: events))
    return AlertMessage(
      eventID: id, subject: subject, text: text.value, html: html.value, json: Array(json.utf8),
      service: events.count == 1 ? events[0].service : "\(documents.count) documents",
      document: events.count == 1 ? events[0].document : "", categories: categories)
  }

  /// A message for `policywatch alert test`.
  public static func testMessage(channel: String, now: Date) -> AlertMessage {
    let id = "test/\(channel)/\(StoreJSON.format(now))"
    let text = """
      This is a test message from PolicyWatch for the channel "\(channel)", sent \(StoreJSON.format(now)).
      If you can read it, this channel delivers alerts.
      """
    struct Test: Encodable {
      var kind = "test"
      var id: String
      var channel: String
      var time: Date
    }
    return AlertMessage(
      eventID: id, subject: "[PolicyWatch] test message for \(channel)", text: text,
      html: "<!DOCTYPE html><html><body><p>\(Markup.escape(text))</p></body></html>",
      json: Array(StoreJSON.line(Test(id: id, channel: channel, time: now)).utf8), service: "PolicyWatch",
      document: "test", categories: [])
  }

  // MARK: Bodies

  private func describe(_ event: StoreEvent, text: inout TextBody, html: inout HTMLBody, diff: Bool = true) {
    let ref = SnapshotStore.DocumentRef(service: event.service, document: event.document)
    let place = "\(event.service) \u{2013} \(event.document)"
    let findings = event.dataUse ?? []
    switch event.kind {
    case .change:
      let headline =
        findings.isEmpty
        ? "\(place) changed"
        : "Data-use language in \(place): \(Self.subjectSummary(findings) ?? "")"
      text.line(headline)
      html.heading(headline)
    case .inaccessible:
      text.line("\(place) is inaccessible: \(event.reason ?? "no reason recorded")")
      html.heading("\(place) is inaccessible")
      html.paragraph(Markup.escape(event.reason ?? "no reason recorded"))
    default:
      let line = "\(place): \(event.kind.rawValue)" + (event.reason.map { " (\($0))" } ?? "")
      text.line(line)
      html.heading(line)
    }
    text.line("")
    let newVersion = event.version.flatMap { store.version($0, of: ref) }
    let oldVersion = event.previousVersion.flatMap { store.version($0, of: ref) }
    var facts: [(String, String)] = []
    // Where to read the document: its URL, or each page's for a `combine` document.
    if let pages = event.pageURLs, pages.count > 1 {
      for (page, url) in pages.sorted(by: { $0.key < $1.key }) { facts.append(("Page \(page)", url)) }
    } else if let url = event.url {
      facts.append(("Document", url))
    }
    facts.append(("First seen", Self.minute(event.firstSeen) + "  (the first fetch that showed this)"))
    if let before = event.lastSeenBefore {
      facts.append(("Last seen before", Self.minute(before) + "  (the last fetch that showed the previous text)"))
    }
    if event.kind != .inaccessible && event.kind != .recovered {
      if let declared = event.declaredDate ?? newVersion?.declaredDate {
        facts.append(("Declared date", declared + Self.phrase(declared, in: newVersion)))
      } else {
        facts.append(("Declared date", "none found in the document"))
      }
      if let previous = event.previousDeclaredDate ?? oldVersion?.declaredDate {
        facts.append(("Declared before", previous + Self.phrase(previous, in: oldVersion)))
      }
    }
    for flag in event.flags {
      switch flag {
      case .silent: facts.append(("Flag", "SILENT: the text changed but the declared date did not"))
      case .backdated:
        facts.append(("Flag", "BACK-DATED: the declared date is earlier than the last fetch that showed the old text"))
      }
    }
    if let counts = event.clauses {
      facts.append(("Clauses", "\(counts.added) added, \(counts.removed) removed, \(counts.modified) modified"))
    }
    for (label, value) in facts {
      text.line(label.padding(toLength: 18, withPad: " ", startingAt: 0) + value)
    }
    html.facts(facts)

    if !findings.isEmpty {
      text.line("")
      text.line("Data-use language")
      html.subheading("Data-use language")
      html.open("<ul>")
      // One entry per clause, naming every category it brings (a clause often matches several).
      var clauses: [(text: String, section: [String], findings: [DataUseFinding])] = []
      for finding in DataUseImportance.sorted(findings) {
        if let index = clauses.firstIndex(where: { $0.text == finding.text && $0.section == finding.section }) {
          clauses[index].findings.append(finding)
        } else {
          clauses.append((finding.text, finding.section, [finding]))
        }
      }
      for clause in clauses {
        var labels: [String] = []
        for finding in clause.findings {
          let label = "\(Self.findingLabel(finding)) (\"\(finding.match)\")"
          if !labels.contains(label) { labels.append(label) }
        }
        let section = clause.section.isEmpty ? "" : " in \"\(clause.section.joined(separator: " › "))\""
        let quoted = Self.cut(clause.text, maxClauseCharacters)
        text.line("* \(labels.joined(separator: "; "))\(section):")
        text.line("  \"\(quoted)\"")
        html.raw(
          "<li><strong>\(Markup.escape(labels.joined(separator: "; ")))</strong>\(Markup.escape(section)):<br><q>"
            + Self.highlight(quoted, matches: clause.findings.map(\.match)) + "</q></li>")
      }
      html.open("</ul>")
    }

    guard diff, event.kind == .change || event.kind == .flap || event.kind == .technical, let newVersion else { return }
    let old = oldVersion?.clauses ?? []
    let comparison = ClauseDiff.compare(old: old, new: newVersion.clauses)
    let shown = comparison.changes.filter { ![.unchanged, .moved].contains($0.kind) }
    guard !shown.isEmpty else { return }
    let matches = findings.map(\.match)
    text.line("")
    text.line("Changes (+ added, - removed, ~ modified: [-old words-] {+new words+})")
    html.subheading("Changes")
    html.open("<div class=\"diff\">")
    for change in shown.prefix(maxChanges) {
      let section = (change.newSection.isEmpty ? change.oldSection : change.newSection).joined(separator: " › ")
      let prefix = section.isEmpty ? "" : "[\(section)] "
      let htmlPrefix = section.isEmpty ? "" : "<span class=\"section\">\(Markup.escape(section))</span> "
      switch change.kind {
      case .added:
        for index in change.newIndices where newVersion.clauses.indices.contains(index) {
          let clause = Self.cut(newVersion.clauses[index].text, maxClauseCharacters)
          text.line("+ " + prefix + clause)
          html.raw("<p class=\"added\">+ \(htmlPrefix)<ins>\(Self.highlight(clause, matches: matches))</ins></p>")
        }
      case .removed:
        for index in change.oldIndices where old.indices.contains(index) {
          let clause = Self.cut(old[index].text, maxClauseCharacters)
          text.line("- " + prefix + clause)
          html.raw("<p class=\"removed\">- \(htmlPrefix)<del>\(Markup.escape(clause))</del></p>")
        }
      default:
        var plain = ""
        var marked = ""
        for edit in change.words {
          switch edit.kind {
          case .equal:
            plain += edit.text
            marked += Self.highlight(edit.text, matches: matches)
          case .inserted:
            plain += "{+\(edit.text)+}"
            marked += "<ins>\(Self.highlight(edit.text, matches: matches))</ins>"
          case .deleted:
            plain += "[-\(edit.text)-]"
            marked += "<del>\(Markup.escape(edit.text))</del>"
          }
        }
        text.line("~ " + prefix + Self.cut(plain, maxClauseCharacters * 2))
        html.raw("<p class=\"modified\">~ \(htmlPrefix)\(marked)</p>")
      }
    }
    if shown.count > maxChanges {
      let more = "… and \(shown.count - maxChanges) more changed clauses (policywatch diff shows them all)"
      text.line(more)
      html.paragraph(Markup.escape(more))
    }
    html.open("</div>")
  }

  static func findingLabel(_ finding: DataUseFinding) -> String {
    let name = categoryName(finding.category)
    switch (finding.change, finding.polarity) {
    case (.removed, _): return "Removed protection (no \(name))"
    case (_, .negated): return "New statement: no \(name)"
    default:
      if let widened = finding.widened, !widened.isEmpty {
        return "Wider: \(name), now also \(widened.joined(separator: ", "))"
      }
      return "New: \(name)"
    }
  }

  /// ` ("Effective September 18, 2024")`: the document's own words for `date`, when the version has them.
  static func phrase(_ date: String, in version: VersionRecord?) -> String {
    guard let phrase = version?.declaredDates.first(where: { $0.date == date })?.phrase else { return "" }
    return " (\"\(phrase)\")"
  }

  static func minute(_ date: Date) -> String {
    String(StoreJSON.format(date).prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
  }

  static func day(_ date: Date) -> String { String(StoreJSON.format(date).prefix(10)) }

  static func cut(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit)) + " …"
  }

  /// Escapes `text` and wraps each case-insensitive occurrence of a match in `<mark>`.
  static func highlight(_ text: String, matches: [String]) -> String {
    var ranges: [Range<String.Index>] = []
    for match in Set(matches) where !match.isEmpty {
      var start = text.startIndex
      while let found = text.range(of: match, options: .caseInsensitive, range: start..<text.endIndex) {
        if !ranges.contains(where: { $0.overlaps(found) }) { ranges.append(found) }
        start = found.upperBound
      }
    }
    ranges.sort { $0.lowerBound < $1.lowerBound }
    var result = ""
    var position = text.startIndex
    for range in ranges {
      result += Markup.escape(String(text[position..<range.lowerBound]))
      result += "<mark>" + Markup.escape(String(text[range])) + "</mark>"
      position = range.upperBound
    }
    return result + Markup.escape(String(text[position...]))
  }
}

/// A plain-text body, line by line.
struct TextBody {
  private(set) var value = ""
  mutating func line(_ text: String) { value += text + "\n" }
}

/// A small, self-contained HTML document (inline styles only: mail clients drop <style> blocks unevenly).
struct HTMLBody {
  private var parts: [String]

  init(title: String) {
    parts = [
      "<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"><title>\(Markup.escape(title))</title></head>",
      "<body style=\"font-family: sans-serif; line-height: 1.4\">",
    ]
  }

  var value: String { (parts + ["</body></html>"]).joined(separator: "\n") + "\n" }

  mutating func raw(_ html: String) {
    parts.append(
      html.replacingOccurrences(of: "<mark>", with: "<mark style=\"background: #ffe066\">")
        .replacingOccurrences(of: "<ins>", with: "<ins style=\"background: #d4f7d4\">")
        .replacingOccurrences(of: "<del>", with: "<del style=\"background: #f7d4d4\">"))
  }
  mutating func open(_ tag: String) { parts.append(tag) }
  mutating func heading(_ text: String) { parts.append("<h2>\(Markup.escape(text))</h2>") }
  mutating func subheading(_ text: String) { parts.append("<h3>\(Markup.escape(text))</h3>") }
  mutating func paragraph(_ html: String, className: String? = nil) {
    parts.append((className.map { "<p class=\"\($0)\">" } ?? "<p>") + html + "</p>")
  }
  mutating func facts(_ facts: [(String, String)]) {
    parts.append("<table>")
    for (label, value) in facts {
      // An address is a link.
      let isURL = (value.hasPrefix("https://") || value.hasPrefix("http://")) && !value.contains(" ")
      let cell =
        isURL
        ? "<a href=\"\(Markup.escape(value))\">\(Markup.escape(value))</a>" : Markup.escape(value)
      parts.append(
        "<tr><th style=\"text-align: left; padding-right: 1em\">\(Markup.escape(label))</th>"
          + "<td>\(cell)</td></tr>")
    }
    parts.append("</table>")
  }
}
