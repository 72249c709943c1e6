import Foundation
import PolicyWatchSupport

/// What is on disk for a version id.
public enum VersionFileState: Sendable, Equatable {
  case valid
  case missing
  /// The file is there but cannot be used: `why` says how (does not parse, holds another text).
  case damaged(why: String)
}

extension SnapshotStore {
  /// Whether `versions/<id>.json` is there, readable, and holds the text its id names.
  public func versionFileState(_ id: String, of ref: DocumentRef) -> VersionFileState {
    guard let bytes = FileIO.read("\(directory(ref))/versions/\(id).json") else {
      return FileIO.exists("\(directory(ref))/versions/\(id).json") ? .damaged(why: "it cannot be read") : .missing
    }
    guard let record = VersionRecord.fromStoreJSON(bytes) else {
      return .damaged(why: bytes.isEmpty ? "it is empty" : "it is not a valid version record (cut short?)")
    }
    guard VersionIdentity.id(of: record.clauses) == id, record.id == id else {
      return .damaged(why: "its clauses are not the text its id names")
    }
    return .valid
  }

  /// The fetch attempt that brought version `id` first (a `first`, `change` or `technical` event), else the first
  /// attempt that recorded it: its time and raw snapshots are where the version came from.
  package func origin(of id: String, in ref: DocumentRef) -> TimelineEntry? {
    let entries = timeline(ref)
    let creating: Set<EventKind> = [.first, .change, .technical]
    if let entry = entries.first(where: { entry in
      (entry.events ?? []).contains { $0.version == id && creating.contains($0.kind) }
    }) {
      return entry
    }
    return entries.first { $0.version == id && $0.outcome == .recorded && $0.kept == true }
  }

  /// Writes a version record over a missing or damaged file (never over a valid one).
  package func replaceVersion(_ record: VersionRecord, for ref: DocumentRef) throws(StoreIOError) {
    guard versionFileState(record.id, of: ref) != .valid else { return }
    try FileIO.writeAtomically(record.storeJSON(), to: "\(directory(ref))/versions/\(record.id).json")
  }
}
