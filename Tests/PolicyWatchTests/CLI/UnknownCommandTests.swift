import Foundation
import PolicyWatchTestSupport
import Testing

/// A mistyped command name is a usage error that names the closest commands.
@Suite("Unknown commands")
struct UnknownCommandTests {
  @Test("chek: exit 64 and did you mean check")
  func mistypedCommand() throws {
    let result = try CLI.run(["chek", "--store", "/nonexistent"])
    #expect(result.status == 64)
    #expect(result.error.contains("unknown command \"chek\"; did you mean \"check\"?"), "\(result.error)")
    #expect(!result.error.contains("Unexpected argument"))
  }

  @Test("help chek is an error, help check still helps")
  func helpOfAnUnknownCommand() throws {
    let unknown = try CLI.run(["help", "chek"])
    #expect(unknown.status == 64)
    #expect(unknown.error.contains("did you mean \"check\"?"))
    #expect(!unknown.output.contains("SUBCOMMANDS"), "the general help is not printed")
    let known = try CLI.run(["help", "check"])
    #expect(known.status == 0)
    #expect(known.output.contains("--declarations"))
  }

  @Test("a mistyped subcommand of alert names alert's commands")
  func mistypedSubcommand() throws {
    let result = try CLI.run(["alert", "lsit"])
    #expect(result.status == 64)
    #expect(result.error.contains("policywatch alert: unknown command \"lsit\"; did you mean \"list\"?"))
    #expect(result.error.contains("commands: test, list, retry"))
    // Options and positional arguments of a leaf command are left to the parser.
    let leaf = try CLI.run(["classify", "--print-rules"])
    #expect(leaf.status == 0)
  }
}
