import Foundation
import PolicyWatchDataUse
import PolicyWatchStore

/// What `policywatch site` is asked to build.
public struct SiteOptions: Sendable {
  /// The folder the site is written to (created when absent; an existing folder must be empty or a site).
  public var output: String
  public var title = "PolicyWatch"
  /// Where the site is published (`https://example.org/policies/`): only for the feeds' ids and self links and the
  /// pages' canonical links. Every link between pages is relative.
  public var baseURL: String?
  /// `SERVICE` or `SERVICE/DOCUMENT` filters (empty: every document).
  public var only: [String] = []
  /// Copy the raw snapshot of every change into the site (as `.txt`, so a browser never runs the page's markup).
  public var includeSnapshots = false
  /// Makes the classifier that finds the data-use language of the diffs (the configuration's, in `policywatch
  /// site`); called once, and only when a diff must be computed (loading the model takes a while).
  public var classifier: @Sendable () -> DataUseClassifier
  /// Names the classifier's rules and model (a change page is rebuilt when it changes).
  public var classifierKey = "built-in"
  /// "The last 12 months" of the index end here.
  public var now = Date()
  /// Entries per feed (the newest).
  public var feedLimit = 50

  public init(
    output: String, classifier: @escaping @autoclosure @Sendable () -> DataUseClassifier = DataUseClassifier()
  ) {
    self.output = output
    self.classifier = classifier
  }
}

/// Why a site could not be built; each message names the folder or filter and the cause.
public enum SiteError: Error, CustomStringConvertible, Equatable {
  case noMatch(filter: String, available: [String])
  case notASite(String)
  case badBaseURL(String)
  case write(path: String, reason: String)

  public var description: String {
    switch self {
    case .noMatch(let filter, let available):
      let list =
        available.isEmpty ? "the store has no documents" : "the store has: " + available.joined(separator: ", ")
      return "--only \(filter): no document matches (\(list))"
    case .notASite(let path):
      return "\(path) is not empty and holds no site written by policywatch (no \(SitePaths.manifest)); "
        + "give an empty or new folder, so that nothing of yours is overwritten"
    case .badBaseURL(let url):
      return "--base-url \(url): not an http or https URL"
    case .write(let path, let reason):
      return "cannot write \(path): \(reason)"
    }
  }
}

/// Everything the pages share.
struct SiteContext: Sendable {
  var title: String
  /// Ends with `/`.
  var baseURL: String?
  var options: SiteOptions
}

/// One document as the site shows it, read from the store once.
struct SiteDocument: Sendable {
  var ref: SnapshotStore.DocumentRef
  /// In time order.
  var events: [StoreEvent]
  /// Every fetch attempt: its time and whether it gave a readable page.
  var attempts: [(time: Date, ok: Bool)]
  var state: DocumentState
  /// The address of the latest attempt (`url`, or each page's).
  var url: String?
  var pageURLs: [String: String]?

  init(store: SnapshotStore, ref: SnapshotStore.DocumentRef) {
    self.ref = ref
    let timeline = store.timeline(ref)
    events = store.events(ref, timeline: timeline)
    attempts = timeline.map { entry in
      (entry.time, entry.outcome != .inaccessible && entry.outcome != .failed)
    }
    state = store.state(ref)
    let pages = state.pages.mapValues(\.url)
    url = events.last?.url ?? pages.sorted { $0.key < $1.key }.first?.value
    pageURLs = events.last?.pageURLs ?? (pages.count > 1 ? pages : nil)
  }

  /// The events that have a page of their own (a diff between two versions).
  var pagedEvents: [StoreEvent] { events.filter(SiteDocument.hasPage) }

  static func hasPage(_ event: StoreEvent) -> Bool {
    (event.kind == .change || event.kind == .flap || event.kind == .technical) && event.version != nil
      && event.previousVersion != nil
  }

  /// The last `change` (else the `first` event).
  var lastChange: StoreEvent? {
    events.last { $0.kind == .change } ?? events.last { $0.kind == .first }
  }

  /// Streaks of inaccessibility: from each `inaccessible` event to the `recovered` one after it (or to the last
  /// attempt when the document is still inaccessible).
  var inaccessibleStreaks: [(start: Date, end: Date, reason: String?, open: Bool)] {
    var streaks: [(Date, Date, String?, Bool)] = []
    var open: StoreEvent?
    for event in events {
      if event.kind == .inaccessible, open == nil { open = event }
      if event.kind == .recovered, let start = open {
        streaks.append((start.firstSeen, event.firstSeen, start.reason, false))
        open = nil
      }
    }
    if let start = open {
      streaks.append(
        (start.firstSeen, max(start.firstSeen, attempts.last?.time ?? start.firstSeen), start.reason, true))
    }
    return streaks
  }
}

extension StoreEvent {
  /// The data-use findings, most consequential first.
  var sortedFindings: [DataUseFinding] { DataUseImportance.sorted(dataUse ?? []) }

  /// Unique labels with whether the finding is a removed protection, most consequential first.
  var labelTags: [(label: String, removed: Bool)] {
    var seen: [(String, Bool)] = []
    for finding in sortedFindings
    where !seen.contains(where: { $0.0 == finding.label && $0.1 == (finding.change == .removed) }) {
      seen.append((finding.label, finding.change == .removed))
    }
    return seen
  }
}
