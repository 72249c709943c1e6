import Foundation
import PolicyWatch
import PolicyWatchTestSupport
import Testing

/// `log --kind` and `log --category` keep the events a person asks for.
@Suite("log filters")
final class LogFilterTests {
  let store: TemporaryDirectory

  init() throws {
    store = try ViewFixtures.store()
  }

  func kinds(_ arguments: [String]) throws -> [String] {
    let result = try CLI.run(["log", "--store", store.path, "--format", "json"] + arguments)
    #expect(result.status == 0, "\(result.error)")
    return result.output.split(separator: "\n").compactMap {
      (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["kind"] as? String
    }
  }

  @Test func byKind() throws {
    #expect(try kinds([]) == ["first", "change"])
    #expect(try kinds(["--kind", "first"]) == ["first"])
    #expect(try kinds(["--kind", "change,first"]) == ["first", "change"])
    #expect(try kinds(["--kind", "flap", "--kind", "change"]) == ["change"])
    #expect(try kinds(["--kind", "inaccessible"]).isEmpty)
    let wrong = try CLI.run(["log", "--store", store.path, "--kind", "chnge"])
    #expect(wrong.status == 64)
    #expect(wrong.error.contains("did you mean change?"), "\(wrong.error)")
  }

  @Test func byCategory() throws {
    #expect(try kinds(["--category", "AI_TRAINING"]) == ["change"])
    #expect(try kinds(["--category", "ai_training"]) == ["change"])
    // A removed protection carries its label too.
    #expect(try kinds(["--category", "NOT_SALE_OF_DATA"]) == ["change"])
    #expect(try kinds(["--category", "SALE_OF_DATA"]).isEmpty)
    #expect(try kinds(["--category", "AI_TRAINING", "--kind", "first"]).isEmpty)
    let text = try CLI.run(["log", "--store", store.path, "--category", "AI_TRAINING"])
    #expect(text.output.split(separator: "\n").count == 1)
    let wrong = try CLI.run(["log", "--store", store.path, "--category", "AI_TRAIN"])
    #expect(wrong.status == 64)
    #expect(wrong.error.contains("did you mean AI_TRAINING?"), "\(wrong.error)")
  }
}
