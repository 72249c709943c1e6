import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchStore

/// Reasons say in words which page failed (for a document of several pages) and give one cause.
@Suite("Attempt reasons")
final class AttemptReasonTests {
  let pages = TemporaryDirectory("reason-pages")
  let declarations = TemporaryDirectory("reason-declarations")
  let store = TemporaryDirectory("reason-store")
  let server: TestServer

  init() throws {
    server = try TestServer(script: "http_server.py", arguments: ["--root", pages.path])
  }

  deinit { server.stop() }

  func declare(_ service: String, _ terms: String) throws {
    try "{\"name\": \"\(service)\", \"terms\": {\"Privacy Policy\": \(terms)}}".write(
      toFile: "\(declarations.path)/\(service).json", atomically: true, encoding: .utf8)
  }

  func page(_ name: String, _ html: String) throws {
    try html.write(toFile: "\(pages.path)/\(name)", atomically: true, encoding: .utf8)
  }

  /// The reason of each document's inaccessible event, by service.
  func reasons() throws -> [String: String] {
    let result = try CLI.run(
      ["check", "--declarations", declarations.path, "--store", store.path, "--attempts", "1", "--format", "json"],
      environment: ["POLICYWATCH_CONFIG": ""])
    var reasons: [String: String] = [:]
    for line in result.output.split(separator: "\n") {
      let event = try StoreJSON.decoder.decode(StoreEvent.self, from: Data(line.utf8))
      if event.kind == .inaccessible { reasons[event.service] = event.reason }
    }
    return reasons
  }

  @Test func oneCauseAndThePageInWords() throws {
    try page("empty.html", "")
    try page("script.html", "<html><body><div id=app></div><script>render()</script></body></html>")
    try page("terms.html", HistoryBuilder.page(baseClauses))
    try declare("Broken", "{\"fetch\": \"\(server.url("/status/500"))\", \"select\": \"main\"}")
    try declare("Refused", "{\"fetch\": \"http://127.0.0.1:1/x\", \"select\": \"main\"}")
    try declare("Empty", "{\"fetch\": \"\(server.url("/dir/empty.html"))\", \"select\": \"main\"}")
    try declare("Scripted", "{\"fetch\": \"\(server.url("/dir/script.html"))\", \"select\": \"main\"}")
    let annex = server.url("/status/404")
    try declare(
      "Combined",
      "{\"combine\": [{\"fetch\": \"\(server.url("/dir/terms.html"))\", \"select\": \"main\"}, "
        + "{\"fetch\": \"\(annex)\", \"select\": \"main\"}]}")
    let reasons = try reasons()
    // A single page is the document: no page id (the last URL segment) before the cause.
    #expect(reasons["Broken"] == "HTTP 500 Internal Server Error", "\(reasons)")
    #expect(reasons["Refused"]?.hasPrefix("transfer failed") == true, "\(reasons)")
    // One cause: an empty body is not a JavaScript page, and its selector missing follows from it.
    #expect(reasons["Empty"] == "the server sent an empty page (no content at all)")
    #expect(reasons["Scripted"] == "the page has no text (it may need JavaScript, which PolicyWatch does not run)")
    // A page of a combine document is named in words, with its address.
    #expect(reasons["Combined"] == "page \"status-404\" (\(annex)): HTTP 404 Not Found", "\(reasons)")
  }

  @Test("extract names the file, not 'page page'")
  func extractReason() throws {
    let file = pages.path + "/no-main.html"
    try page("no-main.html", "<html><body><div>We keep logs.</div></body></html>")
    let result = try CLI.run(["extract", file, "--select", "main"])
    #expect(result.status == 1)
    #expect(result.error == "policywatch: \(file): the selector main matched nothing on the page\n", "\(result.error)")
  }
}
