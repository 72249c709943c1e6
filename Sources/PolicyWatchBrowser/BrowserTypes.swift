/// How the browser is run and how long it may take. The defaults are the caps: 30 s to load a page, 10 s
/// for its selectors, two pages at once.
public struct BrowserConfiguration: Sendable {
  /// The Chromium executable; nil finds it (`$POLICYWATCH_CHROMIUM`, `/usr/lib/chromium/chromium`, `chromium`…).
  public var executable: String?
  /// Pages loading at once (each in its own browser context).
  public var maxPages = 2
  /// From `Page.navigate` to the `load` event; past it the page is kept as it is (scripts stopped).
  public var loadTimeout: Duration = .seconds(30)
  /// After `load`, how long to wait for the selectors to match an element with text; past it the page is kept as
  /// it is and the usual rules (a selector that matched nothing, a bot wall…) decide.
  public var selectorTimeout: Duration = .seconds(10)
  /// Any other DevTools command: past it the browser is taken for hung, killed, and the page tried once more.
  public var commandTimeout: Duration = .seconds(15)
  /// `User-Agent` and `Accept-Language` the pages see (nil: Chromium's own).
  public var userAgent: String?
  public var acceptLanguage: String?
  /// Chromium's sandbox. As root, the browser runs as `user` with the sandbox on (through `setpriv`); only
  /// `sandbox: false` runs it as root without one.
  public var sandbox = true
  public var user = "nobody"

  public init() {}
}

/// An Open Terms Archive filters file (`<Service>.filters.js`) and the filters a document declares, in order.
public struct FilterProgram: Sendable, Hashable {
  /// One declared filter: its name, and the parameters of a `{"name": parameters}` item as JSON text.
  public struct Call: Sendable, Hashable {
    public var name: String
    public var parametersJSON: String?

    public init(name: String, parametersJSON: String? = nil) {
      self.name = name
      self.parametersJSON = parametersJSON
    }
  }

  /// The file's JavaScript (an ES module: `export function name(document, documentDeclaration) {…}`).
  public var source: String
  /// The file's name, for messages.
  public var file: String
  public var calls: [Call]
  /// The declaration the filters are given as their last argument, as OTA gives it: `{fetch, select, remove,
  /// filter}` (JSON text of `select` and `remove`).
  public var fetch: String
  public var selectJSON: String
  public var removeJSON: String

  public init(
    source: String, file: String, calls: [Call], fetch: String, selectJSON: String = "[]", removeJSON: String = "[]"
  ) {
    self.source = source
    self.file = file
    self.calls = calls
    self.fetch = fetch
    self.selectJSON = selectJSON
    self.removeJSON = removeJSON
  }
}

/// A page to render.
public struct RenderRequest: Sendable, Hashable {
  public enum Source: Sendable, Hashable {
    /// Load this http(s) URL, running its scripts.
    case url(String)
    /// Read this HTML (a snapshot) with the page's own scripts disabled, as if served from `url`: for filters.
    case html(String, url: String)
  }

  public var source: Source
  /// CSS selectors to wait for (each must match an element with text), after `load`.
  public var waitFor: [String]
  /// Filters to run on the DOM after the wait, before it is serialised.
  public var filters: FilterProgram?

  public init(url: String, waitFor: [String] = [], filters: FilterProgram? = nil) {
    self.source = .url(url)
    self.waitFor = waitFor
    self.filters = filters
  }

  public init(html: String, url: String, filters: FilterProgram?) {
    self.source = .html(html, url: url)
    self.waitFor = []
    self.filters = filters
  }

  var url: String {
    switch source {
    case .url(let url), .html(_, let url): url
    }
  }
}

/// A page as the browser left it: the serialised DOM and how it got there.
public struct RenderedPage: Sendable {
  public var requestedURL: String
  /// Where the main frame ended (after redirects and script navigations).
  public var finalURL: String
  /// The HTTP status of the main document's last response, when the browser saw one.
  public var status: Int?
  /// `<!DOCTYPE …>` and `document.documentElement.outerHTML`, UTF-8.
  public var html: String
  /// "Chrome/156.0.8078.114"
  public var chromiumVersion: String
  /// `load` did not come within the cap: the page was kept as it was, its scripts stopped.
  public var loadTimedOut: Bool
  /// The selectors did not all match within the cap.
  public var selectorsTimedOut: Bool
  /// The browser crashed or hung on a first try, and this is the second.
  public var retried: Bool
}
