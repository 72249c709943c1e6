import Foundation
import PolicyWatchStore

/// One state of a document's history: the version it showed from `firstSeen` on, and the event that brought it
/// (`first`, `change`, `flap` or `technical`).
public struct VersionState: Sendable, Equatable {
  public var version: String
  public var firstSeen: Date
  public var event: StoreEvent
}

/// Why a document or a REF could not be resolved; each message says what exists instead.
public enum ViewError: Error, CustomStringConvertible, Equatable {
  case unknownDocument(String, available: [String])
  case noVersions(String)
  case badReference(option: String, ref: String, document: String, reason: String, available: [String])

  public var description: String {
    switch self {
    case .unknownDocument(let name, let available):
      let list =
        available.isEmpty ? "the store has no documents" : "the store has: " + available.joined(separator: ", ")
      return "no document \"\(name)\" in the store; \(list) (give SERVICE/DOCUMENT)"
    case .noVersions(let name):
      return "\(name) has no recorded version yet (every fetch failed or was inaccessible)"
    case .badReference(let option, let ref, let document, let reason, let available):
      return "\(option) \(ref): \(reason) for \(document); its versions:\n"
        + available.map { "  " + $0 }.joined(separator: "\n")
        + "\n(REF is a date 2024-09-19, a timestamp 2024-09-19T06:10:13Z, a version id or prefix, previous or latest)"
    }
  }
}

/// Finds documents and resolves REFs (`--from`, `--to`, `--at`) against a document's history.
///
/// A document's history is the list of states its version events (`first`, `change`, `flap`, `technical`) record,
/// in time order. A REF is:
/// - a date `2024-09-19`: the state the document was in at the end of that day (UTC), i.e. the latest version
///   first seen at or before 2024-09-19T23:59:59Z — so `--to 2024-09-19` includes a change fetched that morning;
/// - a full timestamp `2024-09-19T06:10:13Z`: the latest version first seen at or before that instant;
/// - `latest` (the current version) or `previous` (the state before the latest);
/// - a version id, or a unique prefix of at least 4 characters, of any stored version.
public struct VersionResolver: Sendable {
  public let store: SnapshotStore
  public let ref: SnapshotStore.DocumentRef
  public let states: [VersionState]

  /// Finds the document named `SERVICE/DOCUMENT` (or `SERVICE` when that service has one document).
  public init(store: SnapshotStore, name: String) throws(ViewError) {
    let documents = store.documents()
    var found = documents.first { $0.name == name }
    if found == nil {
      let ofService = documents.filter { $0.service == name }
      if ofService.count == 1 { found = ofService[0] }
    }
    guard let found else { throw .unknownDocument(name, available: documents.map(\.name)) }
    self.store = store
    self.ref = found
    self.states = store.events(found).compactMap { event in
      switch event.kind {
      case .first, .change, .flap, .technical:
        guard let version = event.version else { return nil }
        return VersionState(version: version, firstSeen: event.firstSeen, event: event)
      case .inaccessible, .recovered:
        return nil
      }
    }
  }

  /// One line per state, for error messages: `2024-09-19 06:10  9a8b7c6d…  change`.
  public var availableDescriptions: [String] {
    states.map {
      "\(ViewDates.stamp($0.firstSeen))  \($0.version.prefix(12))  \($0.event.kind.rawValue)"
        + ($0.event.declaredDate.map { "  declared \($0)" } ?? "")
    }
  }

  /// The index in `states` a REF names, or nil for a stored version id that never was a state of its own.
  public func resolve(_ text: String, option: String) throws(ViewError) -> (index: Int?, version: String) {
    guard !states.isEmpty else { throw .noVersions(ref.name) }
    func fail(_ reason: String) -> ViewError {
      .badReference(option: option, ref: text, document: ref.name, reason: reason, available: availableDescriptions)
    }
    switch text {
    case "latest":
      return (states.count - 1, states[states.count - 1].version)
    case "previous":
      guard states.count >= 2 else { throw fail("there is only one version") }
      return (states.count - 2, states[states.count - 2].version)
    default:
      break
    }
    if let instant = Self.instant(text) {
      guard let index = states.lastIndex(where: { $0.firstSeen <= instant }) else {
        throw fail("no version was seen at or before \(StoreJSON.format(instant))")
      }
      return (index, states[index].version)
    }
    let lowered = text.lowercased()
    if lowered.count >= 4, lowered.allSatisfy(\.isHexDigit) {
      let matches = Set(store.versionIDs(of: ref).filter { $0.hasPrefix(lowered) })
      if matches.count > 1 { throw fail("the prefix matches \(matches.count) versions") }
      if let id = matches.first {
        return (states.lastIndex { $0.version == id }, id)
      }
      throw fail("no version id starts with \(text)")
    }
    throw fail("not a date, a version id, previous or latest")
  }

  /// `2024-09-19` → the end of that day (UTC); a full ISO timestamp → itself.
  static func instant(_ text: String) -> Date? {
    if let date = StoreJSON.parse(text) { return date }
    let parts = text.split(separator: "-")
    guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }), parts[0].count == 4 else { return nil }
    return StoreJSON.parse(text + "T23:59:59Z")
  }

  /// The stored version `version` of the resolved document, or nil when it is not stored.
  public func record(_ version: String) -> VersionRecord? { store.version(version, of: ref) }
}

/// Date formats of the viewer (always UTC).
enum ViewDates {
  /// `2024-09-19 06:10`, for text that says "UTC" after it.
  static func minute(_ date: Date) -> String {
    String(StoreJSON.format(date).prefix(16)).replacingOccurrences(of: "T", with: " ")
  }

  /// `2024-09-19 06:10Z`: the minute with its time-zone marker, as every terminal line writes it.
  static func stamp(_ date: Date) -> String { EventFormatting.minute(date) }

  static func iso(_ date: Date) -> String { StoreJSON.format(date) }
}
