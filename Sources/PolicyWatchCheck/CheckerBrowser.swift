import Foundation
import PolicyWatchDeclarations
import PolicyWatchExtract
import PolicyWatchFetch

extension Checker {
  /// The browser step of `check`: each page the decision sends to the browser is rendered, and the serialised DOM
  /// replaces the plain fetch as the page's snapshot. A blocked page the browser cannot render either keeps its
  /// plain fetch (and its reason); a page that needs a browser when none is installed fails with
  /// `BrowserSupport.missingReason`.
  func rendered(_ declaration: DocumentDeclaration, pages: [String: FetchResult]) async -> [String: PageFetch] {
    var result = await browserPages(declaration, pages: pages)
    guard let browser, let folder = browser.filtersFolder else { return result }
    for page in declaration.pages where !page.filters.isEmpty {
      let current = result[page.id] ?? pages[page.id].map { Checker.pageFetch(page, $0) }
      guard let current else { continue }
      result[page.id] = await filtered(current, page: page, service: declaration.service, folder: folder)
    }
    return result
  }

  /// Runs a page's declared OTA filters (`<Service>.filters.js` in `folder`) on its HTML, in the browser with the
  /// page's own scripts disabled; the filtered DOM becomes the snapshot. A failed filter, a missing file or no
  /// browser makes the page fail with that reason (the document is inaccessible, as when it cannot be read).
  func filtered(_ fetched: PageFetch, page: PageDeclaration, service: String, folder: String) async -> PageFetch {
    guard let bytes = fetched.bytes, fetched.error == nil, !PDFPageReader.isPDF(bytes) else { return fetched }
    let names = page.filters.map { "\"\($0)\"" }.joined(separator: ", ")
    var failed = PageFetch(id: page.id, url: page.fetch, status: fetched.status)
    let file = "\(service).filters.js"
    guard let source = try? String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8) else {
      failed.error = "the filters \(names) are declared but \(file) cannot be read in \(folder)"
      return failed
    }
    guard let renderer = browser?.renderer else {
      failed.error = "\(BrowserSupport.missingReason) (to run the filters \(names))"
      return failed
    }
    let filters = DeclaredFilters(names: page.filters, source: source, file: file)
    switch await renderer.runFilters(html: bytes, url: page.fetch, filters: filters, page: page) {
    case .rendered(let html, _, _, let renderedBy):
      var done = fetched
      done.bytes = html
      done.httpCharset = "utf-8"
      done.validators = Validators()
      done.renderedBy = (fetched.renderedBy ?? renderedBy) + " (filters \(page.filters.joined(separator: ", ")))"
      return done
    case .failed(let reason):
      failed.error = reason
      return failed
    }
  }

  /// Pages the browser loads instead of the plain fetch.
  func browserPages(_ declaration: DocumentDeclaration, pages: [String: FetchResult]) async -> [String: PageFetch] {
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
