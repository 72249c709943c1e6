import Foundation
import PolicyWatchDeclarations
import PolicyWatchExtract
import PolicyWatchStore
import PolicyWatchSupport

/// The rules a document had over time, from Open Terms Archive declarations (`<Service>.json` and its history) or
/// replay folders (`DIR/declaration.json`): what `fsck --repair` re-extracts a damaged version with.
public struct RuleBook: Sendable {
  public var services: [ServiceDeclaration] = []
  public var replays: [ReplayDeclaration] = []

  public init(services: [ServiceDeclaration] = [], replays: [ReplayDeclaration] = []) {
    self.services = services
    self.replays = replays
  }

  /// Reads each path: a replay folder (it holds `declaration.json`), or a declarations folder or file. Returns the
  /// rules found and the problems met (a path that cannot be read, a declaration with errors).
  public static func load(_ paths: [String]) -> (RuleBook, [String]) {
    var book = RuleBook()
    var problems: [String] = []
    for path in paths {
      let replayFile = (path as NSString).appendingPathComponent("declaration.json")
      if FileManager.default.fileExists(atPath: replayFile) {
        do {
          book.replays.append(try DeclarationLoader.loadReplayDeclaration(at: replayFile))
        } catch {
          problems.append(error.description)
        }
        continue
      }
      let loaded = DeclarationLoader.loadDirectory(path)
      book.services += loaded.services
      problems += loaded.errors.map(\.description)
    }
    return (book, problems)
  }

  public var isEmpty: Bool { services.isEmpty && replays.isEmpty }

  /// The declarations of a document to try for a snapshot fetched at `time`: first the one in force then, then
  /// every other set of rules it ever had (a rebuilt version is kept only when its clauses give back its id, so a
  /// wrong guess is never stored).
  func candidates(service: String, document: String, at time: Date, pageIDs: Set<String>) -> [DocumentDeclaration] {
    var result: [DocumentDeclaration] = []
    func add(_ declaration: DocumentDeclaration?) {
      guard let declaration, !result.contains(where: { $0.hasSameRules(as: declaration) }) else { return }
      result.append(declaration)
    }
    for replay in replays where replay.service == service && replay.document == document {
      add(replay.declaration(at: time, pageIDs: pageIDs))
      replay.allDeclarations.forEach(add)
    }
    for declared in services where declared.name == service {
      add(declared.declaration(of: document, at: time))
      (declared.history[document] ?? []).forEach(add)
    }
    return result
  }
}

/// Why a version could not be rebuilt from its raw snapshot.
public struct VersionRebuildError: Error, Sendable, CustomStringConvertible {
  public var description: String
}

extension SnapshotStore {
  /// Version `id` made again from the text just extracted (which has that id), when its file is missing or
  /// damaged: the recorder then sees a return to a recent text as the flap it is, not as a new change. Nil when the
  /// timeline does not say where the version came from, or the file cannot be written.
  func restoreVersion(
    _ id: String, of ref: DocumentRef, extracted: ExtractedDocument, rules fingerprint: String
  ) -> VersionRecord? {
    guard versionFileState(id, of: ref) != .valid, VersionIdentity.id(of: extracted.clauses) == id,
      let origin = origin(of: id, in: ref), let snapshot = origin.snapshot
    else { return nil }
    let record = VersionRecord(
      id: id, service: ref.service, document: ref.document, firstSeen: origin.time, snapshot: snapshot,
      clauses: extracted.clauses, declaredDates: extracted.declaredDates, language: extracted.language,
      title: extracted.title, extractor: DocumentExtractor.version, rules: fingerprint, pages: origin.pages)
    do {
      try replaceVersion(record, for: ref)
    } catch {
      warn(key: "restore \(ref.name) \(id)", "cannot rewrite the damaged version \(id) of \(ref.name): \(error)")
      return nil
    }
    return record
  }

  /// Version `id` rebuilt from the raw snapshot it was first seen in, re-extracted with the rules in force at that
  /// time (else with another set of rules the document had, if that gives back exactly the same text), and written
  /// over the missing or damaged file. The clauses must give back the id: a version is never replaced by another
  /// text.
  public func rebuildVersion(_ id: String, of ref: DocumentRef, rules book: RuleBook) throws(VersionRebuildError)
    -> VersionRecord
  {
    guard let origin = origin(of: id, in: ref), let snapshot = origin.snapshot else {
      throw VersionRebuildError(description: "the timeline does not say which fetch first showed it")
    }
    let hashes = origin.pages ?? [:]
    var missing: [String] = []
    var bytes: [String: [UInt8]] = [:]
    for hash in hashes.isEmpty ? [snapshot] : Array(hashes.values) {
      if let raw = object(hash, of: ref) { bytes[hash] = raw } else { missing.append(hash) }
    }
    guard missing.isEmpty else {
      throw VersionRebuildError(
        description: "its raw snapshot \(missing.sorted().joined(separator: ", ")) (fetched "
          + "\(StoreJSON.format(origin.time))) is not in the store")
    }
    let candidates = book.candidates(
      service: ref.service, document: ref.document, at: origin.time, pageIDs: Set(hashes.keys))
    guard !candidates.isEmpty else {
      throw VersionRebuildError(
        description: "no declaration of \(ref.name) was given (fsck --repair --declarations DIR: the declarations, "
          + "or the replay folder, it was recorded with)")
    }
    let state = state(ref)
    var outcomes: [String] = []
    for declaration in candidates {
      for charset in Set([nil] + declaration.pages.map { state.pages[$0.id]?.httpCharset }) {
        var pages: [String: RawPage] = [:]
        if hashes.isEmpty {
          let pageID = declaration.pages.first?.id ?? ""
          pages[pageID] = RawPage(id: pageID, bytes: bytes[snapshot] ?? [], httpCharset: charset)
        } else {
          for (pageID, hash) in hashes {
            pages[pageID] = RawPage(id: pageID, bytes: bytes[hash] ?? [], httpCharset: charset)
          }
        }
        let extracted: ExtractedDocument
        do {
          extracted = try DocumentExtractor.extract(declaration, pages: pages)
        } catch {
          outcomes.append(error.description)
          continue
        }
        let again = VersionIdentity.id(of: extracted.clauses)
        guard again == id else {
          outcomes.append("the text it gives has id \(again)")
          continue
        }
        let record = VersionRecord(
          id: id, service: ref.service, document: ref.document, firstSeen: origin.time, snapshot: snapshot,
          clauses: extracted.clauses, declaredDates: extracted.declaredDates, language: extracted.language,
          title: extracted.title, extractor: DocumentExtractor.version,
          rules: DocumentExtractor.fingerprint(declaration), pages: origin.pages)
        do {
          try replaceVersion(record, for: ref)
        } catch {
          throw VersionRebuildError(description: "cannot write it: \(error)")
        }
        return record
      }
    }
    throw VersionRebuildError(
      description: "re-extracting raw snapshot \(snapshot.prefix(12)) (fetched \(StoreJSON.format(origin.time))) "
        + "with the \(candidates.count) set(s) of rules given does not give it back ("
        + Array(Set(outcomes)).sorted().prefix(3).joined(separator: "; ") + ")")
  }
}
