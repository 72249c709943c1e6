import ArgumentParser
import PolicyWatch

/// `policywatch fsck`: integrity check of the store.
struct FsckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fsck",
    abstract: "Check the store's integrity; --repair removes what an interrupted run left behind.",
    discussion: "Exit status: 0 clean (leftovers of an interrupted run are not damage), 1 damage found, 2 trouble."
  )

  @OptionGroup var storeOptions: StoreOptions

  @Flag(help: "Remove unfinished writes and unreferenced snapshots; bring state.json up to date.")
  var repair = false

  func run() throws {
    let store = try storeOptions.openForReading()
    let lock: StoreLock?
    do {
      lock = repair ? try StoreLock(store: store.path) : nil
    } catch {
      printError("policywatch: \(error)")
      throw ExitCode(2)
    }
    let report = Fsck.check(store, repair: repair)
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
