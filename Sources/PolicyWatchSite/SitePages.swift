import Foundation
import PolicyWatchStore
import PolicyWatchSupport

/// The pages' bodies. Every text from a store (names, URLs, reasons, clauses, quotes) goes through `Markup.escape`.
enum SitePages {
  // MARK: Index

  enum IndexOrder { case lastChange, name }

  static func index(
    _ documents: [SiteDocument], categories: [(label: String, count: Int)], order: IndexOrder,
    site: SiteContext
  ) -> SitePage {
    let path = order == .name ? SitePaths.byName : SitePaths.index
    let since = site.options.now.addingTimeInterval(-365 * 86_400)
    let sorted: [SiteDocument]
    switch order {
    case .name:
      sorted = documents.sorted { $0.ref < $1.ref }
    case .lastChange:
      sorted = documents.sorted {
        let a = $0.lastChange?.firstSeen ?? .distantPast
        let b = $1.lastChange?.firstSeen ?? .distantPast
        return a != b ? a > b : $0.ref < $1.ref
      }
    }
    let changeCount = documents.reduce(0) { $0 + $1.events.filter { $0.kind == .change }.count }
    let lastFetch = documents.compactMap { $0.attempts.last?.time }.max()
    var body = "<h1>\(Markup.escape(site.title))</h1>\n"
    body += "<p>\(documents.count) document\(documents.count == 1 ? "" : "s") watched, \(changeCount) change"
    body += "\(changeCount == 1 ? "" : "s") recorded"
    if let lastFetch { body += "; last fetch \(SiteHTML.time(lastFetch))" }
    body += ".</p>\n"
    body += "<section aria-labelledby=\"documents\">\n<h2 id=\"documents\">Documents</h2>\n"
    let nameHeader =
      order == .name
      ? "Document <span class=\"note\">(sorted)</span>"
      : "<a href=\"\(Markup.escape(SitePaths.relative(from: path, to: SitePaths.byName)))\">Document</a>"
    let changeHeader =
      order == .lastChange
      ? "Last change <span class=\"note\">(sorted, newest first)</span>"
      : "<a href=\"\(Markup.escape(SitePaths.relative(from: path, to: SitePaths.index)))\">Last change</a>"
    body += "<div class=\"scroll\"><table class=\"events\">\n<thead><tr><th scope=\"col\">\(nameHeader)</th>"
    body += "<th scope=\"col\">Address</th><th scope=\"col\">\(changeHeader)</th>"
    body += "<th scope=\"col\">Data-use language gained in the last 12 months</th><th scope=\"col\">State</th>"
    body += "</tr></thead>\n<tbody>\n"
    for document in sorted {
      let href = Markup.escape(SitePaths.relative(from: path, to: SitePaths.document(document.ref)))
      body += "<tr><th scope=\"row\"><a href=\"\(href)\">\(Markup.escape(document.ref.service))"
      body += " / \(Markup.escape(document.ref.document))</a></th>"
      body += "<td>\(address(document.url, pages: document.pageURLs))</td><td>"
      if let last = document.lastChange {
        let label = last.kind == .first ? "first seen " : ""
        let time = SiteHTML.time(last.firstSeen)
        if SiteDocument.hasPage(last) {
          body += "\(label)<a href=\"\(Markup.escape(SitePaths.relative(from: path, to: SitePaths.event(last))))\">"
          body += "\(time)</a>"
        } else {
          body += label + time
        }
        body += "<br>declared \(Markup.escape(last.declaredDate ?? "no date"))"
        for flag in last.flags { body += " <span class=\"flag\">\(Markup.escape(flag.rawValue))</span>" }
      } else {
        body += "no version yet"
      }
      body += "</td><td>"
      var gained: [(String, Bool)] = []
      for event in document.events where event.kind == .change && event.firstSeen >= since {
        for tag in event.labelTags where !gained.contains(where: { $0 == tag }) { gained.append(tag) }
      }
      body += gained.isEmpty ? "none" : gained.map { SiteHTML.categoryTag($0.0, removed: $0.1, from: path) }.joined()
      body += "</td><td>\(state(document))</td></tr>\n"
    }
    body += "</tbody></table></div>\n</section>\n"
    body += "<section aria-labelledby=\"categories\">\n<h2 id=\"categories\">Data-use categories</h2>\n"
    if categories.isEmpty {
      body += "<p>No change has brought data-use language yet.</p>\n"
    } else {
      body += "<p>Every change that brought language of a category, across documents, newest first.</p>\n<ul>\n"
      for (label, count) in categories {
        body += "<li>\(SiteHTML.categoryTag(label, removed: false, from: path)) \(count) change"
        body += "\(count == 1 ? "" : "s")</li>\n"
      }
      body += "</ul>\n"
    }
    body += "</section>\n"
    return SitePage(
      path: path, title: order == .name ? "Documents by name" : "Documents", feed: SitePaths.siteFeed,
      feedTitle: "\(site.title): every change", body: body)
  }

