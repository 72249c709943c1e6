import Foundation
import PolicyWatchAlerts
import PolicyWatchStore
import PolicyWatchSupport

#if canImport(Glibc)
  import Glibc
#endif

/// `policywatch fsck`: checks a store's integrity, and with `repair` fixes what a crash can leave behind.
public enum Fsck {
  /// Something the store lost or corrupted, and how to recover from it.
  public struct Damage: Sendable, Equatable {
    public var description: String
    /// What to do about it, in words (a command, a file to restore or edit…).
    public var recovery: String
  }

  /// What `fsck` found: how much it read, the damage and the warnings, and what `--repair` did.
  public struct Report: Sendable {
    public var documents = 0
    public var timelineEntries = 0
    public var versions = 0
    public var objects = 0
    /// Damage: the store lost or corrupted something, with how to recover.
    public var damage: [Damage] = []
    /// The descriptions of `damage`.
    public var problems: [String] { damage.map(\.description) }
    /// Leftovers of an interrupted run: harmless, removed by `repair`.
    public var leftovers: [String] = []
    public var repaired: [String] = []
    public var isClean: Bool { problems.isEmpty }
  }

  /// `rules`: the declarations damaged versions are re-extracted with (`--repair` only).
  public static func check(_ store: SnapshotStore, repair: Bool, rules: RuleBook = RuleBook()) -> Report {
    var report = Report()
    if !FileIO.exists("\(store.path)/STORE.json") {
      report.damage.append(
        Damage(
          description: "STORE.json is missing",
          recovery: "write {\"format\": \"policywatch-store\", \"version\": 1} to \(store.path)/STORE.json"))
    }
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
      var salvaged: [Int: [UInt8]] = [:]
      for (index, line) in raw.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
      where !line.isEmpty {
        let number = index + 1
        if let entry = try? StoreJSON.decoder.decode(TimelineEntry.self, from: Data(line)) {
          if let last = entries.last, entry.time < last.time {
            report.damage.append(
              Damage(
                description: "\(ref.name): timeline line \(number) goes back in time",
                recovery:
                  "the readers use the line as it is; if a clock was wrong, edit the time of line \(number) of "
                  + "\(timelineFile) (or restore the file from a backup)"))
          }
          entries.append(entry)
          continue
        }
        let what = "\(ref.name): timeline line \(number) is not a valid entry (\(StoreDamage.describe(line)))"
        if let cleaned = StoreDamage.withoutControlBytes(line),
          let entry = try? StoreJSON.decoder.decode(TimelineEntry.self, from: Data(cleaned))
        {
          if repair {
            salvaged[index] = cleaned
            entries.append(entry)
            report.repaired.append("removed the stray control bytes of timeline line \(number) of \(ref.name)")
          } else {
            report.damage.append(
              Damage(
                description: what,
                recovery:
                  "`policywatch fsck --repair` removes the stray bytes: without them the line is a valid entry "
                  + "(fetched \(StoreJSON.format(entry.time)))"))
          }
          continue
        }
        report.damage.append(
          Damage(
            description: what,
            recovery:
              "every reader skips this line, so log, diff and feed lack the fetch attempt and events it recorded; "
              + "restore \(timelineFile) from a backup, or mend line \(number) by hand (`sed -n \(number)p` shows it; "
              + "the versions and raw snapshots it names are still in the store). Until then the store stays "
              + "usable: later runs append after it"))
      }
      if !salvaged.isEmpty {
        var lines = raw.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Array($0) }
        for (index, cleaned) in salvaged { lines[index] = cleaned }
        var bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        if bytes.last != UInt8(ascii: "\n"), !bytes.isEmpty { bytes.append(UInt8(ascii: "\n")) }
        do {
          try FileIO.writeAtomically(bytes, to: timelineFile)
        } catch {
          report.damage.append(
            Damage(
              description: "\(ref.name): cannot rewrite the timeline: \(error)",
              recovery: "make \(timelineFile) writable and run `policywatch fsck --repair` again"))
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
        let file = "\(directory)/versions/\(id).json"
        let problem: String
        switch store.versionFileState(id, of: ref) {
        case .valid: continue
        case .missing: problem = "version \(id) is referenced by the timeline but missing"
        case .damaged(let why): problem = "version \(id) is damaged: \(why)"
        }
        guard repair else {
          report.damage.append(
            Damage(
              description: "\(ref.name): \(problem)",
              recovery:
                "`policywatch fsck --repair` rebuilds it from its raw snapshot, re-extracted with the rules of its time "
                + "(from --declarations, else the configuration's) and checked against its id; or restore \(file) "
                + "from a backup"))
          continue
        }
        do {
          let record = try store.rebuildVersion(id, of: ref, rules: rules)
          report.repaired.append(
            "rebuilt version \(id) of \(ref.name) from raw snapshot \(record.snapshot.prefix(12)) (fetched "
              + "\(StoreJSON.format(record.firstSeen))), re-extracted and checked against its id")
        } catch {
          report.damage.append(
            Damage(
              description: "\(ref.name): \(problem)",
              recovery: "it cannot be rebuilt: \(error.description); restore \(file) from a backup"))
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
            report.damage.append(
              Damage(
                description: "\(ref.name): object \(name) is corrupted (its content does not match its hash)",
                recovery: "restore \(directory)/objects/\(name) from a backup"))
          }
        } else {
          report.damage.append(
            Damage(
              description: "\(ref.name): object \(name) is unreadable (damaged compressed data)",
              recovery: "restore \(directory)/objects/\(name) from a backup"))
        }
      }
      // Kept snapshots must be there; the latest snapshot of a page may be (`check` keeps it for conditional
      // requests, `replay` does not store noise).
      let needed = state.pinned
      let latest = Set(state.pages.values.compactMap(\.latestSnapshot))
      for hash in needed.sorted() where !present.contains(hash) {
        report.damage.append(
          Damage(
            description: "\(ref.name): raw snapshot \(hash) is missing",
            recovery:
              "restore \(directory)/objects/\(hash) from a backup; without it that version cannot be re-extracted"))
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
    checkOutbox(store, repair: repair, report: &report)
    return report
  }

