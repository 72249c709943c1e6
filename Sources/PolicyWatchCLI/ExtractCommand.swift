import ArgumentParser
import Foundation
import PolicyWatchDeclarations
import PolicyWatchExtract
import PolicyWatchFetch
import PolicyWatchText
import PolicyWatchView

/// `policywatch extract`: show the clauses PolicyWatch extracts from a page.
struct ExtractCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "extract",
    abstract: "Print the clauses and declared dates extracted from an HTML file or URL.",
    discussion: """
      Rules come from --declaration FILE --document NAME (an Open Terms Archive <Service>.json), or from \
      --select/--remove CSS selectors; with neither, the whole <body> is extracted. JSON schema: README.md.
      """
  )

  @Argument(help: "An HTML file, or an http(s) URL.")
  var source: String

  @Option(help: "An Open Terms Archive declaration file (<Service>.json).")
  var declaration: String?

  @Option(help: "The document type in the declaration (e.g. \"Privacy Policy\").")
  var document: String?

  @Option(help: "A CSS selector of what to keep (repeatable).")
  var select: [String] = []

  @Option(help: "A CSS selector of what to drop (repeatable).")
  var remove: [String] = []

  @Option(help: "The charset, when the file's own declarations should be overridden.")
  var charset: String?

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

  @Option(help: "text (section + clause), markdown, or json.")
  var format: Format = .text

  func run() async throws {
    var bytes: [UInt8]
    var httpCharset = charset
    if source.hasPrefix("http://") || source.hasPrefix("https://") {
      let result = await Fetcher().fetch(FetchRequest(url: source))
      guard case .fetched(let response) = result.outcome else {
        printError("policywatch: \(source): \(result.error.map { "\($0)" } ?? "not fetched")")
        throw ExitCode(2)
      }
      bytes = response.body
      httpCharset = httpCharset ?? response.declaredCharset
    } else {
      guard let data = FileManager.default.contents(atPath: source) else {
        printError("policywatch: cannot read \(source)")
        throw ExitCode(2)
      }
      bytes = [UInt8](data)
    }
    var rules: DocumentDeclaration
    if let declaration {
      let service: ServiceDeclaration
      do {
        (service, _) = try DeclarationLoader.loadService(at: declaration)
      } catch {
        printError("policywatch: \(error)")
        throw ExitCode(2)
      }
      guard let name = document ?? (service.documents.count == 1 ? service.documents[0].documentType : nil),
        let found = service.documents.first(where: { $0.documentType == name })
      else {
        printError(
          "policywatch: choose --document among: " + service.documents.map(\.documentType).joined(separator: ", "))
        throw ExitCode(64)
      }
      rules = found
    } else {
      var page = PageDeclaration(
        id: "page", fetch: source, select: select.map(SelectorSpec.css), remove: remove.map(SelectorSpec.css))
      if select.isEmpty { page.select = [.css("body")] }
      rules = DocumentDeclaration(service: "-", documentType: "-", pages: [page], isCombined: false)
    }
    let pages = Dictionary(
      uniqueKeysWithValues: rules.pages.map { ($0.id, RawPage(id: $0.id, bytes: bytes, httpCharset: httpCharset)) })
    let extracted: ExtractedDocument
    do {
      extracted = try DocumentExtractor.extract(rules, pages: pages)
    } catch {
      printError("policywatch: \(source): \(error.reason(in: rules, raw: pages[error.page]))")
      throw ExitCode(1)
    }
    switch format {
    case .text:
      print(ClauseRendering.text(extracted.clauses), terminator: "")
      for date in extracted.declaredDates {
        print("declared \(date.kind.rawValue) \(date.date)\(date.ambiguous ? " (ambiguous)" : ""): \(date.phrase)")
      }
    case .markdown:
      print(ClauseRendering.markdown(extracted.clauses), terminator: "")
    case .json:
      struct Output: Encodable {
        var title: String?
        var language: String?
        var declaredDates: [DeclaredDate]
        var clauses: [Clause]
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      let data = try encoder.encode(
        Output(
          title: extracted.title, language: extracted.language, declaredDates: extracted.declaredDates,
          clauses: extracted.clauses))
      print(String(decoding: data, as: UTF8.self))
    }
  }
}
