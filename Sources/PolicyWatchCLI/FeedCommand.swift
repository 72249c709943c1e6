import ArgumentParser
import Foundation
import PolicyWatchView

/// `policywatch feed`: an Atom feed of recent changes.
struct FeedCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "feed",
    abstract: "Write an Atom feed (RFC 4287) of recent changes, with their HTML diffs.",
    discussion: "One entry per change (newest first) with a stable id, the dates, the data-use language found."
  )

  @Argument(help: "SERVICE or SERVICE/DOCUMENT (default: every document).")
  var filter: String?

  @OptionGroup var storeOptions: StoreOptions

  @Option(name: .shortAndLong, help: "Write the feed to this file (default: standard output).")
  var output: String?

  @Option(help: "The feed's title.")
  var title: String?

  @Option(help: "The URL the feed is published at (its id and self link).")
  var baseURL: String?

  @Option(help: "At most this many entries (the newest).")
  var limit = 50

  func run() throws {
    let store = try storeOptions.openForReading()
    let events = try DocumentFilter.events(in: store, matching: filter)
    // The diffs in the entries find data-use language as the configuration says (as check and replay did).
    var atom = AtomFeed(title: title, baseURL: baseURL, limit: limit)
    atom.classifier = try storeOptions.configFile.dataUse().classifier
    let feed = atom.render(store: store, events: events)
    if let output {
      do {
        try Data(feed.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
      } catch {
        printError("policywatch: cannot write \(output): \(error.localizedDescription)")
        throw ExitCode(2)
      }
    } else {
      FileHandle.standardOutput.write(Data(feed.utf8))
    }
  }
}
