import Foundation
import PolicyWatchCSS
import PolicyWatchSupport

/// Turns the JSON of a declaration into `DocumentDeclaration`s, checking everything OTA's schema checks (and the
/// CSS syntax of every selector) and naming the file, service, document and field of every problem.
///
/// Field paths are relative to the document: `select[1].startBefore`, `combine[0].fetch`; history entries are
/// prefixed by their position (`[2].validUntil` in `<Service>.history.json`, `history[2].validUntil` in a replay
/// `declaration.json`). The first problem found is thrown; warnings are collected and reported once per document
/// and kind.
struct DeclarationParser {
  /// Whether `validUntil` may or must appear in a document declaration.
  enum ValidUntilRule {
    /// A current declaration: `validUntil` is an error.
    case forbidden
    /// A history entry: `validUntil` is required, spelt exactly.
    case required
    /// A history entry recorded by OTA in a replay folder: a wrongly capitalised `validUntil` (OTA's own Le Chat
    /// history says `ValidUntil`) is read with a warning, because the record cannot be fixed and its meaning is
    /// unambiguous. Service files are the user's to fix, so there it is an error.
    case requiredAcceptingMiscapitalisation
  }

  var file: String
  var service: String?
  var warnings = DeclarationWarningCollector()

  init(file: String, service: String?) {
    self.file = file
    self.service = service
  }

  static let pageKeys = ["fetch", "select", "remove", "filter", "executeClientScripts"]
  static let allDocumentKeys = pageKeys + ["combine", "validUntil"]

  func error(_ document: String?, _ field: String?, _ message: String) -> DeclarationError {
    DeclarationError(file: file, service: service, document: document, field: field, message: message)
  }

  static func join(_ prefix: String, _ key: String) -> String {
    prefix.isEmpty ? key : "\(prefix).\(key)"
  }

  // MARK: Documents

  mutating func document(
    _ value: DeclarationJSON, type: String, serviceID: String, prefix: String, validUntil rule: ValidUntilRule
  ) throws(DeclarationError) -> DocumentDeclaration {
    guard case .object(let object) = value else {
      throw error(
        type, prefix.isEmpty ? nil : prefix,
        "expected an object (the document's declaration), found \(value.kindDescription)")
    }
    let isCombined = object["combine"] != nil
    var allowed = Self.pageKeys
    if isCombined { allowed.append("combine") }
    if rule != .forbidden { allowed.append("validUntil") }

    var validUntilValue: (key: String, value: DeclarationJSON)?
    for (key, fieldValue) in object.entries where !allowed.contains(key) {
      let field = Self.join(prefix, key)
      if key == "validUntil" {
        throw error(
          type, field,
          "\"validUntil\" belongs in history entries (<Service>.history.json), not in a current declaration")
      }
      if key.lowercased() == "validuntil" && rule == .requiredAcceptingMiscapitalisation && validUntilValue == nil
        && object["validUntil"] == nil
      {
        validUntilValue = (key, fieldValue)
        warnings.add(
          file: file, service: service ?? serviceID, document: type, field: field, kind: "validUntil:\(field)",
          message: "misspelt \"\(key)\" read as \"validUntil\"")
        continue
      }
      throw error(type, field, Self.unknownFieldMessage(key, known: Self.allDocumentKeys))
    }
    if let value = object["validUntil"] { validUntilValue = ("validUntil", value) }

    var until: Date?
    if rule != .forbidden {
      guard let (key, value) = validUntilValue else {
        throw error(
          type, Self.join(prefix, "validUntil"),
          "missing required field \"validUntil\" (the date until which this history entry was in force)")
      }
      until = try date(value, document: type, field: Self.join(prefix, key))
    }

    let inherited = try pageFields(object, document: type, prefix: prefix, serviceID: serviceID)
    var pages: [PageDeclaration] = []
    if isCombined {
      let combineField = Self.join(prefix, "combine")
      guard case .array(let elements) = object["combine"]! else {
        throw error(
          type, combineField, "expected an array of pages, found \(object["combine"]!.kindDescription)")
      }
      if elements.isEmpty { throw error(type, combineField, "a \"combine\" document needs at least one page") }
      for (index, element) in elements.enumerated() {
        let pagePrefix = "\(combineField)[\(index)]"
        guard case .object(let pageObject) = element else {
          throw error(type, pagePrefix, "expected an object (a page), found \(element.kindDescription)")
        }
        for key in pageObject.keys where !Self.pageKeys.contains(key) {
          throw error(type, Self.join(pagePrefix, key), Self.unknownFieldMessage(key, known: Self.pageKeys))
        }
        let own = try pageFields(pageObject, document: type, prefix: pagePrefix, serviceID: serviceID)
        // A page inherits each field it lacks from the document, as OTA's engine does (`page.x ?? document.x`).
        guard let fetch = own.fetch ?? inherited.fetch else {
          throw error(type, Self.join(pagePrefix, "fetch"), "missing required field \"fetch\"")
        }
        let page = PageDeclaration(
          fetch: fetch, select: own.select ?? inherited.select ?? [], remove: own.remove ?? inherited.remove ?? [],
          filters: own.filters ?? inherited.filters ?? [],
          executeClientScripts: own.executeClientScripts ?? inherited.executeClientScripts ?? false)
        if let other = pages.firstIndex(where: { $0.id == page.id }) {
          throw error(
            type, Self.join(pagePrefix, "fetch"),
            "this page's id \"\(page.id)\" (derived from its URL) is the same as that of \(combineField)[\(other)]; "
              + "their snapshots could not be told apart")
        }
        pages.append(page)
      }
    } else {
      guard let fetch = inherited.fetch else {
        throw error(type, Self.join(prefix, "fetch"), "missing required field \"fetch\"")
      }
      if inherited.select == nil && !Self.isPDF(fetch) {
        throw error(
          type, Self.join(prefix, "select"),
          "missing required field \"select\" (only PDF documents may omit it)")
      }
      pages.append(
        PageDeclaration(
          fetch: fetch, select: inherited.select ?? [], remove: inherited.remove ?? [],
          filters: inherited.filters ?? [], executeClientScripts: inherited.executeClientScripts ?? false))
    }
    return DocumentDeclaration(
      service: serviceID, documentType: type, pages: pages, isCombined: isCombined, validUntil: until)
  }

