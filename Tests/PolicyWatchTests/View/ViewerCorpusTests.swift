import Foundation
import PolicyWatchTestSupport
import Testing

/// The viewer on real history: LinkedIn's Privacy Policy as recorded by Open Terms Archive (in ../shared/corpus,
/// not part of this repository; the test is reported as skipped when it is absent).
@Suite("Viewer on the LinkedIn corpus")
struct ViewerCorpusTests {
  @Test(.enabled(if: Prerequisites.corpus("linkedin-privacy"), "needs ../shared/corpus/linkedin-privacy"))
  func linkedInAITrainingLanguageIsShownAsNewDataUse() throws {
    let folder = TestPaths.corpus.appendingPathComponent("linkedin-privacy").path
    let store = TemporaryDirectory("viewer-linkedin")
    let replay = try CLI.run(["replay", folder, "--store", store.path])
    #expect(replay.status == 1, "\(replay.error)")
    let result = try CLI.run([
      "diff", "LinkedIn/Privacy Policy", "--store", store.path, "--to", "2024-09-19", "--color", "never",
    ])
    #expect(result.status == 1)
    let lines = result.output.components(separatedBy: "\n")
    // Both declared dates in the header.
    #expect(lines.contains { $0.hasPrefix("from ") && $0.contains("declared effective 2024-07-31") })
    #expect(
      lines.contains {
        $0.hasPrefix("to   ") && $0.contains("first seen 2024-09-19") && $0.contains("declared effective 2024-09-18")
      })
    // Listed as new data-use language, and marked where the words were inserted.
    #expect(lines.contains { $0.hasPrefix("  AI_TRAINING  ") && $0.contains("train artificial intelligence") })
    #expect(lines.contains { $0.hasPrefix("~ ") && $0.contains("train artificial intelligence+} ⟨AI_TRAINING⟩") })
  }
}
