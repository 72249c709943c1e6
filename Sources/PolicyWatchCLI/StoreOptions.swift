import ArgumentParser
import Foundation
import PolicyWatch

/// `--store DIR`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
  @Option(help: "The snapshot store (a directory).")
  var store: String = "Snapshots"

  /// Opens (creating it if needed) and locks the store for writing; exits with status 2 and a clear message when
  /// another process holds the lock or the store cannot be opened.
  func openForWriting() throws -> (SnapshotStore, StoreLock) {
    do {
      return (try SnapshotStore(path: store, create: true), try StoreLock(store: store))
    } catch {
      printError("policywatch: \(error)")
      throw ExitCode(2)
    }
  }

  /// Opens an existing store for reading; exits with status 2 and a clear message when it is not a store.
  func openForReading() throws -> SnapshotStore {
    do {
      return try SnapshotStore(path: store, create: false)
    } catch {
      printError("policywatch: \(error)")
      throw ExitCode(2)
    }
  }
}

/// Output formats of the summary commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// `SERVICE` or `SERVICE/DOCUMENT` filters.
struct DocumentFilter {
  var service: String
  var document: String?

  init(_ text: String) {
    if let slash = text.firstIndex(of: "/") {
      service = String(text[..<slash])
      document = String(text[text.index(after: slash)...])
    } else {
      service = text
      document = nil
    }
  }

  func matches(service: String, document: String) -> Bool {
    service == self.service && (self.document == nil || self.document == document)
  }

  /// The events of the documents `filter` names (all documents without one), in time order; exits with status 2,
  /// listing the store's documents, when the filter matches none.
  static func events(in store: SnapshotStore, matching filter: String?) throws -> [StoreEvent] {
    guard let filter else { return store.allEvents() }
    let documentFilter = DocumentFilter(filter)
    guard store.documents().contains(where: { documentFilter.matches(service: $0.service, document: $0.document) })
    else {
      printError(
        "policywatch: no document matches \(filter); the store has: "
          + store.documents().map(\.name).joined(separator: ", "))
      throw ExitCode(2)
    }
    return store.allEvents { documentFilter.matches(service: $0.service, document: $0.document) }
  }
}

/// Writes to standard error.
func printError(_ message: String) {
  var standardError = StandardError()
  print(message, to: &standardError)
}

struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    FileHandle.standardError.write(Data(string.utf8))
  }
}