  static func isPDF(_ url: String) -> Bool {
    (URLComponents(string: url)?.path ?? url).lowercased().hasSuffix(".pdf")
  }

  struct PageFields {
    var fetch: String?
    var select: [SelectorSpec]?
    var remove: [SelectorSpec]?
    var filters: [String]?
    var executeClientScripts: Bool?
  }

  /// The page-level fields of a document or of a `combine` page, each nil when absent.
  mutating func pageFields(
    _ object: DeclarationJSON.Object, document: String, prefix: String, serviceID: String
  ) throws(DeclarationError) -> PageFields {
    var fields = PageFields()
    if let value = object["fetch"] {
      fields.fetch = try url(value, document: document, field: Self.join(prefix, "fetch"))
    }
    if let value = object["select"] {
      let field = Self.join(prefix, "select")
      let selectors = try selectors(value, document: document, field: field)
      if selectors.isEmpty {
        throw error(document, field, "an empty \"select\" would keep nothing; give at least one selector")
      }
      fields.select = selectors
    }
    if let value = object["remove"] {
      fields.remove = try selectors(value, document: document, field: Self.join(prefix, "remove"))
    }
    if let value = object["filter"] {
      let field = Self.join(prefix, "filter")
      let names = try filterNames(value, document: document, field: field)
      fields.filters = names
      if !names.isEmpty {
        warnings.noteFilters(names, file: file, service: service ?? serviceID, document: document, field: field)
      }
    }
    if let value = object["executeClientScripts"] {
      let field = Self.join(prefix, "executeClientScripts")
      guard case .bool(let flag) = value else {
        throw error(document, field, "expected true or false, found \(value.kindDescription)")
      }
      fields.executeClientScripts = flag
      if flag {
        warnings.add(
          file: file, service: service ?? serviceID, document: document, field: field, kind: "executeClientScripts",
          message: "\"executeClientScripts\": true is not run: PolicyWatch reads the HTML as served, without "
            + "running the page's scripts, so text that only scripts insert will be missing")
      }
    }
    return fields
  }

