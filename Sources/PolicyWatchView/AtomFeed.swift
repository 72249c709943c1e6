import Foundation
import PolicyWatchDataUse
import PolicyWatchStore
import PolicyWatchSupport

/// An Atom feed (RFC 4287) of recent changes: one entry per `change` event, newest first.
///
/// - Entry ids are `urn:policywatch:event:` + the event's stable id (percent-encoded), so a feed reader never sees an
///   entry twice, whatever `--base-url` or title the feed is given.
/// - `published` and `updated` are the change's first-seen time; the summary gives the declared dates, the flags and
///   the new data-use language; each data-use category is also an `atom:category`.
/// - The content is the HTML diff fragment (`type="html"`): the HTML escapes the document's text, and the whole
///   fragment is escaped again as XML character data. Characters XML 1.0 forbids are dropped.
/// - Flaps, technical re-extractions and accessibility events are not entries (they are not policy changes).
public struct AtomFeed: Sendable {
  public var title = "PolicyWatch: policy changes"
  /// Where the feed is published: its `atom:id` and `rel="self"` link. Without it the id is a URN from the title.
  public var baseURL: String?
  public var limit = 50
  public var context = 1
  /// Finds the data-use language of each entry's diff (the configuration's, in `policywatch feed`).
  public var classifier = DataUseClassifier()
  /// An entry's HTML diff when the caller has it already (the static site renders each diff once for its pages and
  /// feeds); nil, or nil for an event: computed from the store.
  public var entryContent: (@Sendable (StoreEvent) -> String?)?

  public init(title: String? = nil, baseURL: String? = nil, limit: Int = 50) {
    if let title { self.title = title }
    self.baseURL = baseURL
    self.limit = limit
  }

  /// The feed of the newest `limit` changes among `events`, each with its HTML diff.
  /// - Parameters:
  ///   - store: where the versions of the changes are read.
  ///   - events: the events to publish (only `change` events become entries).
  /// - Returns: the Atom document (RFC 4287).
  public func render(store: SnapshotStore, events: [StoreEvent]) -> String {
    let changes = Array(events.filter { $0.kind == .change }.suffix(max(0, limit)).reversed())
    let newest = changes.first?.firstSeen ?? events.map(\.firstSeen).max() ?? Date(timeIntervalSince1970: 0)
    var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
    xml += "  <title>\(Markup.escape(title))</title>\n"
    if let baseURL {
      xml += "  <id>\(Markup.escape(baseURL))</id>\n"
      xml += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(Markup.escape(baseURL))\"/>\n"
    } else {
      xml += "  <id>urn:policywatch:feed:\(Self.percentEncode(title))</id>\n"
    }
    xml += "  <updated>\(ViewDates.iso(newest))</updated>\n"
    xml += "  <author><name>PolicyWatch</name></author>\n"
    xml += "  <generator version=\"\(Markup.escape(PolicyWatchVersion.string))\">PolicyWatch</generator>\n"
    for event in changes {
      xml += entry(event, store: store)
    }
    xml += "</feed>\n"
    return xml
  }

  func entry(_ event: StoreEvent, store: SnapshotStore) -> String {
    let ref = SnapshotStore.DocumentRef(service: event.service, document: event.document)
    let labels = LogRenderer.categories(event)
    var title = "\(event.service)/\(event.document) changed"
    if !labels.isEmpty { title += ": " + labels.joined(separator: ", ") }
    var summary = ["First seen \(ViewDates.minute(event.firstSeen)) UTC."]
    if let before = event.lastSeenBefore { summary.append("Previous text last seen \(ViewDates.minute(before)) UTC.") }
    summary.append(
      "Declared date \(event.declaredDate ?? "none") (before: \(event.previousDeclaredDate ?? "none")).")
    if !event.flags.isEmpty { summary.append("Flags: " + event.flags.map(\.rawValue).joined(separator: ", ") + ".") }
    if let counts = event.clauses {
      summary.append("Clauses: +\(counts.added) -\(counts.removed) ~\(counts.modified).")
    }
    for finding in DataUseImportance.sorted(event.dataUse ?? []) {
      summary.append("\(finding.label) (\(finding.changeDescription)): “\(finding.match)”.")
    }
    var xml = "  <entry>\n"
    xml += "    <id>urn:policywatch:event:\(Self.percentEncode(event.id))</id>\n"
    xml += "    <title>\(Markup.escape(title))</title>\n"
    // The document itself (rel="alternate"); each page of a `combine` document too (rel="related").
    if let url = event.url {
      xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(Markup.escape(url))\"/>\n"
    }
    for (page, url) in (event.pageURLs ?? [:]).sorted(by: { $0.key < $1.key }) where event.pageURLs?.count ?? 0 > 1 {
      xml +=
        "    <link rel=\"related\" type=\"text/html\" href=\"\(Markup.escape(url))\" title=\"\(Markup.escape(page))\"/>\n"
    }
    xml += "    <published>\(ViewDates.iso(event.firstSeen))</published>\n"
    xml += "    <updated>\(ViewDates.iso(event.firstSeen))</updated>\n"
    // term: the data-use label (NOT_ for a negated statement); label says when a protection was removed.
    var terms: [(term: String, label: String)] = []
    for finding in DataUseImportance.sorted(event.dataUse ?? [])
    where !terms.contains(where: { $0.term == finding.label }) {
      terms.append((finding.label, finding.listLabel))
    }
    for (term, label) in terms {
      xml +=
        "    <category term=\"\(Markup.escape(term))\" scheme=\"urn:policywatch:data-use\" label=\"\(Markup.escape(label))\"/>\n"
    }
    xml += "    <summary type=\"text\">\(Markup.escape(summary.joined(separator: " ")))</summary>\n"
    if let html = entryContent?(event) {
      xml += "    <content type=\"html\">\(Markup.escape(html))</content>\n"
    } else if let version = event.version, let previous = event.previousVersion,
      let new = store.version(version, of: ref), let old = store.version(previous, of: ref)
    {
      var report = DiffReport.make(
        service: event.service, document: event.document, old: old, new: new, event: event, classifier: classifier)
      report.url = event.url
      report.pageURLs = event.pageURLs
      let html = DiffMarkupRenderer.htmlFragment(report, options: DiffViewOptions(context: context), forFeed: true)
      xml += "    <content type=\"html\">\(Markup.escape(html))</content>\n"
    }
    xml += "  </entry>\n"
    return xml
  }

  /// Percent-encodes everything but unreserved characters, `:` and `/` (valid in a URN's specific string).
  static func percentEncode(_ text: String) -> String {
    var output = ""
    for byte in text.utf8 {
      let scalar = Unicode.Scalar(byte)
      if byte < 0x80,
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._~:/".unicodeScalars.contains(scalar)
      {
        output.unicodeScalars.append(scalar)
      } else {
        output += String(format: "%%%02X", byte)
      }
    }
    return output
  }
}
