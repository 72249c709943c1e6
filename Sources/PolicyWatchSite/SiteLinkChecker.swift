import Foundation

/// Checks a written site the way a reader's browser would follow it: every relative link of every page leads to a
/// file of the site (and to an element with that `id`, for a `#fragment`), and no page loads anything at all (no
/// `src` attribute, no style sheet or other resource by `<link>`), so the folder is self-contained.
public enum SiteLinkChecker {
  public struct Problem: Sendable, Equatable, CustomStringConvertible {
    /// The page, relative to the site's root.
    public var page: String
    public var link: String
    public var reason: String
    public var description: String { "\(page): \(link): \(reason)" }
  }

  /// Every problem of the site at `root` (empty: every link resolves and nothing is loaded).
  public static func check(root: String) -> [Problem] {
    let manager = FileManager.default
    guard let enumerator = manager.enumerator(atPath: root) else {
      return [Problem(page: root, link: "", reason: "not a folder")]
    }
    var pages: [String] = []
    while let path = enumerator.nextObject() as? String {
      if path.hasSuffix(".html") { pages.append(path) }
    }
    var idCache: [String: Set<String>] = [:]
    func ids(_ page: String) -> Set<String>? {
      if let known = idCache[page] { return known }
      guard let data = manager.contents(atPath: "\(root)/\(page)") else { return nil }
      let found = Set(attributes("id", in: String(decoding: data, as: UTF8.self)))
      idCache[page] = found
      return found
    }
    var problems: [Problem] = []
    for page in pages.sorted() {
      guard let data = manager.contents(atPath: "\(root)/\(page)") else { continue }
      let html = String(decoding: data, as: UTF8.self)
      for source in attributes("src", in: html) {
        problems.append(Problem(page: page, link: source, reason: "loads a resource (src)"))
      }
      for tag in tags("link", in: html) {
        let rel = attributes("rel", in: tag).first ?? ""
        if rel != "alternate" && rel != "canonical" {
          problems.append(Problem(page: page, link: tag, reason: "a <link> that loads a resource"))
        }
      }
      let links = attributes("href", in: html)
      for link in links {
        let lowered = link.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("mailto:") { continue }
        if lowered.contains(":") {
          problems.append(Problem(page: page, link: link, reason: "neither relative nor http(s)"))
          continue
        }
        let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let target = parts[0].isEmpty ? page : resolve(String(parts[0]), from: page)
        guard let target else {
          problems.append(Problem(page: page, link: link, reason: "leaves the site"))
          continue
        }
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: "\(root)/\(target)", isDirectory: &isDirectory), !isDirectory.boolValue
        else {
          problems.append(Problem(page: page, link: link, reason: "no such file (\(target))"))
          continue
        }
        if parts.count == 2, target.hasSuffix(".html"), ids(target)?.contains(String(parts[1])) != true {
          problems.append(Problem(page: page, link: link, reason: "no element with id \"\(parts[1])\" in \(target)"))
        }
      }
    }
    return problems
  }

  /// `../b/c.html` from `a/x/p.html` → `a/b/c.html`; nil when the link climbs above the root. Percent-escapes are
  /// decoded (the site writes none, but a link may hold them).
  static func resolve(_ link: String, from page: String) -> String? {
    var parts = page.split(separator: "/").dropLast().map(String.init)
    for segment in link.split(separator: "/", omittingEmptySubsequences: false) {
      switch segment {
      case "..":
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
      case ".", "":
        continue
      default:
        parts.append(String(segment).removingPercentEncoding ?? String(segment))
      }
    }
    return parts.joined(separator: "/")
  }

  /// The values of `name="…"` attributes in `html` (the site always double-quotes them), entities decoded.
  static func attributes(_ name: String, in html: String) -> [String] {
    var values: [String] = []
    let marker = " \(name)=\""
    var rest = html[...]
    while let start = rest.range(of: marker) {
      let after = rest[start.upperBound...]
      guard let end = after.firstIndex(of: "\"") else { break }
      values.append(decodeEntities(String(after[..<end])))
      rest = after[after.index(after: end)...]
    }
    return values
  }

  /// Every `<name …>` start tag.
  static func tags(_ name: String, in html: String) -> [String] {
    var found: [String] = []
    var rest = html[...]
    while let start = rest.range(of: "<\(name) ") {
      guard let end = rest[start.upperBound...].firstIndex(of: ">") else { break }
      found.append(String(rest[start.lowerBound...end]))
      rest = rest[rest.index(after: end)...]
    }
    return found
  }

  static func decodeEntities(_ text: String) -> String {
    guard text.contains("&") else { return text }
    return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&amp;", with: "&")
  }
}