  static func address(_ url: String?, pages: [String: String]?) -> String {
    if let pages, pages.count > 1 {
      return pages.sorted { $0.key < $1.key }.map { "\(Markup.escape($0.key)): \(SiteHTML.externalLink($0.value))" }
        .joined(separator: "<br>")
    }
    return url.map(SiteHTML.externalLink) ?? "unknown"
  }

  static func state(_ document: SiteDocument) -> String {
    if let since = document.state.inaccessibleSince {
      var text = "<span class=\"state-bad\">inaccessible</span> since \(SiteHTML.time(since))"
      if let reason = document.state.inaccessibleReason { text += ": \(Markup.escape(reason))" }
      return text
    }
    return document.state.current == nil ? "no version yet" : "<span class=\"state-ok\">ok</span>"
  }

  // MARK: Document

  static func document(_ document: SiteDocument, site: SiteContext) -> SitePage {
    let path = SitePaths.document(document.ref)
    let name = "\(document.ref.service) / \(document.ref.document)"
    var body =
      "<p class=\"crumbs\">\(Markup.escape(document.ref.service))</p>\n<h1>\(Markup.escape(document.ref.document))</h1>\n"
    body += "<dl class=\"dates\">\n<dt>Address</dt><dd>\(address(document.url, pages: document.pageURLs))</dd>\n"
    body += "<dt>State</dt><dd>\(state(document))</dd>\n"
    if let last = document.lastChange {
      body += "<dt>Last change</dt><dd>\(SiteHTML.time(last.firstSeen)), declared "
      body += "\(Markup.escape(last.declaredDate ?? "no date"))</dd>\n"
    }
    body +=
      "<dt>Feed</dt><dd><a href=\"\(Markup.escape(SitePaths.relative(from: path, to: SitePaths.documentFeed(document.ref))))\">"
    body += "changes of this document (Atom)</a></dd>\n</dl>\n"
    body += "<section aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">Timeline</h2>\n<figure class=\"timeline\">\n"
    // On a phone the drawing keeps a readable size and scrolls sideways.
    body += "<div class=\"scroll\">" + SiteTimeline.svg(document, page: path) + "</div>\n"
    body += "<figcaption>Fetches, changes (coloured by their new data-use category), flaps, inaccessible streaks and "
    body += "technical re-extractions of \(Markup.escape(name)); each change is joined to the date the document "
    body += "declares. The same events are in <a href=\"#events\">the table of events</a>.</figcaption>\n</figure>\n"
    body += SiteTimeline.legend(document)
    body += "</section>\n"
    body += "<section aria-labelledby=\"events\">\n<h2 id=\"events\">Events, newest first</h2>\n"
    body += eventTable(document.events.reversed(), from: path, showDocument: false)
    body += "</section>\n"
    return SitePage(
      path: path, title: name, feed: SitePaths.documentFeed(document.ref),
      feedTitle: "\(site.title): \(document.ref.service)/\(document.ref.document)", body: body)
  }

