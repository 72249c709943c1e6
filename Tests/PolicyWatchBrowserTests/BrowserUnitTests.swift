import Foundation
import Testing

@testable import PolicyWatchBrowser
@testable import PolicyWatchCheck
@testable import PolicyWatchConfig
@testable import PolicyWatchDeclarations
@testable import PolicyWatchFetch

/// The browser driver's parts that need no browser: the pipe framing, how the browser is launched, when a page
/// goes to the browser, and the filters' calling convention.
struct CDPFramingTests {
  @Test func messagesSplitAtNULBytesWhateverTheReadsCutThem() throws {
    var framing = CDPFraming()
    let wire =
      Array(#"{"id":1,"result":{"product":"Chrome/1"}}"#.utf8) + [0]
      + Array(#"{"method":"Page.loadEventFired","params":{"timestamp":1.5},"sessionId":"S"}"#.utf8) + [0]
    var messages: [CDPIncoming?] = []
    // Fed three bytes at a time: messages come out whole, in order, once.
    for start in stride(from: 0, to: wire.count, by: 3) {
      messages += try framing.append(wire[start..<min(start + 3, wire.count)])
    }
    #expect(
      messages == [
        .response(id: 1, result: ["product": "Chrome/1"], error: nil),
        .event(method: "Page.loadEventFired", params: ["timestamp": .number(1.5)], sessionID: "S"),
      ])
  }

  @Test func anErrorAnswerCarriesTheBrowsersMessage() throws {
    var framing = CDPFraming()
    let messages = try framing.append(
      Array(#"{"id":7,"error":{"code":-32000,"message":"Cannot navigate","data":"invalid URL"}}"#.utf8) + [0])
    #expect(messages == [.response(id: 7, result: nil, error: "Cannot navigate (invalid URL)")])
  }

  @Test func somethingThatIsNotTheProtocolIsNotTakenForAMessage() throws {
    var framing = CDPFraming()
    #expect(try framing.append(Array("not json".utf8) + [0] + Array("[1,2]".utf8) + [0]) == [nil, nil])
  }

  @Test func aMessageThatNeverEndsIsAProtocolFailureNotUnboundedMemory() {
    var framing = CDPFraming(maxMessageBytes: 1000)
    #expect(throws: BrowserError.self) { _ = try framing.append([UInt8](repeating: 0x20, count: 2000)) }
  }

  @Test func commandsAreOneJSONObjectEndedByNUL() throws {
    let bytes = CDPFraming.encode(
      id: 3, method: "Runtime.evaluate", params: ["expression": "\"quoted\"\n\u{2028}"], sessionID: "S1")
    #expect(bytes.last == 0)
    #expect(!bytes.dropLast().contains(0))
    let decoded = CDPValue.parse(bytes.dropLast())
    #expect(decoded?["id"]?.int == 3)
    #expect(decoded?["sessionId"]?.string == "S1")
    #expect(decoded?["params"]?["expression"]?.string == "\"quoted\"\n\u{2028}")
  }

  @Test func booleansAreNotNumbers() {
    #expect(CDPValue.parse(Array("[true, 1, 1.5, null]".utf8)) == [true, 1, .number(1.5), .null])
  }
}

struct BrowserLaunchTests {
  @Test func asRootTheBrowserRunsAsAnUnprivilegedUserWithItsSandbox() throws {
    let plan = try ChromiumProcess.plan(isRoot: true, sandbox: true, user: "nobody", setpriv: "/usr/bin/setpriv")
    #expect(plan.noSandbox == false)
    #expect(plan.prefix.first == "/usr/bin/setpriv")
    #expect(plan.prefix.contains("--clear-groups"))
    #expect(plan.owner != nil && plan.owner?.uid != 0)
  }

  @Test func asRootWithoutSetprivTheBrowserIsRefusedWithWhatToDo() {
    #expect {
      try ChromiumProcess.plan(isRoot: true, sandbox: true, user: "nobody", setpriv: nil)
    } throws: { error in
      "\(error)".contains("browserSandbox") && "\(error)".contains("setpriv")
    }
  }

  @Test func onlyTheConfigurationTurnsTheSandboxOff() throws {
    #expect(try ChromiumProcess.plan(isRoot: true, sandbox: false, user: "nobody", setpriv: nil).noSandbox)
    #expect(try ChromiumProcess.plan(isRoot: false, sandbox: true, user: "nobody", setpriv: nil).noSandbox == false)
    #expect(!ChromiumProcess.arguments(noSandbox: false, profile: "/tmp/p").contains("--no-sandbox"))
    #expect(ChromiumProcess.arguments(noSandbox: false, profile: "/tmp/p").contains("--remote-debugging-pipe"))
  }

  @Test func anUnknownBrowserUserIsRefused() {
    #expect(throws: BrowserError.self) {
      try ChromiumProcess.plan(isRoot: true, sandbox: true, user: "no-such-user-pw", setpriv: "/usr/bin/setpriv")
    }
  }

  @Test func onlyHTTPAndHTTPSMayBeTheMainFrame() {
    #expect(NavigationPolicy.allows("https://example.com/", mainFrame: true))
    #expect(!NavigationPolicy.allows("file:///etc/passwd", mainFrame: true))
    #expect(!NavigationPolicy.allows("chrome://settings", mainFrame: true))
    #expect(!NavigationPolicy.allows("data:text/html,x", mainFrame: true))
    #expect(NavigationPolicy.allows("data:image/png;base64,AA", mainFrame: false))
    #expect(!NavigationPolicy.allows("file:///etc/passwd", mainFrame: false))
  }

  @Test func withoutChromiumRenderingSaysWhatToInstall() {
    #expect(ChromiumProcess.locate(environment: ["POLICYWATCH_CHROMIUM": "/nonexistent/chromium"]) == nil)
    #expect(BrowserError.notInstalled.description == "needs a browser: install chromium")
  }
}

/// When a page goes to the browser (`fetch.browser` auto), on fetch results made by hand.
struct BrowserDecisionTests {
  func result(_ outcome: FetchOutcome) -> FetchResult {
    FetchResult(request: FetchRequest(url: "https://example.com/p"), outcome: outcome, attempts: 1)
  }