  /// The delivery log: every line parses (a skipped line could let an alert go out twice).
  static func checkOutbox(_ store: SnapshotStore, repair: Bool, report: inout Report) {
    let path = Outbox(store: store.path).deliveredPath
    guard let raw = FileIO.read(path) else { return }
    var lines = raw.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Array($0) }
    var changed = false
    for (number, line) in FileIO.numberedLines(raw)
    where (try? StoreJSON.decoder.decode(OutboxDelivery.self, from: Data(line))) == nil {
      let what = "outbox: delivered.jsonl line \(number) is not a valid delivery record (\(StoreDamage.describe(line)))"
      if let cleaned = StoreDamage.withoutControlBytes(line),
        (try? StoreJSON.decoder.decode(OutboxDelivery.self, from: Data(cleaned))) != nil
      {
        if repair {
          lines[number - 1] = cleaned
          changed = true
          report.repaired.append("removed the stray control bytes of delivered.jsonl line \(number)")
        } else {
          report.damage.append(
            Damage(
              description: what,
              recovery: "`policywatch fsck --repair` removes the stray bytes: without them the line is valid"))
        }
        continue
      }
      report.damage.append(
        Damage(
          description: what,
          recovery:
            "the alert this line recorded may be delivered again (once) if it is still pending; restore \(path) "
            + "from a backup or mend line \(number) by hand"))
    }
    if changed {
      do {
        try FileIO.writeAtomically(Array(lines.joined(separator: [UInt8(ascii: "\n")])), to: path)
      } catch {
        report.damage.append(
          Damage(
            description: "outbox: cannot rewrite delivered.jsonl: \(error)",
            recovery: "make \(path) writable and run `policywatch fsck --repair` again"))
      }
    }
  }
}
