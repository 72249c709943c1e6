import ArgumentParser
import Foundation
import PolicyWatchBrowser
import PolicyWatchCheck
import PolicyWatchConfig
import PolicyWatchDeclarations
import PolicyWatchFetch

/// `--browser auto|always|never`, for the commands that fetch pages.
struct BrowserOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "When to load a page in headless Chromium: auto (executeClientScripts, or a plain fetch that looks blocked), "
        + "always, or never (default: the configuration's fetch.browser, else auto).",
      valueName: "auto|always|never"))
  var browser: BrowserModeArgument?
}

struct BrowserModeArgument: ExpressibleByArgument {
  let mode: BrowserMode
  init?(argument: String) {
    guard let mode = BrowserMode(rawValue: argument) else { return nil }
    self.mode = mode
  }
  static var allValueStrings: [String] { BrowserMode.allCases.map(\.rawValue) }
}

/// `PolicyWatchBrowser`'s pool behind the library's `PageRenderer`.
struct ChromiumRenderer: PageRenderer {
  let pool: BrowserPool

  func render(url: String, waitFor selectors: [String]) async -> PageRendering {
    do {
      let page = try await pool.render(RenderRequest(url: url, waitFor: selectors))
      return .rendered(
        html: Array(page.html.utf8), finalURL: page.finalURL, status: page.status, renderedBy: page.chromiumVersion)
    } catch {
      return .failed(error.description)
    }
  }

  func runFilters(html: [UInt8], url: String, filters: DeclaredFilters, page: PageDeclaration) async
    -> PageRendering
  {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let select = (try? encoder.encode(page.select)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    let remove = (try? encoder.encode(page.remove)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    let program = FilterProgram(
      source: filters.source, file: filters.file, calls: filters.names.map { FilterProgram.Call(name: $0) },
      fetch: url, selectJSON: select, removeJSON: remove)
    do {
      let page = try await pool.render(
        RenderRequest(html: String(decoding: html, as: UTF8.self), url: url, filters: program))
      return .rendered(
        html: Array(page.html.utf8), finalURL: url, status: nil, renderedBy: page.chromiumVersion)
    } catch {
      return .failed(error.description)
    }
  }
}

/// The folder of a declarations path (a folder, or one `<Service>.json` file).
func declarationsFolder(_ path: String) -> String {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
    return path
  }
  return URL(fileURLWithPath: path).deletingLastPathComponent().path
}

/// The browser of one run: the mode from `--browser`, else the configuration; a pool when Chromium is installed
/// and the mode may use it. `finish()` stops the browser.
struct BrowserRun {
  let support: BrowserSupport
  let pool: BrowserPool?

  init(options: BrowserOptions, settings: BrowserSettings?, fetch: FetchConfiguration, filtersFolder: String? = nil) {
    let mode = options.browser?.mode ?? settings?.mode ?? .auto
    var configuration = BrowserConfiguration()
    configuration.maxPages = settings?.pages ?? configuration.maxPages
    configuration.sandbox = settings?.sandbox ?? true
    configuration.user = settings?.user ?? configuration.user
    configuration.userAgent = fetch.userAgent
    configuration.acceptLanguage = fetch.acceptLanguage
    let pool = mode != .never && BrowserPool.chromiumPath() != nil ? BrowserPool(configuration: configuration) : nil
    self.pool = pool
    var support = BrowserSupport(mode: mode, renderer: pool.map(ChromiumRenderer.init))
    support.filtersFolder = filtersFolder
    self.support = support
  }

  /// Whether declarations' `executeClientScripts` is run (so its warning is not said).
  var runsClientScripts: Bool { support.mode != .never && pool != nil }

  func finish() async { await pool?.shutdown() }
}

/// `policywatch fetch`'s browser step: renders the URL when the mode says so, and says why on standard error.
enum BrowserFetch {
  /// The rendered body and the summary lines, or nil when the plain fetch stands.
  static func render(url: String, plain: FetchResult, options: BrowserOptions, fetch: FetchConfiguration) async
    -> (body: [UInt8], summary: [String], failed: Bool)?
  {
    let run = BrowserRun(options: options, settings: nil, fetch: fetch)
    guard
      let decision = BrowserDecision.decide(page: PageDeclaration(fetch: url), result: plain, mode: run.support.mode)
    else { return nil }
    let why: String
    switch decision {
    case .always: why = "--browser always"
    case .declared: why = "executeClientScripts"
    case .blocked(let cause): why = "the plain fetch looks blocked: \(cause)"
    }
    guard let renderer = run.support.renderer else {
      return ([], ["browser: \(BrowserSupport.missingReason) (\(why))"], true)
    }
    let rendering = await renderer.render(url: url, waitFor: [])
    await run.finish()
    switch rendering {
    case .rendered(let html, let finalURL, let status, let renderedBy):
      let summary = [
        "rendered \(finalURL) in \(renderedBy) (\(why)): HTTP \(status.map(String.init) ?? "?"), \(html.count) bytes"
      ]
      return (html, summary, (status ?? 200) >= 400)
    case .failed(let reason):
      return ([], ["browser: \(reason) (\(why))"], true)
    }
  }
}