  func response(_ body: String, status: Int = 200, type: String = "text/html") -> FetchResponse {
    FetchResponse(
      requestedURL: "https://example.com/p", finalURL: "https://example.com/p", status: status,
      headers: [HTTPHeader(name: "Content-Type", value: type)], body: Array(body.utf8), redirects: [],
      timings: FetchTimings(), attempts: 1, curlVersion: "", fetchedAt: Date())
  }

  let page = PageDeclaration(fetch: "https://example.com/p", select: [.css("main")])
  let policy =
    "<html><body><main><h1>Privacy</h1>" + String(repeating: "<p>We collect what you give us.</p>", count: 20)
    + "</main></body></html>"

  @Test func blockedStatusesGoToTheBrowserOthersDoNot() {
    for status in [403, 406, 429, 502] {
      let decision = BrowserDecision.decide(
        page: page, result: result(.failed(.httpStatus(status), response: nil)), mode: .auto)
      #expect(decision == .blocked(FetchError.httpStatus(status).description))
    }
    for status in [404, 500, 503] {
      #expect(
        BrowserDecision.decide(page: page, result: result(.failed(.httpStatus(status), response: nil)), mode: .auto)
          == nil)
    }
    #expect(
      BrowserDecision.decide(
        page: page, result: result(.failed(.transport(code: 56, message: "Connection reset by peer"), response: nil)),
        mode: .auto) == .blocked("the connection was reset"))
  }

  @Test func aBotWallOrAScriptShellGoesToTheBrowserAPolicyDoesNot() {
    let wall = "<html><head><title>Just a moment...</title></head><body><p>Checking your browser</p></body></html>"
    #expect(
      BrowserDecision.decide(page: page, result: result(.fetched(response(wall))), mode: .auto)
        == .blocked("looks like an error or bot page (\"just a moment\")"))
    let shell = "<html><body><div id=\"root\"></div><script src=\"/app.js\"></script></body></html>"
    #expect(BrowserDecision.decide(page: page, result: result(.fetched(response(shell))), mode: .auto) != nil)
    #expect(BrowserDecision.decide(page: page, result: result(.fetched(response(policy))), mode: .auto) == nil)
  }

  @Test func theDeclarationAndTheModeDecideBeforeThePage() {
    var scripted = page
    scripted.executeClientScripts = true
    #expect(
      BrowserDecision.decide(page: scripted, result: result(.fetched(response(policy))), mode: .auto) == .declared)
    #expect(BrowserDecision.decide(page: scripted, result: result(.fetched(response(policy))), mode: .never) == nil)
    #expect(BrowserDecision.decide(page: page, result: result(.fetched(response(policy))), mode: .always) == .always)
    // A PDF is read by poppler, never rendered.
    #expect(
      BrowserDecision.decide(
        page: scripted, result: result(.fetched(response("%PDF-1.4 …", type: "application/pdf"))), mode: .always)
        == nil)
  }

  @Test func theBrowserWaitsForEverySelectOrRemoveSelectorOnce() {
    let declared = PageDeclaration(
      fetch: "https://example.com/p",
      select: [.css("main"), .range(RangeSelector(start: .before("h1"), end: .after("#end")))],
      remove: [.css(".banner"), .css("main")])
    #expect(BrowserDecision.selectors(of: declared) == ["main", "h1", "#end", ".banner"])
  }
}

