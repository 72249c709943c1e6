import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchCheck
@testable import PolicyWatchDeclarations
@testable import PolicyWatchFetch
@testable import PolicyWatchStore
@testable import PolicyWatchText

/// 500 documents against the local test server: changed, unchanged, flapping, erroring and bot-walled pages,
/// checked three times. Every document gets its own result; none disturbs another.
@Suite("Check of 500 documents")
final class BigCheckTests {
  let pages = TemporaryDirectory("pages500")
  let declarations = TemporaryDirectory("declarations500")
  let store = TemporaryDirectory("store500")
  let server: TestServer

  init() throws {
    server = try TestServer(script: "http_server.py", arguments: ["--root", pages.path])
  }

  deinit { server.stop() }

  enum Kind: CaseIterable { case changed, unchanged, flapping, erroring, walled }

  static func kind(_ index: Int) -> Kind {
    switch index % 10 {
    case 0, 1: .changed
    case 2, 3, 4, 5: .unchanged
    case 6, 7: .flapping
    case 8: .erroring
    default: .walled
    }
  }

  func writePage(_ index: Int, round: Int) throws {
    var clauses = baseClauses
    clauses[0] = "Document \(index) keeps account data while the account is open."
    let html: String
    switch Self.kind(index) {
    case .changed:
      if round >= 2 { clauses.append("From round 2 on we may share usage data with partners.") }
      html = HistoryBuilder.page(clauses, nonce: round)
    case .unchanged:
      html = HistoryBuilder.page(clauses, nonce: round)
    case .flapping:
      if round % 2 == 1 { clauses[2] = "Clause 3 in the B variant of the page." }
      html = HistoryBuilder.page(clauses, nonce: round)
    case .erroring:
      try? FileManager.default.removeItem(atPath: "\(pages.path)/\(index).html")
      return
    case .walled:
      html =
        round == 0
        ? HistoryBuilder.page(clauses)
        : "<html><head><title>Attention Required!</title></head><body><p>Please complete the CAPTCHA.</p></body></html>"
    }
    try html.write(toFile: "\(pages.path)/\(index).html", atomically: true, encoding: .utf8)
  }

  @Test func fiveHundredDocuments() async throws {
    for index in 0..<500 {
      try writePage(index, round: 0)
      try
        "{\"name\": \"Service \(index)\", \"terms\": {\"Privacy Policy\": {\"fetch\": \"\(server.url("/dir/\(index).html"))\", \"select\": \"main\"}}}"
        .write(toFile: "\(declarations.path)/Service \(index).json", atomically: true, encoding: .utf8)
    }
    let loaded = DeclarationLoader.loadDirectory(declarations.path)
    #expect(loaded.services.count == 500 && loaded.errors.isEmpty)
    var configuration = FetcherTests.quick
    configuration.maxAttempts = 1
    configuration.maxPerHost = 8
    let checker = Checker(
      recorder: Recorder(store: try SnapshotStore(path: store.path, create: true)),
      fetcher: Fetcher(configuration: configuration))
    let documents = loaded.services.flatMap(\.documents)
    func index(_ result: Checker.DocumentResult) -> Int { Int(result.service.dropFirst("Service ".count)) ?? -1 }

    let first = await checker.check(documents)
    #expect(first.count == 500)
    for result in first {
      switch Self.kind(index(result)) {
      case .erroring: #expect(result.outcome == .failed && result.events.map(\.kind) == [.inaccessible])
      default: #expect(result.events.map(\.kind) == [.first], "\(result.service)")
      }
    }
    for round in 1...3 {
      for index in 0..<500 { try writePage(index, round: round) }
      let results = await checker.check(documents)
      #expect(results.count == 500)
      for result in results {
        let kinds = result.events.map(\.kind)
        switch Self.kind(index(result)) {
        case .changed: #expect(kinds == (round == 2 ? [.change] : []), "\(result.service) round \(round)")
        case .unchanged: #expect(result.outcome == .unchanged && kinds.isEmpty)
        case .flapping: #expect(kinds == (round == 1 ? [.change] : [.flap]), "\(result.service) round \(round)")
        case .erroring: #expect(result.outcome == .failed && kinds.isEmpty)
        case .walled:
          #expect(result.outcome == .inaccessible)
          #expect(kinds == (round == 1 ? [.inaccessible] : []))
        }
      }
    }
    #expect(Fsck.check(checker.recorder.store, repair: false).isClean)
  }
}
