import Foundation

/// When `check` and `fetch` load a page in a browser (configuration `fetch.browser`).
public enum BrowserMode: String, Sendable, CaseIterable {
  /// A declaration's `executeClientScripts: true`, or a plain fetch that looks blocked (as Open Terms Archive does).
  case auto
  /// Every HTML page.
  case always
  /// Never: pages are read as served, `executeClientScripts` is reported as a warning.
  case never
}