struct FilterScriptTests {
  @Test func exportsBecomeLocalFunctionsAndImportsAreSaidUnavailable() {
    let body = FilterScript.moduleBody(
      """
      import { something } from 'somewhere';
      export function removeBanner(document) {
        document.querySelector('.banner')?.remove();
      }
        export async function later(document) {}
      export default function main() {}
      """)
    #expect(body.contains("function removeBanner(document) {"))
    #expect(body.contains("  async function later(document) {}"))
    #expect(!body.contains("export "))
    #expect(body.contains("// (import not available to filters run by PolicyWatch) import { something }"))
  }

  @Test func filtersAreCalledInOrderWithOTAsArguments() {
    let program = FilterProgram(
      source: "export function a(d) {}\nexport function b(d, p, c) {}", file: "Example.filters.js",
      calls: [.init(name: "a"), .init(name: "b", parametersJSON: #"["utm_source"]"#)],
      fetch: "https://example.com/p", selectJSON: #"["main"]"#)
    let expression = FilterScript.expression(program)
    #expect(expression.contains(#"const __calls = [{name: "a"}, {name: "b", parameters: ["utm_source"]}];"#))
    #expect(expression.contains(#"filter: ["a","b"]"#))
    #expect(expression.contains("await filter(document, call.parameters, __context)"))
    #expect(expression.contains("await filter(document, __context)"))
    // A name that is not an identifier is never spliced into the script: it is reported missing.
    let hostile = FilterProgram(
      source: "", file: "x.js", calls: [.init(name: "a); alert(1); (")], fetch: "https://example.com/")
    #expect(!FilterScript.expression(hostile).contains("typeof a); alert(1)"))
  }
}

/// The browser keys of the configuration's `fetch` object.
struct BrowserSettingsTests {
  @Test func browserSettingsAreRead() throws {
    let config = try PolicyWatchConfig.parse(
      Array(#"{"fetch": {"browser": "always", "browserPages": 3, "browserSandbox": false, "browserUser": "pw"}}"#.utf8),
      file: "/tmp/config.json")
    #expect(config.fetch.browser.mode == .always)
    #expect(config.fetch.browser.pages == 3)
    #expect(config.fetch.browser.sandbox == false)
    #expect(config.fetch.browser.user == "pw")
  }

  @Test func anUnknownModeIsRefusedNamingTheChoices() {
    #expect {
      try PolicyWatchConfig.parse(Array(#"{"fetch": {"browser": "sometimes"}}"#.utf8), file: "/tmp/config.json")
    } throws: { error in
      "\(error)".contains("fetch.browser") && "\(error)".contains("\"auto\", \"always\" or \"never\"")
    }
  }
}
