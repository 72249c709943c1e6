import Foundation

// What to watch, in the Open Terms Archive (OTA) declaration format, read unchanged:
// https://docs.opentermsarchive.org/terms/reference/declaration/
//
// `<Service>.json`:
//   {"name": "Example", "terms": {"Privacy Policy": {"fetch": URL, "select": sel, "remove": sel,
//     "filter": [names], "executeClientScripts": bool}}}
// or, for a document spread over several pages,
//   {"combine": [{"fetch": URL, "select"?: sel, "remove"?: sel, …}, …], "select"?: sel, "remove"?: sel, …}
// where each page inherits what it lacks from the document. `<Service>.history.json` holds the earlier
// declarations of each document, each with the `validUntil` date until which it was in force.

/// One `select`/`remove` selector: a CSS selector, or a range between two elements.
public enum SelectorSpec: Sendable, Hashable, Codable {
  case css(String)
  case range(RangeSelector)

  /// Encoded the way OTA writes it: a string, or a `{"startBefore"|"startAfter": …, "endBefore"|"endAfter": …}`
  /// object.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let css = try? container.decode(String.self) {
      self = .css(css)
    } else {
      self = .range(try container.decode(RangeSelector.self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .css(let css): try container.encode(css)
    case .range(let range): try container.encode(range)
    }
  }

  /// Every CSS selector this selector uses (one, or the two ends of a range).
  public var cssSelectors: [String] {
    switch self {
    case .css(let css): return [css]
    case .range(let range): return [range.start.selector, range.end.selector]
    }
  }
}

/// The content between two elements, as in OTA's range selectors. `start: .before("h1")` starts at the first
/// element matching `h1` (included); `.after("h1")` starts right after it. `end` likewise: `.before` stops before
/// the element (excluded), `.after` stops after it (included).
public struct RangeSelector: Sendable, Hashable, Codable {
  /// One end of a range: just before, or just after, the element a CSS selector matches.
  public enum Boundary: Sendable, Hashable, Codable {
    case before(String)
    case after(String)

    /// The CSS selector of the boundary element.
    public var selector: String {
      switch self {
      case .before(let css), .after(let css): return css
      }
    }

    private enum CodingKeys: String, CodingKey {
      case before, after
    }

    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      if let css = try container.decodeIfPresent(String.self, forKey: .before) {
        self = .before(css)
      } else {
        self = .after(try container.decode(String.self, forKey: .after))
      }
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      switch self {
      case .before(let css): try container.encode(css, forKey: .before)
      case .after(let css): try container.encode(css, forKey: .after)
      }
    }
  }

  public var start: Boundary
  public var end: Boundary

  public init(start: Boundary, end: Boundary) {
    self.start = start
    self.end = end
  }

  private enum CodingKeys: String, CodingKey {
    case startBefore, startAfter, endBefore, endAfter
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    if let css = try container.decodeIfPresent(String.self, forKey: .startBefore) {
      start = .before(css)
    } else {
      start = .after(try container.decode(String.self, forKey: .startAfter))
    }
    if let css = try container.decodeIfPresent(String.self, forKey: .endBefore) {
      end = .before(css)
    } else {
      end = .after(try container.decode(String.self, forKey: .endAfter))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch start {
    case .before(let css): try container.encode(css, forKey: .startBefore)
    case .after(let css): try container.encode(css, forKey: .startAfter)
    }
    switch end {
    case .before(let css): try container.encode(css, forKey: .endBefore)
    case .after(let css): try container.encode(css, forKey: .endAfter)
    }
  }
}

/// One page to fetch and what to keep of it, with everything inherited from a `combine` document resolved.
public struct PageDeclaration: Sendable, Hashable, Codable {
  /// OTA's source-document id, derived from the URL (see `PageDeclaration.sourceID(for:)`); snapshots of a
  /// `combine` page are named `<time>#<id>`.
  public var id: String
  public var fetch: String
  /// What to keep, in document order. Empty means the whole page (OTA's PDF documents declare no `select`).
  public var select: [SelectorSpec]
  public var remove: [SelectorSpec]
  /// Names of OTA's JavaScript filters. PolicyWatch does not run them (the loader warns once per document).
  public var filters: [String]
  /// OTA renders such pages in a browser; PolicyWatch reads the HTML as served (the loader warns).
  public var executeClientScripts: Bool

  public init(
    id: String? = nil, fetch: String, select: [SelectorSpec] = [], remove: [SelectorSpec] = [],
    filters: [String] = [], executeClientScripts: Bool = false
  ) {
    self.id = id ?? PageDeclaration.sourceID(for: fetch)
    self.fetch = fetch
    self.select = select
    self.remove = remove
    self.filters = filters
    self.executeClientScripts = executeClientScripts
  }

