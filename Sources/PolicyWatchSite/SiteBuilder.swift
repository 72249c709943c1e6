import Foundation
import PolicyWatchDataUse
import PolicyWatchStore
import PolicyWatchSupport
import PolicyWatchView

/// Builds the static website of a store (`policywatch site`): the index, a page per document with its SVG timeline,
/// a page per change with its clause diff, a page per data-use category, and Atom feeds (the whole site, each
/// document, each category) written by `AtomFeed`. See `SitePaths` for the layout and `SiteWriter` for how a
/// rebuild rewrites only what changed.
public struct SiteBuilder: Sendable {
  public let store: SnapshotStore
  public let options: SiteOptions

  /// Bumped when the pages' layout changes, so that a rebuild renders every page again.
  static let layoutVersion = 1

  public init(store: SnapshotStore, options: SiteOptions) {
    self.store = store
    self.options = options
  }

  /// What a build did: the files it wrote (new or changed), how many it left as they were, and the files of the last
  /// build it removed.
  public struct Summary: Sendable {
    public var written: [String]
    public var unchanged: Int
    public var removed: [String]
    public var documents: Int
    public var eventPages: Int
  }

  public func build() throws(SiteError) -> Summary {
    var baseURL = options.baseURL
    if let base = baseURL {
      let lowered = base.lowercased()
      guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else { throw .badBaseURL(base) }
      if !base.hasSuffix("/") { baseURL = base + "/" }
    }
    let site = SiteContext(title: options.title, baseURL: baseURL, options: options)
    let refs = try selectedDocuments()
    let writer = try SiteWriter(root: options.output)

    let shared = sharedKey(site)
    let diffs = SiteDiffs(store: store, options: options, shared: shared, writer: writer)
    // When the store or the settings changed since the last build, diffs will be computed: the classifier loads
    // meanwhile.
    writer.storeKey = SHA256.hex(
      ([shared] + refs.map { "\($0.name) \(store.state($0).lastAttempt.map(EventFormatting.timestamp) ?? "")" })
        .joined(separator: "\n"))
    if writer.storeKey != writer.previousStoreKey { diffs.preload() }

    // Read every document once (in parallel: each reads its own timeline and versions).
    let documents = Self.parallelMap(refs) { SiteDocument(store: store, ref: $0) }

    // Change pages: rendered only when their inputs changed (the diff is the costly part).
    let jobs: [(document: SiteDocument, index: Int)] = documents.flatMap { document in
      document.pagedEvents.indices.map { (document, $0) }
    }
    Self.parallelFor(jobs.count) { job in
      let (document, index) = jobs[job]
      eventPage(document: document, index: index, site: site, shared: shared, writer: writer, diffs: diffs)
    }

    // Pages that read every document: cheap, so rendered each time and written when their bytes differ.
    var categories: [String: [StoreEvent]] = [:]
    for document in documents {
      for event in document.events where event.kind == .change {
        for tag in event.labelTags where categories[tag.label]?.last?.id != event.id {
          categories[tag.label, default: []].append(event)
        }
      }
    }
    let categoryList = categories.keys.sorted {
      let a = DataUseImportance.rank(of: Self.category(of: $0))
      let b = DataUseImportance.rank(of: Self.category(of: $1))
      return a != b ? a < b : $0 < $1
    }.map { (label: $0, count: categories[$0]?.count ?? 0) }
    for order in [SitePages.IndexOrder.lastChange, .name] {
      let page = SitePages.index(documents, categories: categoryList, order: order, site: site)
      writer.put(page.path, Array(page.html(site).utf8))
    }
    for document in documents {
      let page = SitePages.document(document, site: site)
      writer.put(page.path, Array(page.html(site).utf8))
    }
    for (label, events) in categories {
      let newestFirst = events.sorted { ($0.firstSeen, $0.id) > ($1.firstSeen, $1.id) }
      let page = SitePages.category(label, events: newestFirst, site: site)
      writer.put(page.path, Array(page.html(site).utf8))
    }

    // Feeds (their entries hold diffs: rendered only when the changes they list are not the last build's).
    var feeds: [(path: String, title: String, events: [StoreEvent])] = []
    let allChanges = documents.flatMap { $0.events.filter { $0.kind == .change } }
      .sorted { ($0.firstSeen, $0.id) < ($1.firstSeen, $1.id) }
    feeds.append((SitePaths.siteFeed, "\(site.title): every change", allChanges))
    for document in documents {
      feeds.append(
        (
          SitePaths.documentFeed(document.ref), "\(site.title): \(document.ref.service)/\(document.ref.document)",
          document.events.filter { $0.kind == .change }
        ))
    }
    for (label, events) in categories {
      feeds.append(
        (
          SitePaths.categoryFeed(label), "\(site.title): \(label)",
          events.sorted { ($0.firstSeen, $0.id) < ($1.firstSeen, $1.id) }
        ))
    }
    let feedList = feeds
    let base = baseURL
    Self.parallelFor(feedList.count) { index in
      let feed = feedList[index]
      let listed = Array(feed.events.suffix(max(0, options.feedLimit)))
      let key = SHA256.hex(
        ([shared, feed.title, feed.path] + listed.map(EventFormatting.json)).joined(separator: "\n"))
      writer.put(feed.path, key: key) {
        var atom = AtomFeed(title: feed.title, baseURL: base.map { $0 + feed.path }, limit: options.feedLimit)
        atom.classifier = diffs.classifier
        atom.entryContent = { event in diffs.fragments(event)?.feed }
        return Array(atom.render(store: store, events: listed).utf8)
      }
    }

    let removed = try writer.finish()
    return Summary(
      written: writer.written.sorted(), unchanged: writer.unchanged, removed: removed, documents: documents.count,
      eventPages: jobs.count)
  }

