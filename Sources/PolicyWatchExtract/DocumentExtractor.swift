import Foundation
import PolicyWatchDeclarations
import PolicyWatchSupport
import PolicyWatchText

/// The raw bytes of one page of a document, as fetched.
public struct RawPage: Sendable {
  public var id: String
  public var bytes: [UInt8]
  public var httpCharset: String?

  public init(id: String, bytes: [UInt8], httpCharset: String? = nil) {
    self.id = id
    self.bytes = bytes
    self.httpCharset = httpCharset
  }
}

/// A whole document extracted: clauses of every page in declaration order, and its declared dates.
public struct ExtractedDocument: Sendable {
  public var clauses: [Clause]
  public var declaredDates: [DeclaredDate]
  /// The document's language: told from its text (`LanguageIdentifier`) when extraction was asked to, otherwise
  /// the hint.
  public var language: String?
  public var title: String?
  /// The first page's `<html lang>`, lowercased (only a hint: templates keep it whatever language the text is in).
  public var languageHint: String?
  /// Whether `language` was settled by the text itself.
  public var languageConfident = false

  /// Tells the language from the text (see `LanguageIdentifier`) and, when it is not the hint's, reads the
  /// declared dates again in that language (it decides how "03/04/2024" reads). Extraction does this unless asked
  /// not to; `replay` asks the recorder to do it only for text that changed.
  public mutating func identifyLanguage() {
    let found = LanguageIdentifier.identify(clauses, hint: languageHint)
    languageConfident = found.confident
    guard found.language != language else { return }
    language = found.language
    declaredDates = DeclaredDateParser.find(in: clauses, language: language)
  }
}

/// Why a document could not be extracted, naming the page.
public struct DocumentExtractionError: Error, Sendable, CustomStringConvertible {
  public var page: String
  public var cause: String
  /// True when the page's shape did not match the declaration (a selector matched nothing).
  public var selectorMissed: Bool
  public var description: String { "page \(page): \(cause)" }
}

/// Extracts a document from its raw pages with the rules of a declaration.
public enum DocumentExtractor {
  /// Bumped whenever extraction gives different clauses for the same bytes; a change triggers a technical
  /// re-extraction of every document's latest snapshot (recorded as `technical`, never as a policy change).
  public static let version = 2

  /// `identifyLanguage: false` leaves `language` at the pages' `lang` hint (cheaper: the recorder identifies the
  /// language only of a text that changed, with `ExtractedDocument.identifyLanguage`).
  public static func extract(
    _ declaration: DocumentDeclaration, pages: [String: RawPage], identifyLanguage: Bool = true
  ) throws(DocumentExtractionError) -> ExtractedDocument {
    var clauses: [Clause] = []
    var language: String?
    var title: String?
    for page in declaration.pages {
      guard var raw = pages[page.id] ?? (declaration.pages.count == 1 ? pages.values.first : nil) else {
        throw DocumentExtractionError(page: page.id, cause: "no snapshot of this page yet", selectorMissed: false)
      }
      if PDFPageReader.isPDF(raw.bytes) {
        // Read by poppler into headings and paragraphs (Extract/PDF); the raw PDF stays the snapshot.
        raw = RawPage(id: raw.id, bytes: try PDFPageReader.html(raw.bytes, page: page.id), httpCharset: "utf-8")
      }
      let select: [ExtractionRule]
      let remove: [ExtractionRule]
      do {
        select = try page.select.map(ExtractionRule.init)
        remove = try page.remove.map(ExtractionRule.init)
      } catch {
        throw DocumentExtractionError(page: page.id, cause: error.description, selectorMissed: false)
      }
      do {
        let extracted = try PageExtractor.extract(
          bytes: raw.bytes, httpCharset: raw.httpCharset, select: select, remove: remove,
          source: declaration.isCombined ? page.id : nil)
        clauses += extracted.clauses
        language = language ?? extracted.language
        title = title ?? extracted.title
      } catch {
        var missed = false
        if case .selectorMatchedNothing = error { missed = true }
        if case .rangeBoundaryNotFound = error { missed = true }
        throw DocumentExtractionError(page: page.id, cause: error.description, selectorMissed: missed)
      }
    }
    var document = ExtractedDocument(
      clauses: clauses, declaredDates: DeclaredDateParser.find(in: clauses, language: language), language: language,
      title: title, languageHint: language)
    if identifyLanguage { document.identifyLanguage() }
    return document
  }

  /// A fingerprint of the rules in force and of the extractor, to notice when either changes.
  public static func fingerprint(_ declaration: DocumentDeclaration) -> String {
    var parts = ["extractor \(version)"]
    for page in declaration.pages {
      let encoder = JSONEncoder()
      encoder.outputFormatting = .sortedKeys
      let select = (try? encoder.encode(page.select)).map { String(decoding: $0, as: UTF8.self) } ?? ""
      let remove = (try? encoder.encode(page.remove)).map { String(decoding: $0, as: UTF8.self) } ?? ""
      parts.append("\(page.id) select \(select) remove \(remove)")
    }
    return String(SHA256.hex(parts.joined(separator: "\n")).prefix(16))
  }
}
