import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchExtract

/// libxml2 trees built in per-document arenas (pw_xml_arena.c): same results as malloc, memory given back.
@Suite("HTML document arenas")
struct HTMLArenaTests {
  /// Pages that exercise what the parser allocates: entities, non-ASCII text, attributes, long text grown in place,
  /// broken markup it repairs, and nodes the remove rules unlink and free.
  static func page(_ number: Int) -> String {
    let words = (0..<(40 + number * 7)).map { "w\($0 * (number + 3) % 97)" }.joined(separator: " ")
    return """
      <!doctype html><html lang="fr"><head><title>Politique \(number)</title></head><body>
      <nav class="menu"><a href="/a?x=\(number)">Accueil</a></nav>
      <main id="m\(number)"><h1>Conditions d&rsquo;utilisation n&deg;\(number)</h1>
      <p class="intro" data-n="\(number)">Nous traitons vos données – «\u{00A0}\(words)\u{00A0}» &amp; plus.
      <p>Paragraphe non fermé \(number) <b>gras <i>imbriqué</b> repris</i>
      <div class="sr-only">caché \(number)</div>
      <table><tr><td>Cookie \(number)</td><td>Durée : \(number * 3) mois</td></tr></table>
      <ul>\((0..<number).map { "<li>Élément \($0)</li>" }.joined())</ul>
      </main></body></html>
      """
  }

  static func extract(_ number: Int) throws -> [String] {
    try PageExtractor.extract(
      bytes: Array(page(number).utf8), select: [.css("main")], remove: [.css(".sr-only")]
    ).clauses.map(\.text)
  }

  @Test("pages parsed on four threads at once extract exactly what one thread extracts")
  func concurrentParsesMatchSequential() throws {
    let expected = try (0..<12).map(Self.extract)
    #expect(expected[5].contains { $0.contains("Conditions d’utilisation n°5") })
    #expect(!expected[5].contains { $0.contains("caché") })
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: 4) { worker in
      for round in 0..<30 {
        let number = (worker * 5 + round) % 12
        results.add(number, (try? Self.extract(number)) ?? ["<error>"])
      }
    }
    let collected = results.all
    #expect(collected.count == 120)
    for (number, clauses) in collected {
      #expect(clauses == expected[number], "page \(number)")
    }
  }

  @Test("freed documents give their chunks back: 300 pages later, no more chunks are held")
  func chunksAreReturned() throws {
    let before = HTMLDocument.arenaChunksInUse
    for round in 0..<300 {
      let document = try HTMLDocument(bytes: Array(Self.page(round % 12).utf8))
      #expect(document.treeIsInArena)
      #expect(try document.select(xpath: "//li").count == round % 12)
    }
    // Other tests may hold a few documents meanwhile; a leak would hold at least one chunk per page (300).
    #expect(HTMLDocument.arenaChunksInUse < before + 50)
  }

  @Test("a page with a text too large for an arena block is parsed, and its tree freed node by node")
  func largeBlocksLeaveTheArena() throws {
    let long = String(repeating: "Nous conservons les journaux. ", count: 60_000)  // 1.8 MB in one text node
    let html = "<html><body><main><p>\(long)</p><p>Fin.</p></main></body></html>"
    let document = try HTMLDocument(bytes: Array(html.utf8))
    #expect(!document.treeIsInArena)
    let clauses = try PageExtractor.extract(bytes: Array(html.utf8), select: [.css("main")]).clauses
    // A clause that long is cut into its sentences.
    #expect(clauses.count == 60_001)
    #expect(clauses.dropLast().allSatisfy { $0.text == "Nous conservons les journaux." })
    #expect(clauses.last?.text == "Fin.")
  }

  @Test("POLICYWATCH_XML_ARENA=0 (malloc, for valgrind) extracts the same clauses as the arenas")
  func arenaSwitchGivesSameOutput() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pw-arena-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("page.html")
    try Data(Self.page(9).utf8).write(to: file)
    let arguments = ["extract", file.path, "--select", "main", "--remove", ".sr-only", "--format", "json"]
    let withArenas = try CLI.run(arguments)
    let withMalloc = try CLI.run(arguments, environment: ["POLICYWATCH_XML_ARENA": "0"])
    #expect(withArenas.status == 0, "\(withArenas.error)")
    #expect(withMalloc.status == 0, "\(withMalloc.error)")
    #expect(withArenas.output.contains("Conditions d’utilisation n°9"))
    #expect(withArenas.output == withMalloc.output)
  }

  final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int, [String])] = []
    func add(_ number: Int, _ clauses: [String]) { lock.withLock { items.append((number, clauses)) } }
    var all: [(Int, [String])] { lock.withLock { items } }
  }
}