  // MARK: Values

  func url(_ value: DeclarationJSON, document: String?, field: String) throws(DeclarationError) -> String {
    guard case .string(let text) = value else {
      throw error(document, field, "expected a URL string, found \(value.kindDescription)")
    }
    guard let components = URLComponents(string: text), let scheme = components.scheme else {
      throw error(document, field, "\"\(text)\" is not a valid absolute URL")
    }
    guard ["http", "https"].contains(scheme.lowercased()) else {
      throw error(document, field, "\"\(text)\" is not an http or https URL")
    }
    guard let host = components.host, !host.isEmpty else {
      throw error(document, field, "\"\(text)\" has no host name")
    }
    return text
  }

  func date(_ value: DeclarationJSON, document: String?, field: String) throws(DeclarationError) -> Date {
    guard case .string(let text) = value else {
      throw error(
        document, field,
        "expected a date-time string such as \"\(RFC3339.example)\", found \(value.kindDescription)")
    }
    switch RFC3339.parse(text) {
    case .success(let date):
      return date
    case .failure(let reason):
      throw error(
        document, field,
        "invalid date \"\(text)\": \(reason.reason); expected an RFC 3339 date-time such as "
          + "\"\(RFC3339.example)\"")
    }
  }

  /// A selector value: a CSS string, a range object, or an array of those.
  func selectors(
    _ value: DeclarationJSON, document: String, field: String
  ) throws(DeclarationError) -> [SelectorSpec] {
    switch value {
    case .string, .object:
      return [try selector(value, document: document, field: field)]
    case .array(let elements):
      var result: [SelectorSpec] = []
      for (index, element) in elements.enumerated() {
        let elementField = "\(field)[\(index)]"
        if case .array = element {
          throw error(
            document, elementField, "expected a CSS selector string or a range object, found a nested array")
        }
        result.append(try selector(element, document: document, field: elementField))
      }
      return result
    default:
      throw error(
        document, field,
        "expected a CSS selector string, a range object or an array of them, found \(value.kindDescription)")
    }
  }

  func selector(_ value: DeclarationJSON, document: String, field: String) throws(DeclarationError) -> SelectorSpec {
    switch value {
    case .string(let css):
      return .css(try cssSelector(css, document: document, field: field))
    case .object(let object):
      let rangeKeys = ["startBefore", "startAfter", "endBefore", "endAfter"]
      for key in object.keys where !rangeKeys.contains(key) {
        throw error(document, "\(field).\(key)", Self.unknownFieldMessage(key, known: rangeKeys, inRange: true))
      }
      func boundary(
        _ beforeKey: String, _ afterKey: String
      ) throws(DeclarationError) -> RangeSelector.Boundary {
        switch (object[beforeKey], object[afterKey]) {
        case (let before?, nil):
          return .before(try rangeCSS(before, field: "\(field).\(beforeKey)"))
        case (nil, let after?):
          return .after(try rangeCSS(after, field: "\(field).\(afterKey)"))
        case (.some, .some):
          throw error(
            document, field,
            "a range needs exactly one of \"\(beforeKey)\" and \"\(afterKey)\", found both")
        case (nil, nil):
          throw error(
            document, field,
            "a range needs exactly one of \"\(beforeKey)\" and \"\(afterKey)\", found neither")
        }
      }
      func rangeCSS(_ value: DeclarationJSON, field: String) throws(DeclarationError) -> String {
        guard case .string(let css) = value else {
          throw error(document, field, "expected a CSS selector string, found \(value.kindDescription)")
        }
        return try cssSelector(css, document: document, field: field)
      }
      let start = try boundary("startBefore", "startAfter")
      let end = try boundary("endBefore", "endAfter")
      return .range(RangeSelector(start: start, end: end))
    default:
      throw error(document, field, "expected a CSS selector string or a range object, found \(value.kindDescription)")
    }
  }

