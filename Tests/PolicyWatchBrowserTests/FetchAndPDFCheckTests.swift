import Foundation
import PolicyWatchTestSupport
import Testing

/// `policywatch fetch` with the browser, and `policywatch check` of PDF documents, on 127.0.0.1.
@Suite(.serialized)
struct FetchAndPDFCheckTests {
  @Test(.enabled(if: chromiumInstalled, "needs chromium (apt-get install chromium)"))
  func fetchRendersAPageThatBlocksPlainClientsAndSaysWhy() throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let run = try runPolicyWatch(["fetch", server.url("/wall")])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("How we use it"))
    #expect(run.stderr.contains("in Chrome/"))
    #expect(run.stderr.contains("(the plain fetch looks blocked: HTTP 403 Forbidden): HTTP 200"), "\(run.stderr)")
  }

  @Test func fetchWithoutTheBrowserShowsTheBlock() throws {
    let server = try TestServer.pages()
    defer { server.stop() }
    let run = try runPolicyWatch(["fetch", server.url("/wall"), "--browser", "never"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("failed \(server.url("/wall")): HTTP 403 Forbidden"), "\(run.stderr)")
    #expect(!run.stderr.contains("rendered"))
  }

  @Test func checkReadsAPDFAndCallsAPDFOfImagesInaccessible() throws {
    let folder = try TemporaryFolder()
    let files = folder.url.appendingPathComponent("files")
    try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
    try Data(TestPDF.policy()).write(to: files.appendingPathComponent("privacy.pdf"))
    try Data(TestPDF.make([.image])).write(to: files.appendingPathComponent("scanned.pdf"))
    let server = try TestServer.pages(root: files)
    defer { server.stop() }
    let declarations = folder.url.appendingPathComponent("declarations")
    try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
    let service = """
      {"name": "Example Notes", "terms": {
        "Privacy Policy": {"fetch": "\(server.url("/files/privacy.pdf"))"},
        "Terms of Service": {"fetch": "\(server.url("/files/scanned.pdf"))"}
      }}
      """
    try Data(service.utf8).write(to: declarations.appendingPathComponent("Example Notes.json"))
    let store = folder.url.appendingPathComponent("store")
    let run = try runPolicyWatch([
      "check", "--declarations", declarations.path, "--store", store.path, "--format", "json", "--browser", "never",
    ])
    var events: [String: [String: Any]] = [:]
    for line in run.stdout.split(separator: "\n") {
      if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let document = object["document"] as? String
      {
        events[document] = object
      }
    }
    #expect(events["Privacy Policy"]?["kind"] as? String == "first", "\(run.stdout)\(run.stderr)")
    #expect(events["Privacy Policy"]?["declaredDate"] as? String == "2025-03-03")
    #expect(events["Terms of Service"]?["kind"] as? String == "inaccessible")
    #expect((events["Terms of Service"]?["reason"] as? String)?.contains("this PDF has no text") == true)
    let show = try runPolicyWatch(["show", "Example Notes/Privacy Policy", "--store", store.path])
    #expect(show.stdout.contains("## 2. How we use it") || show.stdout.contains("2. How we use it"), "\(show.stdout)")
    #expect(show.stdout.contains("We use your notes to provide the service and never to train models."))
    #expect(!show.stdout.contains("Page 1 of 2"))
  }
}
