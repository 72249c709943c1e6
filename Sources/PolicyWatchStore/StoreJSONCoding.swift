import Foundation
import PolicyWatchText

/// Hand-written JSON for the store's largest records, `versions/<id>.json`.
///
/// Foundation's `JSONEncoder`/`JSONDecoder` went through `Codable`'s boxed containers for every clause and were about
/// an eighth of a changed `check` (each change writes the new version and reads the previous one). The Codable
/// models stay the schema: `StoreJSONWriter` writes exactly the bytes `StoreJSON.prettyEncoder` writes (sorted keys,
/// `" : "`, two-space indent, the same escapes), and `StoreJSONReader` reads what `StoreJSONDecoder` reads into the
/// same value or gives up (nil), in which case the caller falls back to `JSONDecoder`, so that any file it accepts
/// is still read exactly as before. The tests compare both ways on randomised records.

/// Appends JSON to a byte buffer, compact or pretty-printed exactly like `JSONEncoder` with `.prettyPrinted`,
/// `.sortedKeys` and `.withoutEscapingSlashes`. Callers write the keys of an object in sorted order (`String <`).
struct StoreJSONWriter {
  private(set) var bytes: [UInt8] = []
  let pretty: Bool
  private var depth = 0
  /// Whether the innermost open object or array has no element yet.
  private var empty = true

  init(pretty: Bool, capacity: Int = 4096) {
    self.pretty = pretty
    bytes.reserveCapacity(capacity)
  }

  private mutating func newlineAndIndent() {
    bytes.append(0x0A)
    for _ in 0..<depth {
      bytes.append(0x20)
      bytes.append(0x20)
    }
  }

  /// Before an element of an array or a key of an object.
  private mutating func separate() {
    if !empty { bytes.append(0x2C) }
    empty = false
    if pretty { newlineAndIndent() }
  }

  mutating func open(_ bracket: UInt8) {
    bytes.append(bracket)
    depth += 1
    empty = true
  }

  /// `JSONEncoder` prints an empty container as an opening line, an empty line and the closing bracket.
  mutating func close(_ bracket: UInt8) {
    depth -= 1
    if pretty {
      if empty { bytes.append(0x0A) }
      newlineAndIndent()
    }
    bytes.append(bracket)
    empty = false
  }

  mutating func beginObject() { open(0x7B) }
  mutating func endObject() { close(0x7D) }
  mutating func beginArray() { open(0x5B) }
  mutating func endArray() { close(0x5D) }

  mutating func key(_ key: String) {
    separate()
    string(key)
    if pretty {
      bytes.append(contentsOf: [0x20, 0x3A, 0x20])
    } else {
      bytes.append(0x3A)
    }
  }

  /// An array element (the value itself follows with `string`, `int`, `beginObject`…).
  mutating func element() { separate() }