  /// Checks the selector's syntax with the translator the extractor uses, so a declaration that loads is one the
  /// extractor can apply.
  func cssSelector(_ css: String, document: String, field: String) throws(DeclarationError) -> String {
    if css.allSatisfy(\.isWhitespace) {
      throw error(document, field, "empty CSS selector")
    }
    do {
      _ = try CSSSelector.xpath(for: css)
    } catch {
      // The translator's message names the selector and the position; say which selector if it does not.
      let detail = "\(error)"
      throw self.error(
        document, field, detail.contains("\"\(css)\"") ? detail : "invalid CSS selector \"\(css)\": \(detail)")
    }
    return css
  }

  /// OTA filter items: a name, or `{"name": parameters}` (a filter with parameters).
  func filterNames(_ value: DeclarationJSON, document: String, field: String) throws(DeclarationError) -> [String] {
    guard case .array(let elements) = value else {
      throw error(document, field, "expected an array of filter names, found \(value.kindDescription)")
    }
    var names: [String] = []
    for (index, element) in elements.enumerated() {
      switch element {
      case .string(let name) where !name.isEmpty:
        names.append(name)
      case .object(let object) where object.entries.count == 1 && !object.entries[0].key.isEmpty:
        names.append(object.entries[0].key)
      default:
        throw error(
          document, "\(field)[\(index)]",
          "expected a filter name or a {\"name\": parameters} object, found \(element.kindDescription)")
      }
    }
    return names
  }

  // MARK: Messages

  /// `unknown field "ValidUntil"; did you mean "validUntil"?` — the suggestion is a known field equal but for
  /// case, or at most two edits away.
  static func unknownFieldMessage(_ key: String, known: [String], inRange: Bool = false) -> String {
    let what = inRange ? "unknown range field" : "unknown field"
    if let suggestion = suggestion(for: key, among: known) {
      return "\(what) \"\(key)\"; did you mean \"\(suggestion)\"?"
    }
    return "\(what) \"\(key)\" (known fields: \(known.map { "\"\($0)\"" }.joined(separator: ", ")))"
  }

  static func suggestion(for key: String, among known: [String]) -> String? {
    let lowered = key.lowercased()
    if let match = known.first(where: { $0.lowercased() == lowered }) { return match }
    let scored = known.map { ($0, EditDistance.between(lowered, $0.lowercased(), maxLength: 64)) }.filter { $0.1 <= 2 }
    return scored.min { $0.1 < $1.1 }?.0
  }
}

/// Warnings reported once per document and kind, naming the first file and field where the kind was seen.
struct DeclarationWarningCollector: Sendable {
  private var order: [String] = []
  private var entries: [String: DeclarationWarning] = [:]
  private var filterNames: [String: [String]] = [:]

  mutating func add(file: String, service: String, document: String, field: String, kind: String, message: String) {
    let key = "\(document)\u{0}\(kind)"
    guard entries[key] == nil else { return }
    order.append(key)
    entries[key] = DeclarationWarning(file: file, service: service, document: document, field: field, message: message)
  }

  /// Filter names are gathered across the document's pages and history into its single warning.
  mutating func noteFilters(_ names: [String], file: String, service: String, document: String, field: String) {
    let key = "\(document)\u{0}filter"
    var all = filterNames[key] ?? []
    for name in names where !all.contains(name) { all.append(name) }
    filterNames[key] = all
    let list = all.map { "\"\($0)\"" }.joined(separator: ", ")
    let message =
      "JavaScript filter\(all.count == 1 ? "" : "s") \(list) \(all.count == 1 ? "is" : "are") not run by "
      + "PolicyWatch; what \(all.count == 1 ? "it removes or changes" : "they remove or change") stays in the text"
    if var existing = entries[key] {
      existing.message = message
      entries[key] = existing
    } else {
      order.append(key)
      entries[key] = DeclarationWarning(
        file: file, service: service, document: document, field: field, message: message)
    }
  }

  mutating func merge(_ other: DeclarationWarningCollector) {
    for key in other.order {
      guard let warning = other.entries[key] else { continue }
      if let names = other.filterNames[key] {
        noteFilters(
          names, file: warning.file, service: warning.service, document: warning.document, field: warning.field)
      } else if entries[key] == nil {
        order.append(key)
        entries[key] = warning
      }
    }
  }

  var all: [DeclarationWarning] { order.compactMap { entries[$0] } }
}
