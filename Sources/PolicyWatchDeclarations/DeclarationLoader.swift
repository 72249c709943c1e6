import Foundation

/// Reads OTA declaration files. Names of services and documents are data: nothing here builds a path from them
/// (the only path derived is the sibling `<Service>.history.json` of a file the caller named).
public enum DeclarationLoader {
  /// Declaration files larger than this are refused (the largest real ones are a few kilobytes).
  public static let maximumFileSize = 16 << 20

  /// Reads `<Service>.json` and, when present, its sibling `<Service>.history.json`. The service id is the file
  /// name without `.json`. Warnings (fields PolicyWatch does not run) come once per document.
  public static func loadService(
    at path: String
  ) throws(DeclarationError) -> (ServiceDeclaration, [DeclarationWarning]) {
    let fileName = (path as NSString).lastPathComponent
    if fileName.hasSuffix(".history.json") {
      throw DeclarationError(
        file: path,
        message: "this is a history file; load its service file \"\(fileName.dropLast(13)).json\" instead")
    }
    guard fileName.hasSuffix(".json"), fileName.count > 5 else {
      throw DeclarationError(file: path, message: "a service declaration file is named \"<Service>.json\"")
    }
    let serviceID = String(fileName.dropLast(5))
    var parser = DeclarationParser(file: path, service: serviceID)
    let root = try readJSON(path, service: serviceID)

    guard case .object(let object) = root else {
      throw parser.error(nil, nil, "expected an object with \"name\" and \"terms\", found \(root.kindDescription)")
    }
    let topKeys = ["name", "terms", "importedFrom"]
    for key in object.keys where !topKeys.contains(key) && key != "documents" {
      throw parser.error(nil, key, DeclarationParser.unknownFieldMessage(key, known: topKeys))
    }
    guard let nameValue = object["name"] else {
      throw parser.error(nil, "name", "missing required field \"name\" (the service's public name)")
    }
    guard case .string(let name) = nameValue, !name.isEmpty else {
      throw parser.error(nil, "name", "expected a non-empty string, found \(nameValue.kindDescription)")
    }
    if let imported = object["importedFrom"], case .string = imported {
    } else if let imported = object["importedFrom"] {
      throw parser.error(nil, "importedFrom", "expected a string, found \(imported.kindDescription)")
    }
    // Declarations written before OTA engine 1.0 call "terms" "documents"; both are read, not both at once.
    let termsKey: String
    switch (object["terms"], object["documents"]) {
    case (.some, .some):
      throw parser.error(nil, "documents", "\"documents\" is the former name of \"terms\"; keep only \"terms\"")
    case (.some, nil): termsKey = "terms"
    case (nil, .some): termsKey = "documents"
    case (nil, nil):
      throw parser.error(nil, "terms", "missing required field \"terms\" (the documents to watch)")
    }
    guard case .object(let terms) = object[termsKey]! else {
      throw parser.error(
        nil, termsKey, "expected an object of documents, found \(object[termsKey]!.kindDescription)")
    }
    if terms.entries.isEmpty {
      throw parser.error(nil, termsKey, "no documents declared")
    }
    var documents: [DocumentDeclaration] = []
    for (type, value) in terms.entries {
      if type.allSatisfy(\.isWhitespace) {
        throw parser.error(type, nil, "a document type must not be empty")
      }
      documents.append(
        try parser.document(value, type: type, serviceID: serviceID, prefix: "", validUntil: .forbidden))
    }
    var warnings = parser.warnings

    var history: [String: [DocumentDeclaration]] = [:]
    let historyPath = String(path.dropLast(5)) + ".history.json"
    if FileManager.default.fileExists(atPath: historyPath) {
      var historyParser = DeclarationParser(file: historyPath, service: serviceID)
      history = try loadHistory(historyPath, serviceID: serviceID, parser: &historyParser)
      warnings.merge(historyParser.warnings)
    }
    return (ServiceDeclaration(id: serviceID, name: name, documents: documents, history: history), warnings.all)
  }