  /// `NOT_SALE_OF_DATA` → `SALE_OF_DATA` (for ordering by importance).
  static func category(of label: String) -> String { label.hasPrefix("NOT_") ? String(label.dropFirst(4)) : label }

  /// The documents `--only` names (all without it); a filter that matches nothing is an error naming the store's
  /// documents.
  func selectedDocuments() throws(SiteError) -> [SnapshotStore.DocumentRef] {
    let all = store.documents()
    guard !options.only.isEmpty else { return all }
    var selected = Set<SnapshotStore.DocumentRef>()
    for filter in options.only {
      let matching = all.filter { ref in
        if let slash = filter.firstIndex(of: "/") {
          return ref.service == filter[..<slash] && ref.document == filter[filter.index(after: slash)...]
        }
        return ref.service == filter
      }
      guard !matching.isEmpty else { throw .noMatch(filter: filter, available: all.map(\.name)) }
      selected.formUnion(matching)
    }
    return selected.sorted()
  }

  /// What every page shows besides its own data: the layout, the site's title and address, the classifier.
  func sharedKey(_ site: SiteContext) -> String {
    [
      "layout \(Self.layoutVersion)", PolicyWatchVersion.string, site.title, site.baseURL ?? "", options.classifierKey,
      "snapshots \(options.includeSnapshots)", "feed limit \(options.feedLimit)", SHA256.hex(SiteHTML.css),
      SHA256.hex(DiffMarkupRenderer.css),
    ].joined(separator: "\n")
  }

  func eventPage(
    document: SiteDocument, index: Int, site: SiteContext, shared: String, writer: SiteWriter, diffs: SiteDiffs
  ) {
    let paged = document.pagedEvents
    let event = paged[index]
    let previous = index > 0 ? paged[index - 1] : nil
    let next = index + 1 < paged.count ? paged[index + 1] : nil
    let ref = document.ref
    let path = SitePaths.event(event)
    let key = SHA256.hex(
      [shared, EventFormatting.json(event), previous?.id ?? "", next?.id ?? ""].joined(separator: "\n"))
    writer.put(path, key: key) {
      let newRecord = event.version.flatMap { store.version($0, of: ref) }
      let oldRecord = event.previousVersion.flatMap { store.version($0, of: ref) }
      // The raw snapshots of the new version: its first snapshot (each page's, for a `combine` document).
      var snapshots: [(page: String?, hash: String, copied: Bool)] = []
      if let record = newRecord {
        let pages: [(String?, String)] =
          (record.pages?.count ?? 0) > 1
          ? (record.pages ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
          : record.snapshot.isEmpty ? [] : [(nil, record.snapshot)]
        for (page, hash) in pages {
          snapshots.append((page, hash, options.includeSnapshots && store.hasObject(hash, of: ref)))
        }
      }
      var needed: [String] = []
      for snapshot in snapshots where snapshot.copied {
        let file = SitePaths.snapshot(snapshot.hash, of: ref)
        writer.put(file, key: "sha256:" + snapshot.hash) { store.object(snapshot.hash, of: ref) }
        needed.append(file)
      }
      let fragments = diffs.fragments(event, old: oldRecord, new: newRecord)
      needed += fragments?.files ?? []
      writer.depend(path, on: needed)
      let page = SitePages.change(
        event, fragment: fragments?.page, newRecord: newRecord, oldRecord: oldRecord, previous: previous, next: next,
        snapshots: snapshots, site: site)
      return Array(page.html(site).utf8)
    }
  }

  // MARK: Parallel helpers

  static func parallelFor(_ count: Int, _ body: @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
  }

  static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    let box = ResultBox<R>(items.count)
    parallelFor(items.count) { index in
      let result = transform(items[index])
      box.lock.withLock { box.results[index] = result }
    }
    return box.results.compactMap { $0 }
  }
}

/// The results of a parallel map, each slot written once under the lock.
private final class ResultBox<R: Sendable>: @unchecked Sendable {
  var results: [R?]
  let lock = NSLock()
  init(_ count: Int) { results = Array(repeating: nil, count: count) }
}