  static func eventTable(_ events: [StoreEvent], from path: String, showDocument: Bool) -> String {
    guard !events.isEmpty else { return "<p>No event is recorded yet.</p>\n" }
    var html = "<div class=\"scroll\"><table class=\"events\">\n<thead><tr><th scope=\"col\">First seen</th>"
    if showDocument { html += "<th scope=\"col\">Document</th>" }
    html += "<th scope=\"col\">Event</th><th scope=\"col\">Clauses</th><th scope=\"col\">Declared</th>"
    html +=
      "<th scope=\"col\">Flags</th><th scope=\"col\">Data use</th><th scope=\"col\">Details</th></tr></thead>\n<tbody>\n"
    for event in events {
      html += "<tr><td>\(SiteHTML.time(event.firstSeen))</td>"
      if showDocument {
        let href = Markup.escape(
          SitePaths.relative(
            from: path, to: SitePaths.document(.init(service: event.service, document: event.document))))
        html += "<td><a href=\"\(href)\">\(Markup.escape(event.service)) / \(Markup.escape(event.document))</a></td>"
      }
      if SiteDocument.hasPage(event) {
        html += "<td><a href=\"\(Markup.escape(SitePaths.relative(from: path, to: SitePaths.event(event))))\">"
        html += "\(event.kind.rawValue)</a></td>"
      } else {
        html += "<td>\(event.kind.rawValue)</td>"
      }
      html += "<td>" + (event.clauses.map { "+\($0.added) −\($0.removed) ~\($0.modified)" } ?? "") + "</td>"
      let declared = event.kind == .inaccessible || event.kind == .recovered ? "" : (event.declaredDate ?? "none")
      html += "<td>\(Markup.escape(declared))</td>"
      html +=
        "<td>" + event.flags.map { "<span class=\"flag\">\(Markup.escape($0.rawValue))</span>" }.joined(separator: " ")
      html +=
        "</td><td>" + event.labelTags.map { SiteHTML.categoryTag($0.label, removed: $0.removed, from: path) }.joined()
      html += "</td><td>\(Markup.escape(event.reason ?? ""))</td></tr>\n"
    }
    return html + "</tbody></table></div>\n"
  }

  // MARK: Change

  /// A change (or flap, or technical re-extraction): its dates in the document's own words, flags, links to the
  /// neighbouring changes, the document and the raw snapshot, then the clause diff of `DiffMarkupRenderer`.
  static func change(
    _ event: StoreEvent, fragment: String?, newRecord: VersionRecord?, oldRecord: VersionRecord?,
    previous: StoreEvent?, next: StoreEvent?, snapshots: [(page: String?, hash: String, copied: Bool)],
    site: SiteContext
  ) -> SitePage {
    let path = SitePaths.event(event)
    let ref = SnapshotStore.DocumentRef(service: event.service, document: event.document)
    let documentHref = Markup.escape(SitePaths.relative(from: path, to: SitePaths.document(ref)))
    let what = event.kind == .change ? "Change" : event.kind == .flap ? "Flap" : "Technical re-extraction"
    var body = "<p class=\"crumbs\"><a href=\"\(documentHref)\">\(Markup.escape(event.service)) / "
    body += "\(Markup.escape(event.document))</a></p>\n"
    body += "<h1>\(what) first seen \(SiteHTML.time(event.firstSeen))</h1>\n"
    body += "<nav class=\"pager\" aria-label=\"Changes of this document\">\n"
    if let previous {
      body +=
        "<a rel=\"prev\" href=\"\(Markup.escape(SitePaths.relative(from: path, to: SitePaths.event(previous))))\">"
      body += "← previous \(previous.kind.rawValue) (\(SiteHTML.minute(previous.firstSeen)))</a>\n"
    } else {
      body += "<span>no earlier change</span>\n"
    }
    body += "<a href=\"\(documentHref)\">all events of this document</a>\n"
    if let next {
      body += "<a rel=\"next\" href=\"\(Markup.escape(SitePaths.relative(from: path, to: SitePaths.event(next))))\">"
      body += "next \(next.kind.rawValue) (\(SiteHTML.minute(next.firstSeen))) →</a>\n"
    } else {
      body += "<span>no later change</span>\n"
    }
    body += "</nav>\n"
    body += "<section aria-labelledby=\"dates\">\n<h2 id=\"dates\">Dates</h2>\n<dl class=\"dates\">\n"
    body += "<dt>First seen</dt><dd>\(SiteHTML.time(event.firstSeen)) (the first fetch that showed this text)</dd>\n"
    if let before = event.lastSeenBefore {
      body += "<dt>Previous text last seen</dt><dd>\(SiteHTML.time(before))</dd>\n"
    }
    body += "<dt>Declared by the document</dt><dd>\(declared(newRecord, iso: event.declaredDate))</dd>\n"
    body += "<dt>Declared before</dt><dd>\(declared(oldRecord, iso: event.previousDeclaredDate))</dd>\n"
    if event.declaredDateUpcoming == true {
      body += "<dt>Note</dt><dd>the declared date was still to come when this text was first seen</dd>\n"
    }
    body += "<dt>Flags</dt><dd>"
    body +=
      event.flags.isEmpty
      ? "none" : event.flags.map { "<span class=\"flag\">\($0.rawValue)</span>" }.joined(separator: " ")
    if event.flags.contains(.silent) { body += " the text changed, the declared date did not" }
    if event.flags.contains(.backdated) {
      body += (event.flags.contains(.silent) ? ";" : "") + " the declared date is earlier than the last fetch that "
      body += "still showed the old text"
    }
    body += "</dd>\n"
    if let reason = event.reason { body += "<dt>Reason</dt><dd>\(Markup.escape(reason))</dd>\n" }
    body += "<dt>Document</dt><dd>\(address(event.url, pages: event.pageURLs))</dd>\n"
    body += "<dt>Raw snapshot</dt><dd>"
    if snapshots.isEmpty { body += "not kept in the store" }
    body += snapshots.map { snapshot in
      var text = snapshot.page.map { "page \(Markup.escape($0)): " } ?? ""
      if snapshot.copied {
        let href = Markup.escape(SitePaths.relative(from: path, to: SitePaths.snapshot(snapshot.hash, of: ref)))
        text +=
          "<a href=\"\(href)\">sha256 <code>\(Markup.escape(String(snapshot.hash.prefix(16))))…</code></a> (as text)"
      } else {
        text += "sha256 <code>\(Markup.escape(snapshot.hash))</code> in the store (the site includes it with "
        text += "<code>--include-snapshots</code>)"
      }
      return text
    }.joined(separator: "<br>")
    body += "</dd>\n</dl>\n</section>\n"
    body += "<section aria-labelledby=\"diff\">\n<h2 id=\"diff\">What changed</h2>\n"
    if let fragment {
      body += fragment
    } else {
      body += "<p>The store lacks a version file of this change (<code>policywatch fsck</code> says how to recover "
      body += "it), so its diff cannot be shown.</p>\n"
    }
    body += "</section>\n"
    return SitePage(
      path: path, title: "\(what) of \(event.service)/\(event.document), \(SiteHTML.minute(event.firstSeen))",
      feed: SitePaths.documentFeed(ref), feedTitle: "\(site.title): \(event.service)/\(event.document)", body: body)
  }

