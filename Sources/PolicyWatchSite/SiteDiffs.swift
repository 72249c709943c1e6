import Foundation
import PolicyWatchDataUse
import PolicyWatchStore
import PolicyWatchSupport
import PolicyWatchView

/// The HTML diff of each change, computed once and shared by its page and every feed that lists it (the diff and
/// its data-use language are what a build spends its time on). Each diff is kept in the site's cache folder
/// (`.policywatch-site-cache/`, in the manifest like any file), keyed by its event and the site's settings, so a
/// rebuild computes only the diffs of new changes.
final class SiteDiffs: @unchecked Sendable {
  static let folder = ".policywatch-site-cache"

  struct Fragments: Sendable {
    /// For the change page (sections as `<h3>`, under the page's "What changed").
    var page: String
    /// For a feed entry (reads right without a style sheet).
    var feed: String
    /// The cache files holding them.
    var files: [String]
  }

  let store: SnapshotStore
  let options: SiteOptions
  let shared: String
  let writer: SiteWriter
  private let lock = NSLock()
  private var memo: [String: Fragments] = [:]
  /// Held while the classifier is made (apart from `lock`, so that cached diffs are served meanwhile).
  private let classifierLock = NSLock()
  private var loadedClassifier: DataUseClassifier?

  init(store: SnapshotStore, options: SiteOptions, shared: String, writer: SiteWriter) {
    self.store = store
    self.options = options
    self.shared = shared
    self.writer = writer
  }

  /// Starts making the classifier in the background (a build that will compute diffs needs it: loading the built-in
  /// rules and model takes a few hundred milliseconds, here on two threads and while the store is read).
  func preload() {
    DispatchQueue.global().async { _ = DataUseModel.builtIn }
    DispatchQueue.global().async { _ = self.classifier }
  }

  /// The classifier, made on first use.
  var classifier: DataUseClassifier {
    classifierLock.withLock {
      if let loadedClassifier { return loadedClassifier }
      let made = options.classifier()
      loadedClassifier = made
      return made
    }
  }

  /// The diff of `event` (from its previous version to its version), from this build, the cache, or computed; nil
  /// when a version file is missing. `old` and `new`: the records, when the caller has read them.
  func fragments(_ event: StoreEvent, old: VersionRecord? = nil, new: VersionRecord? = nil) -> Fragments? {
    let key = SHA256.hex(shared + "\n" + EventFormatting.json(event))
    if let known = lock.withLock({ memo[key] }) { return known }
    let files = ["\(Self.folder)/\(key).page.fragment", "\(Self.folder)/\(key).feed.fragment"]
    if let page = writer.reuse(files[0]), let feed = writer.reuse(files[1]) {
      let cached = Fragments(
        page: String(decoding: page, as: UTF8.self), feed: String(decoding: feed, as: UTF8.self), files: files)
      lock.withLock { memo[key] = cached }
      return cached
    }
    let ref = SnapshotStore.DocumentRef(service: event.service, document: event.document)
    guard let new = new ?? event.version.flatMap({ store.version($0, of: ref) }),
      let old = old ?? event.previousVersion.flatMap({ store.version($0, of: ref) })
    else { return nil }
    var report = DiffReport.make(
      service: ref.service, document: ref.document, old: old, new: new, event: event, classifier: classifier)
    report.url = event.url
    report.pageURLs = event.pageURLs
    let view = DiffViewOptions(context: 1)
    // The fragment's section headings sit under the change page's "What changed" (an h2).
    let page = DiffMarkupRenderer.htmlFragment(report, options: view)
      .replacingOccurrences(of: "<h2>", with: "<h3>").replacingOccurrences(of: "</h2>", with: "</h3>")
    let feed = DiffMarkupRenderer.htmlFragment(report, options: view, forFeed: true)
    writer.put(files[0], Array(page.utf8))
    writer.put(files[1], Array(feed.utf8))
    let made = Fragments(page: page, feed: feed, files: files)
    lock.withLock { memo[key] = made }
    return made
  }
}