  /// OTA's `SourceDocument.generateId`, so that snapshot names match OTA's: the percent-decoded URL path without
  /// a file extension of a known document type, its non-empty segments joined by `-`, and the characters
  /// `\ : " < > | * ?` replaced by `_`. `https://example.com/legal/privacy.html` → `legal-privacy`.
  /// OTA strips any extension its MIME table knows; the list here covers the document and web types that occur
  /// in terms URLs. A URL with an empty path (OTA would give `""`) gets its host name, so that a page always has
  /// a usable id.
  public static func sourceID(for url: String) -> String {
    let components = URLComponents(string: url)
    let rawPath = components?.percentEncodedPath ?? ""
    var path = rawPath.removingPercentEncoding ?? rawPath
    if let slash = path.lastIndex(of: "/"), let dot = path[slash...].lastIndex(of: "."),
      dot > path.index(after: slash)
    {
      let ext = path[path.index(after: dot)...].lowercased()
      if knownExtensions.contains(ext) { path = String(path[..<dot]) }
    }
    let illegal: Set<Character> = ["\\", ":", "\"", "<", ">", "|", "*", "?"]
    let id = String(
      path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "-")
        .map { illegal.contains($0) ? "_" : $0 })
    if id.isEmpty { return components?.host ?? "" }
    return id
  }

  private static let knownExtensions: Set<String> = [
    "html", "htm", "xhtml", "xht", "shtml", "php", "pdf", "txt", "text", "md", "markdown", "xml", "json",
    "doc", "docx", "odt", "rtf", "csv",
  ]
}

/// One document of a service as it is (or was, for history entries) declared.
public struct DocumentDeclaration: Sendable, Hashable, Codable {
  /// The OTA service id: the name of the declaration file without `.json` (OTA's snapshot folders use it).
  public var service: String
  /// The document type, e.g. "Privacy Policy".
  public var documentType: String
  /// One page for a single-page document, the `combine` pages in declaration order otherwise.
  public var pages: [PageDeclaration]
  public var isCombined: Bool
  /// For history entries: the last instant at which this declaration was in force (inclusive, as in OTA).
  public var validUntil: Date?

  public init(
    service: String, documentType: String, pages: [PageDeclaration], isCombined: Bool, validUntil: Date? = nil
  ) {
    self.service = service
    self.documentType = documentType
    self.pages = pages
    self.isCombined = isCombined
    self.validUntil = validUntil
  }

  /// True when both declarations extract the same way (same pages and rules), whatever their `validUntil`.
  /// A change of rules re-extracts history and labels the difference as technical.
  public func hasSameRules(as other: DocumentDeclaration) -> Bool {
    pages == other.pages && isCombined == other.isCombined
  }

  /// The page whose snapshots are named `#id`, if any.
  public func page(id: String) -> PageDeclaration? {
    pages.first { $0.id == id }
  }
}

/// A problem that does not stop a declaration from being used, e.g. a field PolicyWatch does not run.
public struct DeclarationWarning: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var service: String
  public var document: String
  public var field: String
  public var message: String

  public init(file: String, service: String, document: String, field: String, message: String) {
    self.file = file
    self.service = service
    self.document = document
    self.field = field
    self.message = message
  }

  public var description: String {
    "\(file): service \"\(service)\", document \"\(document)\", field \"\(field)\": \(message)"
  }
}

/// A declaration that cannot be used, naming the file, and as far as known the service, the document and the
/// field (a path such as `combine[1].select[0].startBefore`).
public struct DeclarationError: Error, Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var service: String?
  public var document: String?
  public var field: String?
  public var message: String

  public init(file: String, service: String? = nil, document: String? = nil, field: String? = nil, message: String) {
    self.file = file
    self.service = service
    self.document = document
    self.field = field
    self.message = message
  }

  /// `Foo.json: service "Foo", document "Privacy Policy", field "select[1].startBefore": …`
  public var description: String {
    var parts: [String] = []
    if let service { parts.append("service \"\(service)\"") }
    if let document { parts.append("document \"\(document)\"") }
    if let field { parts.append("field \"\(field)\"") }
    return parts.isEmpty ? "\(file): \(message)" : "\(file): \(parts.joined(separator: ", ")): \(message)"
  }
}

/// A service's declaration file with its history file.
public struct ServiceDeclaration: Sendable {
  /// The OTA service id: the declaration file's name without `.json`.
  public var id: String
  /// The service's public name (`name`).
  public var name: String
  /// The documents as declared now, in file order.
  public var documents: [DocumentDeclaration]
  /// Per document type, the earlier declarations from `<Service>.history.json`, oldest first (sorted by
  /// `validUntil`). May name documents no longer in `documents` (terminated ones).
  public var history: [String: [DocumentDeclaration]]

  public init(id: String, name: String, documents: [DocumentDeclaration], history: [String: [DocumentDeclaration]]) {
    self.id = id
    self.name = name
    self.documents = documents
    self.history = history
  }

  /// The declaration in force at `date`, as OTA decides it: the history entry with the earliest `validUntil` not
  /// before `date` (`date <= validUntil`, inclusive), else the current declaration; nil when the document is not
  /// declared, or was terminated before `date`.
  public func declaration(of document: String, at date: Date) -> DocumentDeclaration? {
    if let entry = history[document]?.first(where: { entry in entry.validUntil.map { date <= $0 } ?? false }) {
      return entry
    }
    return documents.first { $0.documentType == document }
  }

  /// Every document type with a current or historical declaration.
  public var documentTypes: [String] {
    var seen: Set<String> = []
    var result: [String] = []
    for type in documents.map(\.documentType) + history.keys.sorted() where seen.insert(type).inserted {
      result.append(type)
    }
    return result
  }
}
