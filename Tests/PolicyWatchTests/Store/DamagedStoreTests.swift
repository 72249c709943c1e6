import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchStore
@testable import PolicyWatchSupport

/// A damaged store says so: readers name the file and line they skip, `fsck` says how to recover, and
/// `fsck --repair` heals what it can.
@Suite("Damaged store")
final class DamagedStoreTests {
  let store: TemporaryDirectory
  let timeline: String

  init() throws {
    store = try ViewFixtures.store()
    timeline = store.path + "/documents/Example Co/Privacy Policy/timeline.jsonl"
  }

  /// The 1-based number of the timeline line holding the `change` event.
  func changeLine() throws -> Int {
    let lines = try String(contentsOfFile: timeline, encoding: .utf8).split(separator: "\n")
    return try #require(lines.firstIndex { $0.contains("\"kind\":\"change\"") }) + 1
  }

  /// Puts three NUL bytes into line `number`: inserted (the line is whole around them) or written over three of
  /// its bytes (some of the line is lost).
  func damage(line number: Int, overwrite: Bool) throws {
    var lines = try #require(FileIO.read(timeline)).split(separator: 10, omittingEmptySubsequences: false).map {
      Array($0)
    }
    let at = lines[number - 1].count / 2
    if overwrite {
      lines[number - 1].replaceSubrange(at..<at + 3, with: [0, 0, 0])
    } else {
      lines[number - 1].insert(contentsOf: [0, 0, 0], at: at)
    }
    try FileIO.writeAtomically(Array(lines.joined(separator: [10])), to: timeline)
  }

  @Test("log, feed and diff warn on standard error naming the file and line they skip")
  func readersWarn() throws {
    let number = try changeLine()
    try damage(line: number, overwrite: false)
    let expected = "timeline.jsonl:\(number): not a valid timeline entry (3 NUL bytes at columns"
    let log = try CLI.run(["log", "--store", store.path])
    #expect(!log.output.contains("  change  "))
    #expect(log.error.contains(expected), "\(log.error)")
    #expect(log.error.contains("policywatch fsck"))
    // Said once per run, although the timeline is read more than once.
    #expect(log.error.components(separatedBy: expected).count == 2)
    let feed = try CLI.run(["feed", "--store", store.path])
    #expect(feed.error.contains(expected))
    let diff = try CLI.run(["diff", "Example Co/Privacy Policy", "--store", store.path, "--to", "2024-03-02"])
    #expect(diff.error.contains(expected))
    // Library readers without a handler stay silent but skip the same line.
    let quiet = try SnapshotStore(path: store.path, create: false)
    #expect(!quiet.allEvents().contains { $0.kind == .change })
  }

  @Test("fsck says how to recover; --repair removes inserted NUL bytes and the event is back")
  func fsckRepairsInsertedBytes() throws {
    let number = try changeLine()
    try damage(line: number, overwrite: false)
    let fsck = try CLI.run(["fsck", "--store", store.path])
    #expect(fsck.status == 1)
    #expect(fsck.output.contains("timeline line \(number) is not a valid entry (3 NUL bytes"), "\(fsck.output)")
    #expect(fsck.output.contains("to recover: `policywatch fsck --repair` removes the stray bytes"))
    let repair = try CLI.run(["fsck", "--store", store.path, "--repair"])
    #expect(repair.status == 0, "\(repair.output)")
    #expect(repair.output.contains("repaired: removed the stray control bytes of timeline line \(number)"))
    let log = try CLI.run(["log", "--store", store.path])
    #expect(log.output.contains("  change  "))
    #expect(log.error.isEmpty, "\(log.error)")
  }

  @Test("bytes written over part of a line: fsck explains what is lost and how to recover by hand")
  func fsckExplainsOverwrittenBytes() throws {
    let number = try changeLine()
    try damage(line: number, overwrite: true)
    let fsck = try CLI.run(["fsck", "--store", store.path, "--repair"])
    #expect(fsck.status == 1)
    #expect(fsck.output.contains("PROBLEM: Example Co/Privacy Policy: timeline line \(number) is not a valid entry"))
    #expect(fsck.output.contains("to recover: every reader skips this line"), "\(fsck.output)")
    #expect(fsck.output.contains("restore \(timeline) from a backup"))
  }

  @Test("a damaged line of the delivery log is named by alert list and by fsck")
  func damagedDeliveryLog() throws {
    let outbox = store.path + "/outbox"
    try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
    let good =
      #"{"attempts":1,"channel":"mail","delivered":"2024-03-02T09:00:00Z","detail":"250 OK","eventID":"a/change/1","events":["a/change/1"]}"#
    try (good + "\n" + "{\"attempts\":\u{0}\n").write(
      toFile: outbox + "/delivered.jsonl", atomically: true, encoding: .utf8)
    let list = try CLI.run(["alert", "list", "--delivered", "--store", store.path])
    #expect(list.output.contains("a/change/1"))
    #expect(list.error.contains("delivered.jsonl:2: not a valid delivery record"), "\(list.error)")
    let fsck = try CLI.run(["fsck", "--store", store.path])
    #expect(fsck.status == 1)
    #expect(fsck.output.contains("delivered.jsonl line 2 is not a valid delivery record"), "\(fsck.output)")
  }
}
