import Foundation
import PolicyWatchSupport
import PolicyWatchView

/// The frame every page shares: a complete HTML document with inline CSS only (a Content-Security-Policy forbids
/// anything else, scripts included), landmarks (`header`, `nav`, `main`, `footer`), a link to the Atom feed that
/// covers the page, and relative links only. Every text is escaped with `Markup.escape`, the viewer's escaper.
struct SitePage {
  /// The page's path from the site's root (`documents/Acme/Privacy-Policy.html`).
  var path: String
  var title: String
  /// The Atom feed for this page's subject (a site path), linked from the head and the page.
  var feed: String
  var feedTitle: String
  var body: String

  func html(_ site: SiteContext) -> String {
    let root = SitePaths.relative(from: path, to: SitePaths.index)
    let feedURL = SitePaths.relative(from: path, to: feed)
    var head = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="PolicyWatch \(Markup.escape(PolicyWatchVersion.string))">
      <title>\(Markup.escape(title)) · \(Markup.escape(site.title))</title>

      """
    if let base = site.baseURL { head += "<link rel=\"canonical\" href=\"\(Markup.escape(base + path))\">\n" }
    head +=
      "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"\(Markup.escape(feedTitle))\" "
      + "href=\"\(Markup.escape(feedURL))\">\n"
    head += "<style>\n\(DiffMarkupRenderer.css)\n\(SiteHTML.css)</style>\n</head>\n"
    let index = Markup.escape(root)
    let byName = Markup.escape(SitePaths.relative(from: path, to: SitePaths.byName))
    let siteFeed = Markup.escape(SitePaths.relative(from: path, to: SitePaths.siteFeed))
    return head + """
      <body>
      <a class="skip" href="#main">Skip to content</a>
      <header class="site">
      <p class="brand"><a href="\(index)">\(Markup.escape(site.title))</a></p>
      <nav aria-label="Site">
      <ul>
      <li><a href="\(index)">Documents</a></li>
      <li><a href="\(byName)">By name</a></li>
      <li><a href="\(index)#categories">Data-use categories</a></li>
      <li><a href="\(siteFeed)">Atom feed</a></li>
      </ul>
      </nav>
      </header>
      <main id="main">
      \(body)</main>
      <footer class="site">
      <p>Feed for this page: <a href="\(Markup.escape(feedURL))">\(Markup.escape(feedTitle))</a>. \
      Written by PolicyWatch \(Markup.escape(PolicyWatchVersion.string)) from its snapshot store; every time is UTC.</p>
      </footer>
      </body>
      </html>

      """
  }
}

enum SiteHTML {
  /// The site's own rules, after the diff's (`DiffMarkupRenderer.css`). Contrast: text colours are at least 4.5:1
  /// on their backgrounds.
  static let css = """
    .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.3rem}
    header.site{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5rem 1.5rem;border-bottom:1px solid #d0d7de;\
    margin-bottom:1rem}
    header.site .brand{font-weight:700;margin:.5rem 0}header.site ul{list-style:none;margin:0;padding:0;\
    display:flex;flex-wrap:wrap;gap:.3rem 1rem}
    footer.site{border-top:1px solid #d0d7de;margin-top:2rem;color:#57606a;font-size:.9rem}
    a{color:#0550ae}a:visited{color:#6639ba}
    .crumbs{margin:0;color:#57606a}
    table.events{border-collapse:collapse;width:100%;font-size:.95rem}
    table.events th,table.events td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de;\
    vertical-align:top}
    table.events th{background:#f6f8fa}
    .scroll{overflow-x:auto}
    .state-ok{color:#116329}.state-bad{color:#a40e26;font-weight:600}
    .cat{display:inline-block;font:700 .75rem/1.4 ui-monospace,monospace;border-radius:.3em;padding:0 .35em;\
    margin:.1em .2em .1em 0;color:#fff;background:#6e40c9;text-decoration:none;white-space:nowrap}
    a.cat,a.cat:visited{color:#fff}
    .flag{display:inline-block;background:#fff8c5;border:1px solid #9a6700;border-radius:1em;padding:0 .5em;\
    font-size:.85rem;font-weight:600;color:#4d2d00}
    figure.timeline{margin:1rem 0}figure.timeline .scroll svg{width:100%;min-width:40rem;height:auto;display:block;\
    border:1px solid #d0d7de;border-radius:.3rem;background:#fff}
    figure.timeline figcaption{color:#57606a;font-size:.9rem}
    .legend{display:flex;flex-wrap:wrap;gap:.2rem 1rem;list-style:none;padding:0;font-size:.85rem;color:#3d444d}
    .swatch{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em;vertical-align:-.05em}
    .pager{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;margin:1rem 0}
    .quote{margin:.2rem 0 .6rem;padding-left:.8rem;border-left:3px solid #d0d7de;color:#3d444d}
    dl.dates{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem 1rem}dl.dates dt{\
    font-weight:600;color:#57606a}dl.dates dd{margin:0;overflow-wrap:anywhere}
    a.ext{overflow-wrap:anywhere}table.events time,.flag{white-space:nowrap}
    @media (max-width:40rem){body{margin:1rem auto;font-size:15px}table.events{font-size:.85rem}}
    """

  /// A link to an outside address: only `http` and `https` become links (a `javascript:` URL in a declaration
  /// stays text).
  static func externalLink(_ url: String) -> String {
    let lowered = url.lowercased()
    guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else { return Markup.escape(url) }
    return "<a class=\"ext\" href=\"\(Markup.escape(url))\" rel=\"nofollow noopener\">\(Markup.escape(url))</a>"
  }

  /// A data-use label as a tag linking to its category page (`removed` findings in another colour).
  static func categoryTag(_ label: String, removed: Bool, from path: String) -> String {
    let href = Markup.escape(SitePaths.relative(from: path, to: SitePaths.category(label)))
    let text = (removed ? "removed " : "") + label
    let category = label.hasPrefix("NOT_") ? String(label.dropFirst(4)) : label
    // A removed protection is red; a category has its colour in the timelines.
    let colour = removed ? "#a40e26" : SiteTimeline.color(of: category)
    return "<a class=\"cat\" style=\"background:\(colour)\" href=\"\(href)\">\(Markup.escape(text))</a>"
  }

  /// `2024-06-03 08:00 UTC`.
  static func minute(_ date: Date) -> String {
    String(EventFormatting.minute(date).dropLast()) + " UTC"
  }

  /// `<time datetime="2024-06-03T08:00:00Z">2024-06-03 08:00 UTC</time>`.
  static func time(_ date: Date) -> String {
    "<time datetime=\"\(EventFormatting.timestamp(date))\">\(minute(date))</time>"
  }
}
