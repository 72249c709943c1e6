import Foundation
import PolicyWatchTestSupport

/// The invented history the viewer tests replay: "Example Co/Privacy Policy", three snapshots. The second only
/// changes noise (nonce, link target, date format); the third rewrites a clause, adds AI-training language, drops
/// the "we do not sell" protection and moves the contact clause to another section.
enum ViewFixtures {
  static let v1: [(String, [String])] = [
    (
      "1. Data we collect",
      [
        "We collect your name and email address when you sign up.",
        "We collect the pages you view to keep the service secure.",
      ]
    ),
    (
      "2. How we use data",
      [
        "We use your data to provide the service.", "We do not sell your personal data.",
        "Contact us at <a href=\"mailto:privacy@example.com?t=NONCE\">privacy@example.com</a> with questions & requests.",
      ]
    ),
    ("3. Your rights", ["You can delete your account at any time.", "You can ask for a copy of your data."]),
  ]

  static let v2: [(String, [String])] = [
    v1[0],
    (
      "2. How we use data",
      [
        "We use your data to provide and improve the service.",
        "We may use your messages to train our artificial intelligence models.",
      ]
    ),
    (
      "3. Your rights",
      [
        "You can delete your account at any time.", "You can ask for a copy of your data.",
        "Contact us at <a href=\"mailto:privacy@example.com?t=NONCE\">privacy@example.com</a> with questions & requests.",
      ]
    ),
  ]

  static func page(nonce: Int, date: String, _ sections: [(String, [String])]) -> String {
    var body = ""
    for (heading, paragraphs) in sections {
      body += "<h2>\(heading)</h2>\n"
      for paragraph in paragraphs {
        body += "<p>\(paragraph.replacingOccurrences(of: "NONCE", with: "\(nonce)"))</p>\n"
      }
    }
    // "&" in the text is written as the entity, as a page would.
    body = body.replacingOccurrences(of: " & ", with: " &amp; ")
    return """
      <html lang="en"><head><title>Example Co Privacy</title><script>var nonce = \(nonce);</script></head>
      <body><nav>Home</nav><main>
      <h1>Privacy Policy</h1>
      <p>Last updated: \(date)</p>
      \(body)</main><footer>Example Co</footer></body></html>

      """
  }

  /// Writes the replay folder and replays it into a new store with the built CLI; returns the store.
  static func store() throws -> TemporaryDirectory {
    let folder = TemporaryDirectory("view-history")
    var builder = HistoryBuilder(folder.path)
    builder.service = "Example Co"
    try builder.write([
      ("2024-01-10T09-00-00Z", page(nonce: 1, date: "January 5, 2024", v1)),
      ("2024-02-01T09-00-00Z", page(nonce: 2, date: "5 January 2024", v1)),
      ("2024-03-02T09-00-00Z", page(nonce: 3, date: "March 1, 2024", v2)),
    ])
    let store = TemporaryDirectory("view-store")
    let replay = try CLI.run(["replay", folder.path, "--store", store.path])
    guard replay.status == 0 || replay.status == 1 else { throw FixtureError.replayFailed(replay.error) }
    return store
  }

  enum FixtureError: Error { case replayFailed(String) }
}
