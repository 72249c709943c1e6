import Testing

@testable import PolicyWatchSupport

@Suite("JSON reader of user-written files")
struct JSONTextTests {
  func syntaxError(_ text: String) -> JSONSyntaxError? {
    do {
      _ = try JSONText.parse(Array(text.utf8))
      return nil
    } catch {
      return error
    }
  }

  @Test("a syntax error says where it is: line, column and the key path being read")
  func syntaxErrorPath() {
    let missingValue = syntaxError("{\"a\": [1, {\"b\": {\"c\": }}]}")
    #expect(missingValue?.line == 1 && missingValue?.column == 23)
    #expect(missingValue?.keyPath == "a[1].b.c")
    let missingComma = syntaxError("{\"list\": [\n  \"x\"\n  \"y\"]}")
    #expect(missingComma?.line == 3 && missingComma?.column == 3)
    #expect(missingComma?.keyPath == "list")
    #expect(syntaxError("[1 2]")?.keyPath == "")
  }

  @Test("a duplicate key is refused at the second copy, named by its full path")
  func duplicateKeyPath() {
    let duplicate = syntaxError("{\"a\": {\"x\": 1,\n       \"x\": 2}}")
    #expect(duplicate?.message == "duplicate key \"x\"")
    #expect(duplicate?.line == 2 && duplicate?.column == 8)
    #expect(duplicate?.keyPath == "a.x")
    // The same key in two objects is no duplicate.
    #expect(syntaxError("{\"a\": {\"x\": 1}, \"b\": {\"x\": true}}") == nil)
  }

  @Test("true and 1 stay apart")
  func booleansAreNotNumbers() throws {
    let node = try JSONText.parse(Array("{\"flag\": true, \"count\": 1}".utf8))
    #expect(node["flag"]?.bool == true && node["flag"]?.number == nil)
    #expect(node["count"]?.number == 1 && node["count"]?.bool == nil)
  }
}
