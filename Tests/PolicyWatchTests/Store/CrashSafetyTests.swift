import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchText

/// Kills `policywatch replay` with SIGKILL at pseudo-random instants, many times, then checks that `fsck` accepts
/// the store and that finishing the work gives exactly the events of an uninterrupted run: nothing lost, nothing
/// doubled.
@Suite("Crash safety")
struct CrashSafetyTests {
  @Test func killedReplaysLoseAndDoubleNothing() throws {
    let history = TemporaryDirectory("history")
    var pages: [(String, String)] = []
    var clauses = baseClauses
    for day in 1...40 {
      if day % 7 == 0 { clauses.append("Clause added on day \(day): we may share usage data with partners.") }
      if day % 11 == 0 { clauses[1] = "Clause 2 as rewritten on day \(day)." }
      let stamp = String(format: "2024-02-%02dT00-00-00Z", (day - 1) % 28 + 1).replacingOccurrences(
        of: "2024-02", with: day > 28 ? "2024-03" : "2024-02")
      pages.append((stamp, HistoryBuilder.page(clauses, date: "February 1, 2024", nonce: day)))
    }
    try HistoryBuilder(history.path).write(pages)

    let reference = TemporaryDirectory("reference")
    let clean = try CLI.run(["replay", history.path, "--store", reference.path, "--format", "json"])
    #expect(clean.status == 1, "\(clean.error)")
    let expected = try CLI.run(["log", "--store", reference.path, "--format", "json"]).output

    let crashed = TemporaryDirectory("crashed")
    var generator = SplitMix64(seed: 20_241_129)
    for _ in 0..<12 {
      let process = Process()
      process.executableURL = TestPaths.executable
      process.arguments = ["replay", history.path, "--store", crashed.path]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(UInt32(10_000 + generator.next() % 250_000))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      // Killed before the store existed: nothing to check yet.
      guard FileManager.default.fileExists(atPath: crashed.path + "/STORE.json") else { continue }
      let fsck = try CLI.run(["fsck", "--store", crashed.path, "--repair"])
      #expect(fsck.status == 0, "fsck after a kill: \(fsck.output)")
    }
    let finish = try CLI.run(["replay", history.path, "--store", crashed.path])
    #expect(finish.status == 0 || finish.status == 1, "\(finish.error)")
    let recovered = try CLI.run(["log", "--store", crashed.path, "--format", "json"]).output
    #expect(recovered == expected)
    let final = try CLI.run(["fsck", "--store", crashed.path])
    #expect(final.output.contains("store is consistent"))
  }
}
