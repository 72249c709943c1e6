import Foundation

/// `DIR/declaration.json` of a replay folder: the declaration of one document with every record of the rules it
/// had over time, so that each snapshot is extracted with the rules in force when it was fetched.
///
/// ```
/// {"service": "…", "document": "…",
///  "declaration": {…} | null,                       // the rules now; null when OTA terminated the document
///  "history": [{…, "validUntil": date}] | null,      // entries of <Service>.history.json
///  "declaration_git_history": [{"commit", "date", "subject", "declaration": {…} | null}] | null,
///  "filters": [names] | null, …metadata}
/// ```
public struct ReplayDeclaration: Sendable {
  /// The rules as committed to the declarations repository at `from`, in force until the next entry's `from`.
  /// `declaration` is nil when the commit removed the document (OTA "terminated" it).
  public struct GitHistoryEntry: Sendable, Hashable {
    public var from: Date
    public var commit: String?
    public var subject: String?
    public var declaration: DocumentDeclaration?

    public init(from: Date, commit: String? = nil, subject: String? = nil, declaration: DocumentDeclaration?) {
      self.from = from
      self.commit = commit
      self.subject = subject
      self.declaration = declaration
    }
  }

  public var service: String
  public var document: String
  /// The declaration now in force; nil for a terminated document (its rules are then only in the histories).
  public var current: DocumentDeclaration?
  /// `<Service>.history.json` entries, oldest first, each with `validUntil`.
  public var history: [DocumentDeclaration]
  /// Oldest first.
  public var gitHistory: [GitHistoryEntry]
  /// Fields PolicyWatch does not run, misspellings it read anyway, unknown top-level fields it ignored.
  public var warnings: [DeclarationWarning]

  public init(
    service: String, document: String, current: DocumentDeclaration?, history: [DocumentDeclaration] = [],
    gitHistory: [GitHistoryEntry] = [], warnings: [DeclarationWarning] = []
  ) {
    self.service = service
    self.document = document
    self.current = current
    self.history = DeclarationLoader.sortedByValidUntil(history)
    self.gitHistory = gitHistory.enumerated().sorted { a, b in
      a.element.from == b.element.from ? a.offset < b.offset : a.element.from < b.element.from
    }.map(\.element)
    self.warnings = warnings
  }

  /// The rules to extract a snapshot fetched at `date` with.
  ///
  /// The two histories are combined as follows. `declaration_git_history` records every edit of the rules, each
  /// in force from its commit date, so where it covers `date` it is the most precise record and wins. OTA's
  /// `history` (`validUntil` entries) is a coarser, hand-written summary — a terminated document's history may
  /// hold a single entry covering its whole life — so it serves where the git record is silent: before its first
  /// commit, or after a commit that removed the document. In order:
  /// 1. the last git entry from on or before `date`, if it declares the document;
  /// 2. else OTA's rule on `history`: the entry with the earliest `validUntil` ≥ `date`;
  /// 3. else, before the first commit, the oldest committed rules (the closest in time);
  /// 4. else the current declaration;
  /// 5. else (a snapshot after the document was terminated) the last rules it had.
  public func declaration(at date: Date) -> DocumentDeclaration {
    if let entry = gitHistory.last(where: { $0.from <= date }), let declaration = entry.declaration {
      return declaration
    }
    if let entry = history.first(where: { entry in entry.validUntil.map { date <= $0 } ?? false }) {
      return entry
    }
    if let first = gitHistory.first, date < first.from,
      let oldest = gitHistory.lazy.compactMap(\.declaration).first
    {
      return oldest
    }
    if let current { return current }
    if let last = gitHistory.last(where: { $0.from <= date && $0.declaration != nil })?.declaration {
      return last
    }
    // The loader guarantees at least one declaration; `history` is then non-empty if nothing else matched.
    return history.last ?? gitHistory.compactMap(\.declaration).last!
  }

  /// The rules for a snapshot fetched at `date` from the pages `pageIDs` (the `#id` suffixes of its snapshot
  /// files; empty for a single-page snapshot).
  ///
  /// Commit dates are when a rule change was recorded, not when OTA started using it: in real histories, pages
  /// of a new `combine` declaration were fetched hours before the commit that declares them. So when the rules in
  /// force do not have these pages, the nearest rules that do are used: first later commits (oldest first), then
  /// earlier ones (newest first), then history entries and the current declaration; if none fits, the rules in
  /// force.
  public func declaration(at date: Date, pageIDs: Set<String>) -> DocumentDeclaration {
    let inForce = declaration(at: date)
    func fits(_ declaration: DocumentDeclaration) -> Bool {
      if pageIDs.isEmpty { return !declaration.isCombined }
      return declaration.isCombined && pageIDs.isSubset(of: Set(declaration.pages.map(\.id)))
    }
    if fits(inForce) { return inForce }
    let later = gitHistory.filter { $0.from > date }.compactMap(\.declaration)
    let earlier = gitHistory.filter { $0.from <= date }.reversed().compactMap(\.declaration)
    let candidates = later + earlier + history + (current.map { [$0] } ?? [])
    return candidates.first(where: fits) ?? inForce
  }

  /// Every distinct set of rules the document has had (ignoring `validUntil`), oldest record first.
  public var allDeclarations: [DocumentDeclaration] {
    var result: [DocumentDeclaration] = []
    let all = history + gitHistory.compactMap(\.declaration) + (current.map { [$0] } ?? [])
    for declaration in all where !result.contains(where: { $0.hasSameRules(as: declaration) }) {
      result.append(declaration)
    }
    return result
  }
}

