import PolicyWatchDeclarations
import PolicyWatchExtract

/// The reasons the timeline gives for an attempt that failed or did not show the document, in words: one cause,
/// and the page it happened on for a `combine` document (a single page is the document itself, which every line
/// that shows a reason names already).
enum AttemptReason {
  /// `page "annex" (https://example.com/annex)` for a page of a `combine` document; nil for a single page.
  static func page(_ id: String, of declaration: DocumentDeclaration) -> String? {
    guard declaration.pages.count > 1 else { return nil }
    let url = declaration.pages.first { $0.id == id }?.fetch
    return "page \"\(id)\"" + (url.map { " (\($0))" } ?? "")
  }

  /// Pages that could not be fetched: `HTTP 500 Internal Server Error`, or per page of a `combine` document.
  static func fetchFailed(_ failures: [PageFetch], declaration: DocumentDeclaration) -> String {
    failures.map { failure in
      let cause = failure.error ?? "not fetched"
      return page(failure.id, of: declaration).map { "\($0): \(cause)" } ?? cause
    }.joined(separator: "; ")
  }

  /// A page whose rules could not be applied. When a selector matched nothing because the page is not the
  /// document at all (empty, a bot wall, no text without JavaScript), that is the one cause given.
  static func extractionFailed(
    _ error: DocumentExtractionError, raw: RawPage?, declaration: DocumentDeclaration
  ) -> String {
    var cause = error.cause
    if error.selectorMissed, let raw {
      if isBlank(raw.bytes) {
        cause = emptyPage
      } else if let whole = try? PageExtractor.extract(bytes: raw.bytes, httpCharset: raw.httpCharset),
        let problem = PageHealth.problem(clauses: whole.clauses, title: whole.title)
      {
        cause = problem
      }
    }
    return page(error.page, of: declaration).map { "\($0): \(cause)" } ?? cause
  }

  /// Why extracted text is not the document (an error or bot page, no text), or nil; an empty body says so.
  static func problem(_ extracted: ExtractedDocument, raw: [String: RawPage]) -> String? {
    guard let problem = PageHealth.problem(clauses: extracted.clauses, title: extracted.title) else { return nil }
    if extracted.clauses.isEmpty, !raw.isEmpty, raw.values.allSatisfy({ isBlank($0.bytes) }) { return emptyPage }
    return problem
  }

  static let emptyPage = "the server sent an empty page (no content at all)"

  static func isBlank(_ bytes: [UInt8]) -> Bool {
    bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
  }
}

extension DocumentExtractionError {
  /// The cause in words, naming the page only for a document of several pages (see `AttemptReason`).
  public func reason(in declaration: DocumentDeclaration, raw: RawPage? = nil) -> String {
    AttemptReason.extractionFailed(self, raw: raw, declaration: declaration)
  }
}
