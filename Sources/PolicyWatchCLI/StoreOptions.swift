import ArgumentParser
import Foundation
import PolicyWatchConfig
import PolicyWatchStore
import PolicyWatchSupport

/// `--config FILE`: the configuration file. Every command finds it the same way: this option, else
/// `$POLICYWATCH_CONFIG`, else `$XDG_CONFIG_HOME/policywatch/config.json` (`~/.config/…`), else
/// `/etc/policywatch/config.json`; none of these is fine (no alerts, default paths), but a file named by the option
/// or the variable must exist.
struct ConfigFileOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The configuration file (default: $POLICYWATCH_CONFIG, then ~/.config/policywatch/config.json, then "
        + "/etc/policywatch/config.json).", valueName: "file"))
  var config: String?

  /// The file in use, if any.
  var located: String? { PolicyWatchConfig.locate(explicit: config) }

  /// The whole configuration (alert channels and their secrets), or nil when there is none. Exits with status 64
  /// and every problem (file, key path, cause) when the file is missing or invalid: nothing is fetched or recorded
  /// with a broken alert setup, so no change can pass unannounced.
  func load() throws -> PolicyWatchConfig? {
    guard let path = located else { return nil }
    do {
      return try PolicyWatchConfig.load(path: path)
    } catch {
      for problem in error.errors { printError("policywatch: config: \(problem)") }
      throw ExitCode(64)
    }
  }

  /// The configuration's data-use settings (`dataUse`: a rules file, and whether the learned model is used), or the
  /// built-in ones when there is no configuration; only that key is read (no secrets). The readers that find
  /// data-use language in a diff use it, as `check` and `replay` do. Exits with status 64 and every problem when
  /// the file is missing or not valid JSON, or its rules file cannot be used (with the rules file's line and column).
  /// With `readingRules` false the configured rules file is not read (the command was given `--rules`).
  func dataUse(readingRules: Bool = true) throws -> PolicyWatchConfig.DataUseSettings {
    guard let path = located else { return PolicyWatchConfig.DataUseSettings() }
    do {
      return try PolicyWatchConfig.loadDataUse(path: path, readingRules: readingRules)
    } catch {
      for problem in error.errors { printError("policywatch: config: \(problem)") }
      throw ExitCode(64)
    }
  }

  /// Only the configuration's `declarations` and `store` (the commands that read the store need no secrets); exits
  /// with status 64 when the file is missing or not valid JSON.
  func locations() throws -> ConfigLocations {
    guard let path = located else { return ConfigLocations() }
    do {
      let found = try PolicyWatchConfig.loadLocations(path: path)
      return ConfigLocations(file: path, declarations: found.declarations, store: found.store)
    } catch {
      for problem in error.errors { printError("policywatch: config: \(problem)") }
      throw ExitCode(64)
    }
  }
}

/// The paths a configuration file sets, and the file (nil: no configuration).
struct ConfigLocations {
  var file: String?
  var declarations: String?
  var store: String?

  init(file: String? = nil, declarations: String? = nil, store: String? = nil) {
    self.file = file
    self.declarations = declarations
    self.store = store
  }

  init(_ config: PolicyWatchConfig?) {
    self.init(file: config?.file, declarations: config?.declarations, store: config?.store)
  }
}