extension DeclarationLoader {
  /// Top-level fields of a replay `declaration.json` that describe where it came from; read past silently.
  static let replayMetadataKeys: Set<String> = [
    "service_id", "declarations_repository", "declarations_commit", "declarations_commit_date",
    "declaration_status", "history_file_exists", "filters_js", "declaration_commits",
  ]

  /// Reads `DIR/declaration.json` of the replay layout. The service id is the `service` field.
  public static func loadReplayDeclaration(at path: String) throws(DeclarationError) -> ReplayDeclaration {
    let root = try readJSON(path, service: nil)
    var parser = DeclarationParser(file: path, service: nil)
    guard case .object(let object) = root else {
      throw parser.error(
        nil, nil, "expected an object with \"service\", \"document\" and \"declaration\", found \(root.kindDescription)"
      )
    }
    func requiredString(_ key: String) throws(DeclarationError) -> String {
      guard let value = object[key] else { throw parser.error(nil, key, "missing required field \"\(key)\"") }
      guard case .string(let text) = value, !text.isEmpty else {
        throw parser.error(nil, key, "expected a non-empty string, found \(value.kindDescription)")
      }
      return text
    }
    let service = try requiredString("service")
    parser.service = service
    let document = try requiredString("document")

    let known: Set<String> = ["service", "document", "declaration", "history", "declaration_git_history", "filters"]
    var extraWarnings: [DeclarationWarning] = []
    for key in object.keys where !known.contains(key) && !replayMetadataKeys.contains(key) {
      extraWarnings.append(
        DeclarationWarning(
          file: path, service: service, document: document, field: key,
          message: DeclarationParser.unknownFieldMessage(key, known: known.sorted()) + "; ignored"))
    }

    var current: DocumentDeclaration?
    if let value = object["declaration"], !value.isNull {
      current = try parser.document(
        value, type: document, serviceID: service, prefix: "declaration", validUntil: .forbidden)
    }

    var history: [DocumentDeclaration] = []
    if let value = object["history"], !value.isNull {
      guard case .array(let entries) = value else {
        throw parser.error(document, "history", "expected an array of history entries, found \(value.kindDescription)")
      }
      for (index, entry) in entries.enumerated() {
        history.append(
          try parser.document(
            entry, type: document, serviceID: service, prefix: "history[\(index)]",
            validUntil: .requiredAcceptingMiscapitalisation))
      }
    }

    var gitHistory: [ReplayDeclaration.GitHistoryEntry] = []
    if let value = object["declaration_git_history"], !value.isNull {
      guard case .array(let entries) = value else {
        throw parser.error(
          document, "declaration_git_history", "expected an array of commits, found \(value.kindDescription)")
      }
      for (index, entry) in entries.enumerated() {
        let prefix = "declaration_git_history[\(index)]"
        guard case .object(let commit) = entry else {
          throw parser.error(document, prefix, "expected an object (a commit), found \(entry.kindDescription)")
        }
        let commitKeys = ["commit", "date", "subject", "declaration"]
        for key in commit.keys where !commitKeys.contains(key) {
          throw parser.error(
            document, "\(prefix).\(key)", DeclarationParser.unknownFieldMessage(key, known: commitKeys))
        }
        guard let dateValue = commit["date"] else {
          throw parser.error(document, "\(prefix).date", "missing required field \"date\" (the commit date)")
        }
        let from = try parser.date(dateValue, document: document, field: "\(prefix).date")
        func optionalString(_ key: String) throws(DeclarationError) -> String? {
          guard let value = commit[key], !value.isNull else { return nil }
          guard case .string(let text) = value else {
            throw parser.error(document, "\(prefix).\(key)", "expected a string, found \(value.kindDescription)")
          }
          return text
        }
        guard let declarationValue = commit["declaration"] else {
          throw parser.error(
            document, "\(prefix).declaration",
            "missing required field \"declaration\" (the rules from this commit on, or null if it removed them)")
        }
        var declaration: DocumentDeclaration?
        if !declarationValue.isNull {
          declaration = try parser.document(
            declarationValue, type: document, serviceID: service, prefix: "\(prefix).declaration",
            validUntil: .forbidden)
        }
        gitHistory.append(
          ReplayDeclaration.GitHistoryEntry(
            from: from, commit: try optionalString("commit"), subject: try optionalString("subject"),
            declaration: declaration))
      }
    }

    if let value = object["filters"], !value.isNull {
      let names = try parser.filterNames(value, document: document, field: "filters")
      if !names.isEmpty {
        parser.warnings.noteFilters(names, file: path, service: service, document: document, field: "filters")
      }
    }

    if current == nil && history.isEmpty && !gitHistory.contains(where: { $0.declaration != nil }) {
      throw parser.error(
        document, "declaration",
        "no rules to extract with: \"declaration\" is null and neither \"history\" nor \"declaration_git_history\" "
          + "declares the document")
    }
    return ReplayDeclaration(
      service: service, document: document, current: current, history: history, gitHistory: gitHistory,
      warnings: parser.warnings.all + extraWarnings)
  }
}

extension DeclarationJSON {
  var isNull: Bool {
    if case .null = self { return true }
    return false
  }
}