  /// `“Effective September 18, 2024” (2024-09-18)`: the document's own words for its date, then the ISO date.
  static func declared(_ record: VersionRecord?, iso: String?) -> String {
    guard let iso else { return "no date" }
    if let phrase = record?.documentDate?.phrase, !phrase.isEmpty {
      return "“\(Markup.escape(phrase))” (\(Markup.escape(iso)))"
    }
    return Markup.escape(iso)
  }

  // MARK: Category

  static func category(_ label: String, events: [StoreEvent], site: SiteContext) -> SitePage {
    let path = SitePaths.category(label)
    var body = "<p class=\"crumbs\">Data-use category</p>\n<h1>\(Markup.escape(label))</h1>\n"
    body += "<p>\(events.count) change\(events.count == 1 ? "" : "s") brought language of this category (or removed "
    body +=
      "it), newest first. <a href=\"\(Markup.escape(SitePaths.relative(from: path, to: SitePaths.categoryFeed(label))))\">"
    body += "Atom feed of this category</a>.</p>\n"
    for event in events {
      let href = Markup.escape(SitePaths.relative(from: path, to: SitePaths.event(event)))
      body += "<article>\n<h2><a href=\"\(href)\">\(Markup.escape(event.service)) / \(Markup.escape(event.document))"
      body += ", \(SiteHTML.minute(event.firstSeen))</a></h2>\n"
      body +=
        "<p>First seen \(SiteHTML.time(event.firstSeen)), declared \(Markup.escape(event.declaredDate ?? "no date"))"
      for flag in event.flags { body += " <span class=\"flag\">\(Markup.escape(flag.rawValue))</span>" }
      body += "</p>\n"
      for finding in event.sortedFindings where finding.label == label {
        let section = finding.section.last.map { " in <em>\(Markup.escape($0))</em>" } ?? ""
        body += "<p><strong>\(Markup.escape(finding.changeDescription))</strong>\(section): "
        body += "“<mark>\(Markup.escape(finding.match))</mark>”"
        if let widened = finding.widened, !widened.isEmpty {
          body += " (now also: \(Markup.escape(widened.joined(separator: ", "))))"
        }
        body += "</p>\n<blockquote class=\"quote\">\(Markup.escape(finding.text))</blockquote>\n"
      }
      body += "</article>\n"
    }
    return SitePage(
      path: path, title: label, feed: SitePaths.categoryFeed(label), feedTitle: "\(site.title): \(label)", body: body)
  }
}