/// `--store DIR` (and `--config FILE`), shared by every command that reads or writes the store. The one rule: the
/// store is `--store` when given (whatever its value), else the configuration's `store`, else `./Snapshots`.
struct StoreOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The snapshot store, a directory (default: the configuration's \"store\", else ./Snapshots).",
      valueName: "dir"))
  var store: String?

  @OptionGroup var configFile: ConfigFileOption

  static let defaultStore = "Snapshots"

  /// The store's path, and where it came from (for messages).
  func resolve(_ locations: ConfigLocations) -> (path: String, origin: String) {
    if let store { return (store, "--store") }
    if let configured = locations.store, let file = locations.file { return (configured, "the configuration \(file)") }
    return (Self.defaultStore, "the default; give --store DIR or set \"store\" in the configuration")
  }

  /// Opens (creating it if needed) and locks the store for writing; exits with status 2 and a clear message when
  /// another process holds the lock or the store cannot be opened. Call it only once the run is known to be able
  /// to go ahead, so that a run refused for its arguments leaves no empty store or lock file behind.
  func openForWriting(_ locations: ConfigLocations, create: Bool = true) throws -> (SnapshotStore, StoreLock) {
    let (path, origin) = resolve(locations)
    do {
      let store = try SnapshotStore(path: path, create: create, warnings: printWarning)
      return (store, try StoreLock(store: path))
    } catch {
      printError("policywatch: \(error)" + (create ? "" : " (store from \(origin))"))
      throw ExitCode(2)
    }
  }

  /// Opens an existing store for reading (the configuration's paths only are read); exits with status 2 and a clear
  /// message when it is not a store.
  func openForReading() throws -> SnapshotStore {
    let (path, origin) = resolve(try configFile.locations())
    do {
      return try SnapshotStore(path: path, create: false, warnings: printWarning)
    } catch {
      printError("policywatch: \(error) (store from \(origin))")
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

  /// Why `filter` matched none of `names` (`Service/Document`), with the closest names and the whole list:
  /// `no document matches "Linkedin/Privacy Policy"; did you mean "LinkedIn/Privacy Policy"? (declared: …)`.
  static func noMatch(_ filter: String, names: [String], in place: String = "the declarations") -> String {
    let suggestions = Suggestions.closest(
      to: filter, among: names + Array(Set(names.map { String($0.prefix { $0 != "/" }) })))
    let hint =
      suggestions.isEmpty ? "" : "; did you mean " + suggestions.map { "\"\($0)\"" }.joined(separator: " or ") + "?"
    let list = names.isEmpty ? "\(place) have no documents" : "\(place) have: " + names.joined(separator: ", ")
    return "no document matches \"\(filter)\"\(hint) (\(list))"
  }

  /// The events of the documents `filter` names (all documents without one), in time order; exits with status 2,
  /// listing the store's documents, when the filter matches none.
  static func events(in store: SnapshotStore, matching filter: String?) throws -> [StoreEvent] {
    guard let filter else { return store.allEvents() }
    let documentFilter = DocumentFilter(filter)
    guard store.documents().contains(where: { documentFilter.matches(service: $0.service, document: $0.document) })
    else {
      printError("policywatch: \(filter): " + noMatch(filter, names: store.documents().map(\.name), in: "the store"))
      throw ExitCode(2)
    }
    return store.allEvents { documentFilter.matches(service: $0.service, document: $0.document) }
  }
}

/// A store reader's warning (a line it skipped…), on standard error.
@Sendable func printWarning(_ message: String) {
  printError("policywatch: warning: \(message)")
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

/// "Did you mean …?": the names closest to a mistyped one.
enum Suggestions {
  /// The candidates equal to `typed` but for case, else those it is the beginning of (up to three), else those
  /// within a small edit distance (a third of the length, at least 2), closest first; at most three.
  static func closest(to typed: String, among candidates: [String]) -> [String] {
    let unique = Array(Set(candidates)).sorted()
    let folded = unique.filter { $0.lowercased() == typed.lowercased() && $0 != typed }
    if !folded.isEmpty { return folded }
    // A name cut short (AI_TRAIN) is a prefix of the one meant.
    let extended = unique.filter { typed.count >= 3 && $0.lowercased().hasPrefix(typed.lowercased()) }
    if !extended.isEmpty, extended.count <= 3 { return extended }
    let limit = max(2, typed.count / 3)
    let scored = unique.compactMap { candidate -> (String, Int)? in
      let distance = EditDistance.between(typed.lowercased(), candidate.lowercased(), maxLength: 200)
      return distance <= limit && candidate != typed ? (candidate, distance) : nil
    }
    return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
  }
}
