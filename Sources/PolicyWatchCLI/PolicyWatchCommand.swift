import ArgumentParser
import Foundation
import PolicyWatchSupport

@main
struct PolicyWatchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policywatch",
    abstract: "Track changes to terms of service and privacy policies, and report new data-use language.",
    discussion: """
      PolicyWatch fetches the documents its declarations name, keeps every snapshot, extracts the clauses, \
      and tells you when the text really changed and what new data-use language (AI training, sharing, \
      sale, profiling, retention…) appeared, with dates.

      It does not run JavaScript: pages that build their text in the browser are recorded as inaccessible.
      """,
    version: PolicyWatchVersion.string,
    subcommands: [
      CheckCommand.self, ReplayCommand.self, LogCommand.self, FsckCommand.self, ExtractCommand.self, FetchCommand.self,
      ClassifyCommand.self, DiffCommand.self, ShowCommand.self, FeedCommand.self, SiteCommand.self, AlertCommand.self,
      ConfigCommand.self,
    ]
  )

  /// ArgumentParser's `main`, after a check it does not make: an unknown command name (`chek`, `help chek`,
  /// `alert lsit`) is a usage error (64) with the closest names, not "Unexpected argument" or the general help.
  static func main() async {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let message = UnknownCommand.message(arguments, root: PolicyWatchCommand.self) {
      printError(message)
      Foundation.exit(ExitCode.validationFailure.rawValue)
    }
    do {
      var command = try parseAsRoot(arguments)
      if var asynchronous = command as? AsyncParsableCommand {
        try await asynchronous.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withError: error)
    }
  }
}

/// Finds a command name that names no command, and says which ones come close.
enum UnknownCommand {
  /// The error for the first unknown command name in `arguments` (after `help`, or where a command with
  /// subcommands expects one), or nil when every name is known.
  static func message(_ arguments: [String], root: ParsableCommand.Type) -> String? {
    var words = arguments[...]
    var helpMode = false
    if words.first == "help" {
      helpMode = true
      words = words.dropFirst()
    }
    var command = root
    var path = [root.configuration.commandName ?? "policywatch"]
    while let word = words.first, !word.hasPrefix("-") {
      let subcommands = command.configuration.subcommands
      if subcommands.isEmpty { break }
      guard let next = subcommands.first(where: { name(of: $0) == word }) else {
        if !helpMode && word == "help" && path.count == 1 { return nil }
        let names = subcommands.map(name(of:))
        let close = Suggestions.closest(to: word, among: names)
        let hint = close.isEmpty ? "" : "; did you mean " + close.map { "\"\($0)\"" }.joined(separator: " or ") + "?"
        let place = path.joined(separator: " ")
        return "\(place): unknown command \"\(word)\"\(hint) (commands: "
          + names.joined(separator: ", ") + "; see `\(place) --help`)"
      }
      command = next
      path.append(word)
      words = words.dropFirst()
    }
    return nil
  }

  static func name(of command: ParsableCommand.Type) -> String {
    command.configuration.commandName ?? String(describing: command).lowercased()
  }
}