  mutating func string(_ value: String) {
    bytes.append(0x22)
    var value = value
    value.withUTF8 { utf8 in
      var start = 0
      for index in 0..<utf8.count {
        let byte = utf8[index]
        guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
        start = index + 1
        bytes.append(0x5C)
        switch byte {
        case 0x22: bytes.append(0x22)
        case 0x5C: bytes.append(0x5C)
        case 0x08: bytes.append(0x62)
        case 0x0C: bytes.append(0x66)
        case 0x0A: bytes.append(0x6E)
        case 0x0D: bytes.append(0x72)
        case 0x09: bytes.append(0x74)
        default:
          let hex: [UInt8] = Array("0123456789abcdef".utf8)
          bytes.append(contentsOf: [0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        }
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
    }
    bytes.append(0x22)
  }

  mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

  mutating func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }

  mutating func stringArray(_ values: [String]) {
    beginArray()
    for value in values {
      element()
      string(value)
    }
    endArray()
  }

  /// A `[String: String]` as `JSONEncoder` sorts it.
  mutating func stringMap(_ map: [String: String]) {
    beginObject()
    for (name, value) in map.sorted(by: { $0.key < $1.key }) {
      key(name)
      string(value)
    }
    endObject()
  }

  /// `"key": value` for a string; nothing when it is nil (`JSONEncoder` leaves out nil optionals).
  mutating func member(_ name: String, _ value: String?) {
    guard let value else { return }
    key(name)
    string(value)
  }

  /// `"key": value` for an integer; nothing when it is nil.
  mutating func member(_ name: String, _ value: Int?) {
    guard let value else { return }
    key(name)
    int(value)
  }

  /// `"key": [strings]`.
  mutating func member(_ name: String, _ values: [String]) {
    key(name)
    stringArray(values)
  }

  /// The JSON written so far and the newline `StoreJSON.pretty` ends a file with.
  var file: [UInt8] { bytes + [0x0A] }
}

extension VersionRecord {
  /// `versions/<id>.json`: the bytes of `StoreJSON.pretty(self)`, written without `Codable`.
  func storeJSON() -> [UInt8] {
    var writer = StoreJSONWriter(pretty: true, capacity: clauses.reduce(1024) { $0 + 2 * $1.text.utf8.count + 200 })
    writer.beginObject()
    writer.key("clauses")
    writer.beginArray()
    for clause in clauses {
      writer.element()
      writer.beginObject()
      writer.member("key", clause.key)
      writer.member("kind", clause.kind.rawValue)
      writer.member("level", clause.level)
      writer.key("links")
      writer.beginArray()
      for link in clause.links {
        writer.element()
        writer.beginObject()
        writer.member("target", link.target)
        writer.member("text", link.text)
        writer.endObject()
      }
      writer.endArray()
      writer.member("section", clause.section)
      writer.member("source", clause.source)
      writer.member("text", clause.text)
      writer.endObject()
    }
    writer.endArray()
    writer.key("declaredDates")
    writer.beginArray()
    for date in declaredDates {
      writer.element()
      writer.beginObject()
      writer.key("ambiguous")
      writer.bool(date.ambiguous)
      writer.member("clauseIndex", date.clauseIndex)
      writer.member("date", date.date)
      writer.member("kind", date.kind.rawValue)
      writer.member("phrase", date.phrase)
      writer.member("precision", date.precision?.rawValue)
      writer.endObject()
    }
    writer.endArray()
    writer.member("document", document)
    writer.member("extractor", extractor)
    writer.member("firstSeen", StoreJSON.format(firstSeen))
    writer.member("id", id)
    writer.member("language", language)
    if let pages {
      writer.key("pages")
      writer.stringMap(pages)
    }
    writer.member("rules", rules)
    writer.member("service", service)
    writer.member("snapshot", snapshot)
    writer.member("title", title)
    writer.endObject()
    return writer.file
  }

  /// Reads `versions/<id>.json`: the hand-written reader, else (a file it does not handle) `JSONDecoder`.
  static func fromStoreJSON(_ bytes: [UInt8]) -> VersionRecord? {
    if let record = StoreJSONReader.version(bytes) { return record }
    return try? StoreJSON.decoder.decode(VersionRecord.self, from: Data(bytes))
  }
}

extension DocumentState {
  /// `state.json`: the bytes of `StoreJSON.pretty(self)` (with `pinned` sorted, where `JSONEncoder` writes a set in
  /// its hash order), written without `Codable`.
  func storeJSON() -> [UInt8] {
    var writer = StoreJSONWriter(pretty: true, capacity: 1024 + 80 * pinned.count)
    writer.beginObject()
    writer.member("current", current)
    writer.member("currentLastSeen", currentLastSeen.map(StoreJSON.format))
    if let summary = currentSummary {
      writer.key("currentSummary")
      writer.beginObject()
      writer.member("clauseCount", summary.clauseCount)
      writer.member("extractor", summary.extractor)
      writer.member("id", summary.id)
      writer.member("language", summary.language)
      writer.member("rules", summary.rules)
      writer.endObject()
    }
    writer.member("document", document)
    writer.member("inaccessibleReason", inaccessibleReason)
    writer.member("inaccessibleSince", inaccessibleSince.map(StoreJSON.format))
    writer.member("lastAttempt", lastAttempt.map(StoreJSON.format))
    writer.key("pages")
    writer.beginObject()
    for (id, page) in pages.sorted(by: { $0.key < $1.key }) {
      writer.key(id)
      writer.beginObject()
      writer.member("etag", page.etag)
      writer.member("httpCharset", page.httpCharset)
      writer.member("lastModified", page.lastModified)
      writer.member("latestSnapshot", page.latestSnapshot)
      writer.member("url", page.url)
      writer.endObject()
    }
    writer.endObject()
    writer.member("pinned", pinned.sorted())
    writer.member("recent", recent)
    writer.member("service", service)
    writer.endObject()
    return writer.file
  }

  /// Reads `state.json`: the hand-written reader, else `JSONDecoder`.
  static func fromStoreJSON(_ bytes: [UInt8]) -> DocumentState? {
    if let state = StoreJSONReader.state(bytes) { return state }
    return try? StoreJSON.decoder.decode(DocumentState.self, from: Data(bytes))
  }
}

/// A strict reader of `versions/<id>.json`. It returns a record only when the whole input is well-formed JSON of
/// the record's shape (any key order and whitespace, unknown keys skipped, `null` for absent optionals), and nil
/// for anything else, however minor (a number with a fraction, a duplicated key, a lone surrogate, invalid UTF-8,
/// nesting beyond 64 levels): the caller then asks `JSONDecoder`, which gives the authoritative answer.
struct StoreJSONReader {
  private let input: UnsafeBufferPointer<UInt8>
  private var position = 0

  private init(_ input: UnsafeBufferPointer<UInt8>) { self.input = input }

  static func version(_ bytes: [UInt8]) -> VersionRecord? {
    bytes.withUnsafeBufferPointer { buffer in
      var reader = StoreJSONReader(buffer)
      guard let record = reader.versionRecord() else { return nil }
      reader.skipSpace()
      return reader.position == buffer.count ? record : nil
    }
  }

  static func state(_ bytes: [UInt8]) -> DocumentState? {
    bytes.withUnsafeBufferPointer { buffer in
      var reader = StoreJSONReader(buffer)
      guard let state = reader.documentState() else { return nil }
      reader.skipSpace()
      return reader.position == buffer.count ? state : nil
    }
  }

  /// The `time` of a timeline line, without decoding the rest (its events can be long); nil when the line is
  /// not an object with one well-formed `time`.
  static func timelineTime(_ bytes: [UInt8]) -> Date? {
    bytes.withUnsafeBufferPointer { buffer in
      var reader = StoreJSONReader(buffer)
      var time: Date?
      let complete = reader.object { reader, key in
        key == "time" ? Self.set(&time, reader.string().flatMap(StoreJSON.parse)) : reader.skipValue(depth: 1)
      }
      reader.skipSpace()
      return complete && reader.position == buffer.count ? time : nil
    }
  }

  // MARK: The record's shape

  private mutating func documentState() -> DocumentState? {
    var service: String?
    var document: String?
    var current: String??
    var currentLastSeen: Date??
    var recent: [String]?
    var pages: [String: PageState]?
    var lastAttempt: Date??
    var inaccessibleSince: Date??
    var inaccessibleReason: String??
    var currentSummary: VersionSummary??
    var pinned: [String]?
    let complete = object { reader, key in
      switch key {
      case "service": return Self.set(&service, reader.string())
      case "document": return Self.set(&document, reader.string())
      case "current": return reader.setOptional(&current) { $0.string() }
      case "currentLastSeen": return reader.setOptional(&currentLastSeen) { $0.string().flatMap(StoreJSON.parse) }
      case "recent": return Self.set(&recent, reader.array { $0.string() })
      case "pages": return Self.set(&pages, reader.pageStates())
      case "lastAttempt": return reader.setOptional(&lastAttempt) { $0.string().flatMap(StoreJSON.parse) }
      case "inaccessibleSince":
        return reader.setOptional(&inaccessibleSince) { $0.string().flatMap(StoreJSON.parse) }
      case "inaccessibleReason": return reader.setOptional(&inaccessibleReason) { $0.string() }
      case "currentSummary": return reader.setOptional(&currentSummary) { $0.versionSummary() }
      case "pinned": return Self.set(&pinned, reader.array { $0.string() })
      default: return reader.skipValue(depth: 1)
      }
    }
    guard complete, let service, let document, let recent, let pages, let pinned else { return nil }
    var state = DocumentState(service: service, document: document)
    state.current = current ?? nil
    state.currentLastSeen = currentLastSeen ?? nil
    state.recent = recent
    state.pages = pages
    state.lastAttempt = lastAttempt ?? nil
    state.inaccessibleSince = inaccessibleSince ?? nil
    state.inaccessibleReason = inaccessibleReason ?? nil
    state.currentSummary = currentSummary ?? nil
    state.pinned = Set(pinned)
    return state
  }

  private mutating func pageStates() -> [String: PageState]? {
    var map: [String: PageState] = [:]
    let complete = object { reader, id in
      guard map[id] == nil else { return false }
      var url: String?
      var etag: String??
      var lastModified: String??
      var latestSnapshot: String??
      var httpCharset: String??
      let page = reader.object { reader, key in
        switch key {
        case "url": return Self.set(&url, reader.string())
        case "etag": return reader.setOptional(&etag) { $0.string() }
        case "lastModified": return reader.setOptional(&lastModified) { $0.string() }
        case "latestSnapshot": return reader.setOptional(&latestSnapshot) { $0.string() }
        case "httpCharset": return reader.setOptional(&httpCharset) { $0.string() }
        default: return reader.skipValue(depth: 3)
        }
      }
      guard page, let url else { return false }
      map[id] = PageState(
        url: url, etag: etag ?? nil, lastModified: lastModified ?? nil, latestSnapshot: latestSnapshot ?? nil,
        httpCharset: httpCharset ?? nil)
      return true
    }
    return complete ? map : nil
  }

  private mutating func versionSummary() -> VersionSummary? {
    var id: String?
    var rules: String?
    var extractor: Int?
    var clauseCount: Int?
    var language: String??
    let complete = object { reader, key in
      switch key {
      case "id": return Self.set(&id, reader.string())
      case "rules": return Self.set(&rules, reader.string())
      case "extractor": return Self.set(&extractor, reader.int())
      case "clauseCount": return Self.set(&clauseCount, reader.int())
      case "language": return reader.setOptional(&language) { $0.string() }
      default: return reader.skipValue(depth: 2)
      }
    }
    guard complete, let id, let rules, let extractor, let clauseCount else { return nil }
    return VersionSummary(
      id: id, rules: rules, extractor: extractor, clauseCount: clauseCount, language: language ?? nil)
  }

  private mutating func versionRecord() -> VersionRecord? {
    var id: String?
    var service: String?
    var document: String?
    var firstSeen: Date?
    var snapshot: String?
    var clauses: [Clause]?
    var declaredDates: [DeclaredDate]?
    var language: String??
    var title: String??
    var extractor: Int?
    var rules: String?
    var pages: [String: String]??
    let complete = object { reader, key in
      switch key {
      case "id": return Self.set(&id, reader.string())
      case "service": return Self.set(&service, reader.string())
      case "document": return Self.set(&document, reader.string())
      case "firstSeen": return Self.set(&firstSeen, reader.string().flatMap(StoreJSON.parse))
      case "snapshot": return Self.set(&snapshot, reader.string())
      case "clauses": return Self.set(&clauses, reader.array { $0.clause() })
      case "declaredDates": return Self.set(&declaredDates, reader.array { $0.declaredDate() })
      case "language": return reader.setOptional(&language) { $0.string() }
      case "title": return reader.setOptional(&title) { $0.string() }
      case "extractor": return Self.set(&extractor, reader.int())
      case "rules": return Self.set(&rules, reader.string())
      case "pages": return reader.setOptional(&pages) { $0.stringMap() }
      default: return reader.skipValue(depth: 1)
      }
    }
    guard complete, let id, let service, let document, let firstSeen, let snapshot, let clauses, let declaredDates,
      let extractor, let rules
    else { return nil }
    return VersionRecord(
      id: id, service: service, document: document, firstSeen: firstSeen, snapshot: snapshot, clauses: clauses,
      declaredDates: declaredDates, language: language ?? nil, title: title ?? nil, extractor: extractor,
      rules: rules, pages: pages ?? nil)
  }

  private mutating func clause() -> Clause? {
    var kind: ClauseKind?
    var text: String?
    var key: String?
    var section: [String]?
    var level: Int?
    var links: [ClauseLink]?
    var source: String??
    let complete = object { reader, name in
      switch name {
      case "kind": return Self.set(&kind, reader.string().flatMap(ClauseKind.init(rawValue:)))
      case "text": return Self.set(&text, reader.string())
      case "key": return Self.set(&key, reader.string())
      case "section": return Self.set(&section, reader.array { $0.string() })
      case "level": return Self.set(&level, reader.int())
      case "links": return Self.set(&links, reader.array { $0.link() })
      case "source": return reader.setOptional(&source) { $0.string() }
      default: return reader.skipValue(depth: 3)
      }
    }
    guard complete, let kind, let text, let key, let section, let level, let links else { return nil }
    var clause = Clause(kind: kind, text: "", section: section, level: level, links: links, source: source ?? nil)
    // The stored key is taken as it is (as `JSONDecoder` does), not recomputed from the text.
    clause.text = text
    clause.key = key
    return clause
  }

  private mutating func link() -> ClauseLink? {
    var text: String?
    var target: String?
    let complete = object { reader, name in
      switch name {
      case "text": return Self.set(&text, reader.string())
      case "target": return Self.set(&target, reader.string())
      default: return reader.skipValue(depth: 5)
      }
    }
    guard complete, let text, let target else { return nil }
    return ClauseLink(text: text, target: target)
  }

  private mutating func declaredDate() -> DeclaredDate? {
    var kind: DeclaredDateKind?
    var date: String?
    var ambiguous: Bool?
    var phrase: String?
    var clauseIndex: Int??
    var precision: DeclaredDatePrecision??
    let complete = object { reader, name in
      switch name {
      case "precision":
        return reader.setOptional(&precision) { $0.string().flatMap(DeclaredDatePrecision.init(rawValue:)) }
      case "kind": return Self.set(&kind, reader.string().flatMap(DeclaredDateKind.init(rawValue:)))
      case "date": return Self.set(&date, reader.string())
      case "ambiguous": return Self.set(&ambiguous, reader.bool())
      case "phrase": return Self.set(&phrase, reader.string())
      case "clauseIndex": return reader.setOptional(&clauseIndex) { $0.int() }
      default: return reader.skipValue(depth: 3)
      }
    }
    guard complete, let kind, let date, let ambiguous, let phrase else { return nil }
    return DeclaredDate(
      kind: kind, date: date, ambiguous: ambiguous, phrase: phrase, clauseIndex: clauseIndex ?? nil,
      precision: precision ?? nil)
  }

  private mutating func stringMap() -> [String: String]? {
    var map: [String: String] = [:]
    let complete = object { reader, name in
      guard map[name] == nil, let value = reader.string() else { return false }
      map[name] = value
      return true
    }
    return complete ? map : nil
  }

  /// Sets a field once: a second occurrence of the key (or a value of the wrong type) fails the read.
  private static func set<T>(_ field: inout T?, _ value: T?) -> Bool {
    guard field == nil, let value else { return false }
    field = value
    return true
  }

  /// An optional field: `null` is nil (as `decodeIfPresent` reads it); the outer optional tracks "seen".
  private mutating func setOptional<T>(_ field: inout T??, _ read: (inout StoreJSONReader) -> T?) -> Bool {
    guard field == nil else { return false }
    if literal("null") {
      field = .some(nil)
      return true
    }
    guard let value = read(&self) else { return false }
    field = .some(value)
    return true
  }

  // MARK: JSON

  private mutating func skipSpace() {
    while position < input.count {
      switch input[position] {
      case 0x20, 0x0A, 0x0D, 0x09: position += 1
      default: return
      }
    }
  }

  /// Consumes `byte` (after whitespace) when it is next.
  private mutating func take(_ byte: UInt8) -> Bool {
    skipSpace()
    guard position < input.count, input[position] == byte else { return false }
    position += 1
    return true
  }

  private mutating func literal(_ word: StaticString) -> Bool {
    skipSpace()
    let count = word.utf8CodeUnitCount
    guard position + count <= input.count else { return false }
    for offset in 0..<count where input[position + offset] != word.utf8Start[offset] { return false }
    position += count
    return true
  }

  /// An object: `member` reads the value of each key and says whether it could.
  private mutating func object(_ member: (inout StoreJSONReader, String) -> Bool) -> Bool {
    guard take(0x7B) else { return false }
    if take(0x7D) { return true }
    repeat {
      skipSpace()
      guard let key = string(), take(0x3A), member(&self, key) else { return false }
    } while take(0x2C)
    return take(0x7D)
  }

  private mutating func array<T>(_ element: (inout StoreJSONReader) -> T?) -> [T]? {
    guard take(0x5B) else { return nil }
    var values: [T] = []
    if take(0x5D) { return values }
    repeat {
      guard let value = element(&self) else { return nil }
      values.append(value)
    } while take(0x2C)
    return take(0x5D) ? values : nil
  }

  private mutating func bool() -> Bool? {
    if literal("true") { return true }
    if literal("false") { return false }
    return nil
  }

  /// An integer written as one (no fraction, no exponent), within `Int`.
  private mutating func int() -> Int? {
    skipSpace()
    var index = position
    let negative = index < input.count && input[index] == 0x2D
    if negative { index += 1 }
    let first = index
    var value = 0
    while index < input.count, input[index] >= 0x30, input[index] <= 0x39 {
      let digit = Int(input[index] - 0x30)
      let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
      guard !overflow1, !overflow2 else { return nil }
      value = sum
      index += 1
    }
    guard index > first, !(input[first] == 0x30 && index - first > 1) else { return nil }
    if index < input.count, [0x2E, 0x65, 0x45].contains(input[index]) { return nil }
    position = index
    return value
  }

  /// A string; nil for a malformed one, a raw control character, invalid UTF-8 or an unpaired surrogate.
  private mutating func string() -> String? {
    guard take(0x22) else { return nil }
    let start = position
    // Fast path: no escape before the closing quote.
    var bits: UInt8 = 0
    while position < input.count {
      let byte = input[position]
      if byte == 0x22 {
        defer { position += 1 }
        let bytes = UnsafeBufferPointer(rebasing: input[start..<position])
        // ASCII (most of a store) is valid UTF-8 as it is: `decoding` has nothing to repair and skips the
        // generic validation `String(validating:)` runs, which was most of the time spent reading a version.
        return bits < 0x80 ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
      }
      if byte == 0x5C { break }
      if byte < 0x20 { return nil }
      bits |= byte
      position += 1
    }
    var utf8 = Array(UnsafeBufferPointer(rebasing: input[start..<position]))
    while position < input.count {
      let byte = input[position]
      position += 1
      switch byte {
      case 0x22:
        return String(validating: utf8, as: UTF8.self)
      case 0x5C:
        guard position < input.count else { return nil }
        let escape = input[position]
        position += 1
        switch escape {
        case 0x22, 0x5C, 0x2F: utf8.append(escape)
        case 0x62: utf8.append(0x08)
        case 0x66: utf8.append(0x0C)
        case 0x6E: utf8.append(0x0A)
        case 0x72: utf8.append(0x0D)
        case 0x74: utf8.append(0x09)
        case 0x75:
          guard let unit = hex4() else { return nil }
          var scalarValue = UInt32(unit)
          if (0xD800...0xDBFF).contains(unit) {
            guard position + 1 < input.count, input[position] == 0x5C, input[position + 1] == 0x75 else { return nil }
            position += 2
            guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
          utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
          return nil
        }
      default:
        if byte < 0x20 { return nil }
        utf8.append(byte)
      }
    }
    return nil
  }

  private mutating func hex4() -> UInt16? {
    guard position + 4 <= input.count else { return nil }
    var value: UInt16 = 0
    for _ in 0..<4 {
      let byte = input[position]
      let digit: UInt8
      switch byte {
      case 0x30...0x39: digit = byte - 0x30
      case 0x41...0x46: digit = byte - 0x41 + 10
      case 0x61...0x66: digit = byte - 0x61 + 10
      default: return nil
      }
      value = value << 4 | UInt16(digit)
      position += 1
    }
    return value
  }

  /// Skips any well-formed value (an unknown key's), at most 64 levels deep.
  private mutating func skipValue(depth: Int) -> Bool {
    guard depth < 64 else { return false }
    skipSpace()
    guard position < input.count else { return false }
    switch input[position] {
    case 0x22: return string() != nil
    case 0x7B: return object { reader, _ in reader.skipValue(depth: depth + 1) }
    case 0x5B: return array { $0.skipValue(depth: depth + 1) ? true : nil } != nil
    case 0x74: return literal("true")
    case 0x66: return literal("false")
    case 0x6E: return literal("null")
    default: return number()
    }
  }

  /// A JSON number of any form (for skipping).
  private mutating func number() -> Bool {
    var index = position
    func digits() -> Bool {
      let first = index
      while index < input.count, input[index] >= 0x30, input[index] <= 0x39 { index += 1 }
      return index > first
    }
    if index < input.count, input[index] == 0x2D { index += 1 }
    let integer = index
    guard digits(), !(input[integer] == 0x30 && index - integer > 1) else { return false }
    if index < input.count, input[index] == 0x2E {
      index += 1
      guard digits() else { return false }
    }
    if index < input.count, input[index] == 0x65 || input[index] == 0x45 {
      index += 1
      if index < input.count, input[index] == 0x2B || input[index] == 0x2D { index += 1 }
      guard digits() else { return false }
    }
    position = index
    return true
  }
}
