import ArgumentParser
import Foundation
import PolicyWatchCheck
import PolicyWatchSupport

/// `policywatch fsck`: integrity check of the store.
struct FsckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fsck",
    abstract: "Check the store's integrity; --repair removes what an interrupted run left behind.",
    discussion: "Exit status: 0 clean (leftovers of an interrupted run are not damage), 1 damage found, 2 trouble."
  )

  @OptionGroup var storeOptions: StoreOptions

  @Flag(
    help: ArgumentHelp(
      "Remove unfinished writes and unreferenced snapshots, bring state.json up to date, mend lines with stray "
        + "bytes, rebuild damaged versions from their raw snapshots."))
  var repair = false

  @Option(
    help: ArgumentHelp(
      "With --repair: the declarations (a folder or file of <Service>.json) or replay folders (DIR/declaration.json) "
        + "to re-extract damaged versions with (repeatable; default: the configuration's, else ./declarations).",
      valueName: "path"))
  var declarations: [String] = []

  func run() throws {
    let store = try storeOptions.openForReading()
    let lock: StoreLock?
    do {
      lock = repair ? try StoreLock(store: store.path) : nil
    } catch {
      printError("policywatch: \(error)")
      throw ExitCode(2)
    }
    var rules = RuleBook()
    if repair {
      var paths = declarations
      if paths.isEmpty {
        let configured = try storeOptions.configFile.locations().declarations
        paths = [configured ?? "declarations"].filter { FileManager.default.fileExists(atPath: $0) }
      }
      let (book, problems) = RuleBook.load(paths)
      for problem in problems { printError("policywatch: warning: \(problem)") }
      rules = book
    }
    let report = Fsck.check(store, repair: repair, rules: rules)
    withExtendedLifetime(lock) {}
    print(
      "\(report.documents) documents, \(report.timelineEntries) fetch attempts, \(report.versions) versions, \(report.objects) raw snapshots"
    )
    for leftover in report.leftovers { print("leftover: \(leftover)") }
    for repaired in report.repaired { print("repaired: \(repaired)") }
    for damage in report.damage {
      print("PROBLEM: \(damage.description)")
      print("  to recover: \(damage.recovery)")
    }
    print(report.isClean ? "store is consistent" : "store has \(report.damage.count) problem(s)")
    if !report.isClean { throw ExitCode(1) }
  }
}
