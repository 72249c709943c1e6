import ArgumentParser
import PolicyWatch

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
      ClassifyCommand.self, DiffCommand.self, ShowCommand.self, FeedCommand.self, AlertCommand.self,
      ConfigCommand.self,
    ]
  )
}
