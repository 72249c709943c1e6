import PolicyWatchFetch

/// The browser keys of the configuration's `fetch` object; nil means "the default".
///
/// - `browser`: `auto` (default), `always` or `never` (see `BrowserMode`).
/// - `browserPages`: pages loading at once (default 2).
/// - `browserSandbox`: Chromium's sandbox (default true). Running as root, the browser runs as `browserUser`
///   (default `nobody`) with its sandbox on; `false` runs it as root without a sandbox, which only a machine that
///   trusts every page it watches should do.
/// - `browserUser`: the unprivileged user the browser runs as when PolicyWatch runs as root.
public struct BrowserSettings: Sendable, Equatable {
  public var mode: BrowserMode?
  public var pages: Int?
  public var sandbox: Bool?
  public var user: String?

  public init() {}

  static func parse(_ fetch: ConfigReader) -> BrowserSettings {
    var settings = BrowserSettings()
    if let mode = fetch.string("browser") {
      settings.mode = BrowserMode(rawValue: mode)
      if settings.mode == nil {
        fetch.fail("browser", "expected \"auto\", \"always\" or \"never\", found \"\(mode)\"")
      }
    }
    settings.pages = fetch.integer("browserPages", range: 1...64)
    settings.sandbox = fetch.bool("browserSandbox")
    settings.user = fetch.string("browserUser")
    return settings
  }
}
