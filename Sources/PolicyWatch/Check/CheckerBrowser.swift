import Foundation

extension Checker {
  /// The browser step of `check`: each page the decision sends to the browser is rendered, and the serialised DOM
  /// replaces the plain fetch as the page's snapshot. A blocked page the browser cannot render either keeps its
  /// plain fetch (and its reason); a page that needs a browser when none is installed fails with
  /// `BrowserSupport.missingReason`.
  func rendered(_ declaration: DocumentDeclaration, pages: [String: FetchResult]) async -> [String: PageFetch] {
    var result: [String: PageFetch] = [:]
    for page in declaration.pages {
      guard let fetched = pages[page.id], let browser,
        let decision = BrowserDecision.decide(page: page, result: fetched, mode: browser.mode)
      else { continue }
      guard let renderer = browser.renderer else {
        if case .blocked = decision { continue }
        result[page.id] = PageFetch(id: page.id, url: page.fetch, error: BrowserSupport.missingReason)
        continue
      }
      switch await renderer.render(url: page.fetch, waitFor: BrowserDecision.selectors(of: page)) {
      case .rendered(let html, _, let status, let renderedBy):
        if let status, status >= 400 {
          if case .blocked = decision { continue }
          result[page.id] = PageFetch(
            id: page.id, url: page.fetch, status: status, error: FetchError.httpStatus(status).description)
        } else {
          var fetch = PageFetch(id: page.id, url: page.fetch, status: status ?? 200, httpCharset: "utf-8", bytes: html)
          fetch.renderedBy = renderedBy
          result[page.id] = fetch
        }
      case .failed(let reason):
        if case .blocked = decision { continue }
        result[page.id] = PageFetch(id: page.id, url: page.fetch, error: reason)
      }
    }
    return result
  }
}