  /// `<Service>.history.json`: `{"<Document type>": [{…declaration…, "validUntil": date}, …]}`.
  private static func loadHistory(
    _ path: String, serviceID: String, parser: inout DeclarationParser
  ) throws(DeclarationError) -> [String: [DocumentDeclaration]] {
    let root = try readJSON(path, service: serviceID)
    guard case .object(let object) = root else {
      throw parser.error(
        nil, nil, "expected an object of documents, each with its earlier declarations, found \(root.kindDescription)")
    }
    var history: [String: [DocumentDeclaration]] = [:]
    for (type, value) in object.entries {
      guard case .array(let entries) = value else {
        throw parser.error(
          type, nil,
          "expected an array of earlier declarations, each with \"validUntil\", found \(value.kindDescription)")
      }
      var declarations: [DocumentDeclaration] = []
      for (index, entry) in entries.enumerated() {
        declarations.append(
          try parser.document(entry, type: type, serviceID: serviceID, prefix: "[\(index)]", validUntil: .required))
      }
      history[type] = sortedByValidUntil(declarations)
    }
    return history
  }

  /// Oldest first, as OTA sorts them; equal dates keep file order.
  static func sortedByValidUntil(_ declarations: [DocumentDeclaration]) -> [DocumentDeclaration] {
    declarations.enumerated().sorted { a, b in
      let dateA = a.element.validUntil ?? .distantFuture
      let dateB = b.element.validUntil ?? .distantFuture
      return dateA == dateB ? a.offset < b.offset : dateA < dateB
    }.map(\.element)
  }

  /// Every `<Service>.json` of a directory (not recursive, hidden files skipped, in name order), or the one file
  /// `path` names. A file that cannot be used is reported in `errors` and never stops the others.
  public static func loadDirectory(
    _ path: String
  ) -> (services: [ServiceDeclaration], warnings: [DeclarationWarning], errors: [DeclarationError]) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return ([], [], [DeclarationError(file: path, message: "no such file or directory")])
    }
    guard isDirectory.boolValue else {
      do {
        let (service, warnings) = try loadService(at: path)
        return ([service], warnings, [])
      } catch {
        return ([], [], [error])
      }
    }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    } catch {
      return (
        [], [], [DeclarationError(file: path, message: "cannot list the directory: \(error.localizedDescription)")]
      )
    }
    var services: [ServiceDeclaration] = []
    var warnings: [DeclarationWarning] = []
    var errors: [DeclarationError] = []
    let serviceFiles = Set(names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".history.json") })
    for name in names where !name.hasPrefix(".") && name.hasSuffix(".json") {
      let filePath = (path as NSString).appendingPathComponent(name)
      if name.hasSuffix(".history.json") {
        let serviceFile = String(name.dropLast(13)) + ".json"
        if !serviceFiles.contains(serviceFile) {
          errors.append(
            DeclarationError(
              file: filePath, service: String(name.dropLast(13)),
              message: "history file without its service file \"\(serviceFile)\"; it is not used"))
        }
        continue
      }
      do {
        let (service, serviceWarnings) = try loadService(at: filePath)
        services.append(service)
        warnings += serviceWarnings
      } catch {
        errors.append(error)
      }
    }
    return (services, warnings, errors)
  }

  // MARK: Files

  static func readJSON(_ path: String, service: String?) throws(DeclarationError) -> DeclarationJSON {
    let bytes = try readFile(path, service: service)
    do {
      return try DeclarationJSON.parse(bytes)
    } catch {
      throw DeclarationError(
        file: path, service: service,
        message: "invalid JSON at line \(error.line), column \(error.column): \(error.message)")
    }
  }

  static func readFile(_ path: String, service: String?) throws(DeclarationError) -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      let exists = FileManager.default.fileExists(atPath: path)
      throw DeclarationError(
        file: path, service: service, message: exists ? "cannot read the file" : "no such file")
    }
    defer { try? handle.close() }
    do {
      // One byte more than allowed tells an oversized file from one exactly at the limit.
      let data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
      if data.count > maximumFileSize {
        throw DeclarationError(
          file: path, service: service, message: "larger than \(maximumFileSize >> 20) MiB; not a declaration")
      }
      return [UInt8](data)
    } catch let error as DeclarationError {
      throw error
    } catch {
      throw DeclarationError(
        file: path, service: service, message: "cannot read the file: \(error.localizedDescription)")
    }
  }
}
