import Foundation
import PolicyWatchExtract
import PolicyWatchStore
import PolicyWatchText

/// Recognises pages that are not the document: error pages, bot walls and placeholders served with status 200.
///
/// Three rules, about kinds of page:
/// - **Wording** (`problem`): a short page saying what error pages and bot walls say ("Just a moment…", "This page
///   isn't available"), or any page whose title or opening heading says it, however long (an error page that keeps
///   the site's menus and footer).
/// - **Shape** (`placeholder`): compared with the document's last good version, a page that lost 30 % or more of
///   the clauses and shows at least two signs of not being the document: it states no date where the document
///   did, its title or main heading is not the document's; or one strong sign: it holds error wording anywhere, or
///   its HTML stops before its end where the document's did not (a truncated body).
/// - **Flapping** (the recorder, with the timeline): a shorter text that the document came back from before is a
///   broken page when it shows again.
public enum PageHealth {
  static let phrases = [
    "access denied", "just a moment", "enable javascript", "javascript is disabled", "javascript is required",
    "please turn javascript on", "this page isn't available", "this page is not available", "page not found",
    "404 not found", "403 forbidden", "captcha", "are you a robot", "verify you are human", "verify you are a human",
    "checking your browser", "attention required", "you have been blocked", "request blocked", "too many requests",
    "unusual traffic", "service unavailable", "something went wrong", "an error occurred", "error 404", "error 403",
    "temporarily unavailable", "sign in to continue", "log in to continue", "redirecting", "you are being redirected",
    "this page has moved",
  ]

  /// What only error and placeholder pages put in their title or opening heading.
  static let headingPhrases =
    phrases + [
      "page unavailable", "content unavailable", "page isn't available", "page is not available",
      "page could not be found", "page cannot be found", "page can't be found", "page doesn't exist",
      "page does not exist", "no longer available", "under maintenance", "oops", "error 500", "error 502",
      "error 503", "internal server error", "bad gateway", "gateway timeout",
    ]

  /// A page that keeps less than this share of the last good version's clauses is checked for the signs of a
  /// placeholder (`placeholder`).
  public static let shrunkShare = 0.7

  /// Why the page looks like an error or bot page, or nil. Wording anywhere counts only on short pages (a real
  /// policy that mentions CAPTCHAs in passing is long); in the page title or the first headings it counts on any
  /// page.
  public static func problem(clauses: [Clause], title: String?) -> String? {
    let heading = openingText(clauses: clauses, title: title)
    for phrase in headingPhrases where VersionIdentity.contains(heading, phrase) {
      return "looks like an error or bot page (\"\(phrase)\")"
    }
    if clauses.isEmpty { return "the page has no text (it may need JavaScript, which PolicyWatch does not run)" }
    let text = clauses.prefix(60).map(\.key).joined(separator: " ").lowercased()
    guard text.count < 4000 else { return nil }
    for phrase in phrases where text.contains(phrase) {
      return "looks like an error or bot page (\"\(phrase)\")"
    }
    return nil
  }

  /// The page title and the headings among the first three clauses, lowercased.
  static func openingText(clauses: [Clause], title: String?) -> String {
    var parts = [title?.lowercased() ?? ""]
    for clause in clauses.prefix(3) where clause.kind == .heading && clause.key.utf8.count <= 200 {
      parts.append(clause.key.lowercased())
    }
    return parts.joined(separator: "\n")
  }

  /// Why a page that lost many clauses is a placeholder rather than the document (nil when it shows too few signs
  /// of it; see the type's description). `document` is the last good version; `raw` the pages as fetched;
  /// `documentBytes` the raw bytes the last good version was read from, by page id, when they are kept.
  public static func placeholder(
    page: ExtractedDocument, raw: [String: RawPage], document: VersionRecord, documentBytes: (String) -> [UInt8]?
  ) -> String? {
    let before = document.clauses.count
    let after = page.clauses.count
    var signs: [String] = []
    var weight = 0
    let text = page.clauses.prefix(60).map(\.key).joined(separator: " ").lowercased()
    if let phrase = headingPhrases.first(where: { text.contains($0) }) {
      signs.append("it says \"\(phrase)\"")
      weight += 2
    }
    if document.declaredDate != nil, page.declaredDates.isEmpty {
      signs.append("it states no date where the document did")
      weight += 1
    }
    if let foreign = foreignHeading(page: page, document: document) {
      signs.append(foreign)
      weight += 1
    }
    let truncated = raw.values.sorted(by: { $0.id < $1.id }).first { page in
      isTruncated(page.bytes) && documentBytes(page.id).map { !isTruncated($0) } == true
    }
    if let cut = truncated {
      signs.append(raw.count > 1 ? "page \(cut.id) stops before its end" : "its HTML stops before its end")
      weight += 2
    }
    guard weight >= 2 else { return nil }
    return "looks like an error or placeholder page: it lost \(before - after) of \(before) clauses, "
      + signs.joined(separator: ", ")
  }

  /// "its title is not the document's" / "the document's heading … is missing", or nil.
  static func foreignHeading(page: ExtractedDocument, document: VersionRecord) -> String? {
    func normalized(_ title: String?) -> String? {
      guard let title, !title.isEmpty else { return nil }
      return TextNormalization.looseKey(title)
    }
    if let was = normalized(document.title), let now = normalized(page.title), was != now {
      return "its title is not the document's"
    }
    if let heading = document.clauses.first(where: { $0.kind == .heading }),
      !page.clauses.contains(where: { $0.kind == .heading && $0.key == heading.key })
    {
      return "the document's heading \"\(heading.text.prefix(60))\" is missing"
    }
    return nil
  }

  /// Whether an HTML page stops before its end: no `</body>` or `</html>` in its last 2 KiB (a browser's or a
  /// complete server's page always ends with them).
  static func isTruncated(_ bytes: [UInt8]) -> Bool {
    guard bytes.count > 64, !bytes.starts(with: Array("%PDF-".utf8)) else { return false }
    let tail = bytes.suffix(2048).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    func contains(_ needle: String) -> Bool {
      let pattern = Array(needle.utf8)
      guard tail.count >= pattern.count else { return false }
      return (0...(tail.count - pattern.count)).contains { tail[$0..<$0 + pattern.count].elementsEqual(pattern) }
    }
    return !contains("</html") && !contains("</body")
  }
}
