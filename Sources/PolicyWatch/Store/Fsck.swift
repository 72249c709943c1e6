import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `policywatch fsck`: checks a store's integrity, and with `repair` fixes what a crash can leave behind.
public enum Fsck {
  public struct Report: Sendable {
    public var documents = 0
    public var timelineEntries = 0
    public var versions = 0
    public var objects = 0
    /// Damage: the store lost or corrupted something.
    public var problems: [String] = []
    /// Leftovers of an interrupted run: harmless, removed by `repair`.
    public var leftovers: [String] = []
    public var repaired: [String] = []
    public var isClean: Bool { problems.isEmpty }
  }

  public static func check(_ store: SnapshotStore, repair: Bool) -> Report {
    var report = Report()
    if !FileIO.exists("\(store.path)/STORE.json") { report.problems.append("STORE.json is missing") }
    for ref in store.documents() {
      report.documents += 1
      let directory = store.directory(ref)
      for folder in [directory, "\(directory)/versions", "\(directory)/objects"] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let temporaries = names.filter { $0.hasPrefix(".tmp-") }
        if !temporaries.isEmpty {
          report.leftovers.append("\(ref.name): \(temporaries.count) unfinished write(s) in \(folder)")
          if repair {
            report.repaired.append("removed \(FileIO.removeTemporaries(in: folder)) temp file(s) in \(folder)")
          }
        }
      }
      // The timeline: every line parses, times never go back.
      let timelineFile = "\(directory)/timeline.jsonl"
      var raw = FileIO.read(timelineFile) ?? []
      if let last = raw.last, last != UInt8(ascii: "\n") {
        // A torn last line (a crash in the middle of an append) was never committed; the next append cuts it.
        let keep = (raw.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        report.leftovers.append("\(ref.name): timeline ends with an unfinished line (\(raw.count - keep) bytes)")
        if repair, truncate(timelineFile, off_t(keep)) == 0 {
          report.repaired.append("cut the unfinished last line of the timeline of \(ref.name)")
        }
        raw.removeSubrange(keep...)
      }
      var entries: [TimelineEntry] = []
      for (number, line) in raw.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
      where !line.isEmpty {
        if let entry = try? StoreJSON.decoder.decode(TimelineEntry.self, from: Data(line)) {
          if let last = entries.last, entry.time < last.time {
            report.problems.append("\(ref.name): timeline line \(number + 1) goes back in time")
          }
          entries.append(entry)
        } else {
          report.problems.append("\(ref.name): timeline line \(number + 1) is not a valid entry")
        }
      }
      report.timelineEntries += entries.count
      // Versions: each referenced version exists, and its id is the identity of its clauses.
      // (An inaccessible entry may name the text it would have been, never stored as a version.)
      var referencedVersions = Set(entries.filter { $0.outcome != .inaccessible }.compactMap(\.version))
      for entry in entries {
        for event in entry.events ?? [] { if let id = event.version { referencedVersions.insert(id) } }
      }
      for id in referencedVersions.sorted() {
        guard let version = store.version(id, of: ref) else {
          report.problems.append("\(ref.name): version \(id) is referenced by the timeline but missing")
          continue
        }
        if VersionIdentity.id(of: version.clauses) != id {
          report.problems.append("\(ref.name): version \(id) does not match its content")
        }
      }
      report.versions += store.versionIDs(of: ref).count
      // Objects: content matches the name; kept snapshots exist.
      let state = store.state(ref)
      let objectNames = ((try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/objects")) ?? []).filter {
        !$0.hasPrefix(".")
      }
      var present = Set<String>()
      for name in objectNames {
        report.objects += 1
        present.insert(name)
        if let bytes = store.object(name, of: ref) {
          if SHA256.hex(bytes) != name {
            report.problems.append("\(ref.name): object \(name) is corrupted (its content does not match its hash)")
          }
        } else {
          report.problems.append("\(ref.name): object \(name) is unreadable (damaged compressed data)")
        }
      }
      // Kept snapshots must be there; the latest snapshot of a page may be (`check` keeps it for conditional
      // requests, `replay` does not store noise).
      let needed = state.pinned
      let latest = Set(state.pages.values.compactMap(\.latestSnapshot))
      for hash in needed.sorted() where !present.contains(hash) {
        report.problems.append("\(ref.name): raw snapshot \(hash) is missing")
      }
      for orphan in present.subtracting(needed).subtracting(latest).sorted() {
        report.leftovers.append("\(ref.name): raw snapshot \(orphan) is not referenced")
        if repair {
          store.removeObject(orphan, of: ref)
          report.repaired.append("removed unreferenced raw snapshot \(orphan) of \(ref.name)")
        }
      }
      // The state cache agrees with the timeline.
      let written = FileIO.read("\(directory)/state.json").flatMap {
        try? StoreJSON.decoder.decode(DocumentState.self, from: Data($0))
      }
      if !entries.isEmpty, written?.lastAttempt != entries.last?.time || written?.current != state.current {
        report.leftovers.append("\(ref.name): state.json lags behind the timeline")
        if repair, (try? store.writeState(state, for: ref)) != nil {
          report.repaired.append("brought state.json of \(ref.name) up to date")
        }
      }
    }
    return report
  }
}
