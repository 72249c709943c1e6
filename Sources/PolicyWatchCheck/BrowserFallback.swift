import Foundation
import PolicyWatchDeclarations
import PolicyWatchExtract
import PolicyWatchFetch

/// What a page renderer (headless Chromium, in the CLI) gives back.
public enum PageRendering: Sendable {
  /// The serialised DOM, where the page ended, the status the browser saw and what rendered it ("Chrome/…").
  case rendered(html: [UInt8], finalURL: String, status: Int?, renderedBy: String)
  /// The browser could not render the page: the reason, in words.
  case failed(String)
}

/// Renders pages in a browser. The library knows only this protocol; `PolicyWatchBrowser` implements it (wired by
/// the CLI), so the pipeline never depends on the browser driver.
public protocol PageRenderer: Sendable {
  /// Loads `url`, waits for `selectors` to match an element with text, and serialises the DOM.
  func render(url: String, waitFor selectors: [String]) async -> PageRendering

  /// Runs Open Terms Archive filter functions on a page's HTML, with the page's own scripts disabled, and
  /// serialises the result. `filters.source` is the `<Service>.filters.js` file's text.
  func runFilters(html: [UInt8], url: String, filters: DeclaredFilters, page: PageDeclaration) async -> PageRendering
}

/// A document page's declared filters and the file that defines them.
public struct DeclaredFilters: Sendable {
  public var names: [String]
  public var source: String
  public var file: String

  public init(names: [String], source: String, file: String) {
    self.names = names
    self.source = source
    self.file = file
  }
}

/// The browser settings of a run: the mode, and the renderer (nil when no browser is installed).
public struct BrowserSupport: Sendable {
  public var mode: BrowserMode
  public var renderer: (any PageRenderer)?
  /// The folder of the declarations, where `<Service>.filters.js` files are; nil: filters are not run.
  public var filtersFolder: String?
  /// The reason a document that needs a browser gets when there is none.
  public static let missingReason = "needs a browser: install chromium"

  public init(mode: BrowserMode, renderer: (any PageRenderer)?) {
    self.mode = mode
    self.renderer = renderer
  }
}

/// Why a page is loaded in the browser, decided from its declaration and its plain fetch.
public enum BrowserDecision: Equatable, Sendable {
  /// `fetch.browser` is `always`.
  case always
  /// The declaration says `executeClientScripts: true`.
  case declared
  /// The plain fetch looks blocked: the cause in words (`HTTP 403 Forbidden`, `a bot wall ("just a moment")`…).
  case blocked(String)

  /// The decision for one page, or nil to keep the plain fetch. A PDF is never rendered (poppler reads it).
  public static func decide(page: PageDeclaration, result: FetchResult, mode: BrowserMode) -> BrowserDecision? {
    if mode == .never { return nil }
    if let response = result.response, isPDF(response) { return nil }
    if mode == .always { return .always }
    if page.executeClientScripts { return .declared }
    return blockedCause(result).map(BrowserDecision.blocked)
  }

  /// The statuses and failures Open Terms Archive takes for a bot blocking a plain client, and pages that say
  /// they are a bot wall or need JavaScript.
  static func blockedCause(_ result: FetchResult) -> String? {
    switch result.outcome {
    case .failed(.httpStatus(let status), _) where [403, 406, 429, 502].contains(status):
      return FetchError.httpStatus(status).description
    case .failed(.transport(let code, let message), _)
    where code == 56 || message.lowercased().contains("reset"):
      return "the connection was reset"
    case .fetched(let response):
      return challengeCause(response.body)
    default:
      return nil
    }
  }

  /// A short page (bot walls and "enable JavaScript" shells are short: at most 64 KB, so that this extra reading
  /// costs a normal check about a millisecond a page at most) whose whole text is a bot wall, an error, or nothing
  /// at all but scripts.
  static func challengeCause(_ body: [UInt8]) -> String? {
    guard body.count <= 64 * 1024, !body.starts(with: Array("%PDF-".utf8)) else { return nil }
    guard let page = try? PageExtractor.extract(bytes: body, httpCharset: nil, select: [], remove: []) else {
      return nil
    }
    guard let problem = PageHealth.problem(clauses: page.clauses, title: page.title) else { return nil }
    // An empty page counts only when it has scripts that could build its text.
    if page.clauses.isEmpty, !containsScript(body) { return nil }
    return problem
  }

  static func containsScript(_ body: [UInt8]) -> Bool {
    let needle = Array("<script".utf8)
    guard body.count >= needle.count else { return false }
    for start in 0...(body.count - needle.count) where body[start] == 0x3C {
      var matched = true
      for offset in 1..<needle.count where (body[start + offset] | 0x20) != needle[offset] {
        matched = false
        break
      }
      if matched { return true }
    }
    return false
  }

  static func isPDF(_ response: FetchResponse) -> Bool {
    response.body.starts(with: Array("%PDF-".utf8))
      || response.contentType?.lowercased().contains("application/pdf") == true
  }

  /// The CSS selectors to wait for: every `select` and `remove` selector (both ends of a range), as OTA waits.
  public static func selectors(of page: PageDeclaration) -> [String] {
    var seen: Set<String> = []
    return (page.select + page.remove).flatMap(\.cssSelectors).filter { seen.insert($0).inserted }
  }
}
