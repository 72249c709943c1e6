import Foundation

/// Ingests a folder of historical snapshots as if they had been fetched at their times.
///
/// Layout (that of `../shared/corpus/ota-genai-eu/*` once unpacked, and of `linkedin-privacy`):
/// `DIR/declaration.json` and `DIR/snapshots/<YYYY-MM-DDTHH-MM-SSZ>[#<page id>].html`. Each snapshot is extracted with
/// the rules in force at its time. Snapshots at or before the document's last recorded attempt are skipped, so
/// replaying the same folder twice adds nothing the second time.
public struct Replayer: Sendable {
  public let recorder: Recorder

  public init(recorder: Recorder) {
    self.recorder = recorder
  }

  public struct ReplayError: Error, CustomStringConvertible {
    public var directory: String
    public var message: String
    public var description: String { "\(directory): \(message)" }
  }

  public struct Summary: Sendable {
    public var service: String
    public var document: String
    public var snapshots = 0
    public var skipped = 0
    public var events: [StoreEvent] = []
    public var warnings: [String] = []
  }

  public func replay(directory: String, progress: ((RecordResult) -> Void)? = nil) throws -> Summary {
    let declaration: ReplayDeclaration
    do {
      declaration = try DeclarationLoader.loadReplayDeclaration(at: "\(directory)/declaration.json")
    } catch {
      throw ReplayError(directory: directory, message: error.description)
    }
    var summary = Summary(service: declaration.service, document: declaration.document)
    summary.warnings = declaration.warnings.map(\.description)
    let folder = "\(directory)/snapshots"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
      throw ReplayError(directory: directory, message: "no snapshots/ folder")
    }
    // Group the files by time: one group is one attempt (every page of a combine document fetched then).
    var groups: [(time: Date, files: [(page: String?, path: String)])] = []
    for name in names.sorted() where !name.hasPrefix(".") {
      let stem = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
      let parts = stem.split(separator: "#", maxSplits: 1).map(String.init)
      guard let time = Replayer.parseStamp(parts[0]) else {
        summary.warnings.append("\(name): not a snapshot name (<YYYY-MM-DDTHH-MM-SSZ>[#page].html), skipped")
        continue
      }
      let file = (page: parts.count > 1 ? parts[1] : nil, path: "\(folder)/\(name)")
      if let last = groups.last, last.time == time {
        groups[groups.count - 1].files.append(file)
      } else {
        groups.append((time, [file]))
      }
    }
    let ref = SnapshotStore.DocumentRef(service: declaration.service, document: declaration.document)
    let lastAttempt = recorder.store.state(ref).lastAttempt
    // The latest bytes of every page, so each attempt of a combine document sees all its pages.
    var latest: [String: [UInt8]] = [:]
    for group in groups {
      let pageIDs = Set(group.files.compactMap(\.page))
      let rules = declaration.declaration(at: group.time, pageIDs: pageIDs)
      for file in group.files {
        guard let bytes = FileIO.read(file.path) else { continue }
        let id = file.page ?? rules.pages.first?.id ?? "page"
        latest[id] = bytes
      }
      if let lastAttempt, group.time <= lastAttempt {
        summary.skipped += 1
        continue
      }
      // Wait until every page of the document has been seen once.
      let missing = rules.pages.filter { latest[$0.id] == nil && !(rules.pages.count == 1 && !latest.isEmpty) }
      if !missing.isEmpty {
        summary.skipped += 1
        continue
      }
      let pages = rules.pages.map { page in
        PageFetch(
          id: page.id, url: page.fetch, status: 200,
          bytes: latest[page.id] ?? (rules.pages.count == 1 ? latest.values.first : nil))
      }
      let result = try recorder.record(Observation(time: group.time, declaration: rules, pages: pages))
      summary.snapshots += 1
      summary.events += result.events
      progress?(result)
    }
    return summary
  }

  /// `2024-09-19T06-10-13Z` → a date.
  static func parseStamp(_ stamp: String) -> Date? {
    let parts = stamp.split(separator: "T")
    guard parts.count == 2 else { return nil }
    let time = parts[1].replacingOccurrences(of: "-", with: ":")
    return StoreJSON.parse("\(parts[0])T\(time)")
  }
}
