import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchStore
@testable import PolicyWatchText

/// The hand-written version JSON (`StoreJSONCoding.swift`) against Foundation's, which stays the reference: the
/// Codable models are the schema.
@Suite("Store JSON: hand-written version files agree with JSONEncoder/JSONDecoder")
struct StoreJSONCodingTests {
  /// Text that exercises the escapes: quotes, backslashes, slashes, every control character, non-ASCII letters,
  /// characters beyond the BMP, U+2028, DEL.
  static func text(_ random: inout SplitMix64) -> String {
    let pieces = [
      "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1F}", "\u{7F}", "\u{2028}", "é", "ß", "日本",
      "😀", " ", "  ", "{", "}", "[", "]", ":", ",", "null", "1.5",
    ]
    var text = ""
    for _ in 0..<Int(random.next() % 12) {
      text += random.next() % 3 == 0 ? pieces[Int(random.next() % UInt64(pieces.count))] : random.word()
      if random.next() % 2 == 0 { text += " " }
    }
    if text.unicodeScalars.allSatisfy({ $0.value < 0x20 }) == false, random.next() % 4 == 0 {
      text += "\u{1}"
    }
    return text
  }

  static func record(_ random: inout SplitMix64) -> VersionRecord {
    func maybe<T>(_ value: @autoclosure () -> T) -> T? { random.next() % 2 == 0 ? value() : nil }
    var clauses: [Clause] = []
    for _ in 0..<Int(random.next() % 8) {
      let kind = ClauseKind.allCases[Int(random.next() % UInt64(ClauseKind.allCases.count))]
      var links: [ClauseLink] = []
      for _ in 0..<Int(random.next() % 3) { links.append(ClauseLink(text: text(&random), target: text(&random))) }
      let section = (0..<Int(random.next() % 3)).map { _ in text(&random) }
      let source = random.next() % 3 == 0 ? text(&random) : nil
      var clause = Clause(
        kind: kind, text: text(&random), section: section, level: Int(random.next() % 7), links: links, source: source)
      // A stored key need not be the text's key (older extractors): the readers must keep it as stored.
      if random.next() % 5 == 0 { clause.key = text(&random) }
      clauses.append(clause)
    }
    var dates: [DeclaredDate] = []
    for _ in 0..<Int(random.next() % 3) {
      dates.append(
        DeclaredDate(
          kind: random.next() % 2 == 0 ? .effective : .updated,
          date: "2024-0\(1 + random.next() % 9)-1\(random.next() % 9)",
          ambiguous: random.next() % 2 == 0, phrase: text(&random),
          clauseIndex: random.next() % 2 == 0 ? Int(random.next() % 1000) - 10 : nil,
          precision: [nil, .day, .month][Int(random.next() % 3)]))
    }
    var pages: [String: String]? = nil
    if random.next() % 3 == 0 {
      var map: [String: String] = [:]
      let names = ["a", "B", "b", "Z", "page-2", "page-10", "Page", "é", "x y", "10", "9", "_"]
      for _ in 0..<Int(1 + random.next() % 5) { map[names[Int(random.next() % UInt64(names.count))]] = random.word() }
      pages = map
    }
    let extractor = random.next() % 4 == 0 ? Int.min + Int(random.next() % 3) : Int(random.next() % 100)
    return VersionRecord(
      id: random.word(), service: text(&random), document: text(&random),
      firstSeen: Date(timeIntervalSince1970: TimeInterval(random.next() % 4_102_444_800)), snapshot: random.word(),
      clauses: clauses, declaredDates: dates, language: random.next() % 2 == 0 ? "en-\(random.word())" : nil,
      title: random.next() % 2 == 0 ? text(&random) : nil, extractor: extractor, rules: random.word(), pages: pages)
  }

  @Test("the writer gives JSONEncoder's bytes, and each reader reads the other's output to the same record")
  func randomisedRoundTrips() throws {
    var random = SplitMix64(seed: 7)
    let shuffled = JSONEncoder()  // no sorted keys: other key orders must read the same
    shuffled.dateEncodingStrategy = .custom { date, encoder in
      var container = encoder.singleValueContainer()
      try container.encode(StoreJSON.format(date))
    }
    for _ in 0..<400 {
      let record = Self.record(&random)
      let reference = StoreJSON.pretty(record)
      let fast = record.storeJSON()
      #expect(
        fast == reference, "\(String(decoding: fast, as: UTF8.self))\n≠\n\(String(decoding: reference, as: UTF8.self))")
      #expect(StoreJSONReader.version(reference) == record)
      #expect(try StoreJSON.decoder.decode(VersionRecord.self, from: Data(fast)) == record)
      let compact = Array(try shuffled.encode(record))
      #expect(StoreJSONReader.version(compact) == record)
    }
  }

  @Test("JSON the fast reader leaves to JSONDecoder is read exactly as JSONDecoder reads it")
  func fallbackAgreesWithJSONDecoder() throws {
    var random = SplitMix64(seed: 11)
    let record = Self.record(&random)
    let text = String(decoding: record.storeJSON(), as: UTF8.self)
    // Variants a hand-written file or another JSON writer could hold.
    let variants: [(String, Bool)] = [
      (text.replacingOccurrences(of: "\"extractor\" : ", with: "\"extractor\" : 1.0, \"x\" : "), false),
      (
        text.replacingOccurrences(
          of: "{\n  \"clauses\"", with: "{\"unknown\": {\"a\": [1, -2.5e3, true, null]}, \"clauses\""), true
      ),
      (text.replacingOccurrences(of: "\"id\" : ", with: "\"title\" : null, \"id\" : "), record.title == nil),
      (text.replacingOccurrences(of: "\"rules\" : \"", with: "\"rules\" : \"\\u00e9\\ud83d\\ude00\\/"), true),
      (text.replacingOccurrences(of: "\"rules\" : \"", with: "\"rules\" : \"\\ud83d"), false),
      (text.replacingOccurrences(of: "\"rules\" : ", with: "\"rules\" : \"again\", \"rules\" : "), false),
      (text + "junk", false),
      (String(text.dropLast(3)), false),
    ]
    for (variant, fastReads) in variants {
      let bytes = Array(variant.utf8)
      let reference = try? StoreJSON.decoder.decode(VersionRecord.self, from: Data(bytes))
      let fast = StoreJSONReader.version(bytes)
      if fastReads {
        #expect(fast != nil && fast == reference, "\(variant)")
      } else {
        #expect(fast == nil, "\(variant)")
      }
      #expect(VersionRecord.fromStoreJSON(bytes) == reference, "\(variant)")
    }
    // Raw (unescaped) bytes in a string: valid UTF-8 beyond ASCII is read, invalid UTF-8 fails the read.
    let marker = Array("\"rules\" : \"".utf8)
    let bytes = record.storeJSON()
    let at = try #require(bytes.indices.first { bytes[$0...].starts(with: marker) }) + marker.count
    let cases: [([UInt8], Bool)] = [([0xC3, 0xA9], true), ([0xFF], false), ([0xC3], false), ([0xE2, 0x82], false)]
    for (inserted, valid) in cases {
      let variant = Array(bytes[..<at]) + inserted + Array(bytes[at...])
      let fast = StoreJSONReader.version(variant)
      #expect((fast != nil) == valid, "\(inserted)")
      if valid { #expect(fast?.rules == "é" + record.rules) }
    }
  }
}

extension StoreJSONCodingTests {
  static func state(_ random: inout SplitMix64) -> DocumentState {
    func date() -> Date? {
      random.next() % 2 == 0 ? Date(timeIntervalSince1970: TimeInterval(random.next() % 4_102_444_800)) : nil
    }
    func maybe(_ random: inout SplitMix64) -> String? { random.next() % 2 == 0 ? text(&random) : nil }
    var state = DocumentState(service: text(&random), document: text(&random))
    state.current = maybe(&random)
    state.currentLastSeen = date()
    state.recent = (0..<Int(random.next() % 4)).map { _ in random.word() }
    for _ in 0..<Int(random.next() % 3) {
      state.pages[text(&random)] = PageState(
        url: text(&random), etag: maybe(&random), lastModified: maybe(&random), latestSnapshot: maybe(&random),
        httpCharset: maybe(&random))
    }
    state.lastAttempt = date()
    state.inaccessibleSince = date()
    state.inaccessibleReason = maybe(&random)
    if random.next() % 2 == 0 {
      state.currentSummary = VersionSummary(
        id: random.word(), rules: random.word(), extractor: Int(random.next() % 9),
        clauseCount: Int(random.next() % 900), language: maybe(&random))
    }
    state.pinned = Set((0..<Int(random.next() % 4)).map { _ in random.word() })
    return state
  }

  @Test("state.json: JSONEncoder's bytes (a set of pinned hashes sorted), read back both ways")
  func randomisedStates() throws {
    var random = SplitMix64(seed: 13)
    for _ in 0..<400 {
      let state = Self.state(&random)
      let fast = state.storeJSON()
      if state.pinned.count <= 1 {
        #expect(fast == StoreJSON.pretty(state), "\(String(decoding: fast, as: UTF8.self))")
      }
      #expect(try StoreJSON.decoder.decode(DocumentState.self, from: Data(fast)) == state)
      #expect(StoreJSONReader.state(StoreJSON.pretty(state)) == state)
      #expect(StoreJSONReader.state(Array(StoreJSON.line(state).utf8)) == state)
      #expect(DocumentState.fromStoreJSON(Array(StoreJSON.line(state).utf8) + Array("x".utf8)) == nil)
    }
  }

  @Test("the time of a timeline line is read alone, as JSONDecoder reads it")
  func timelineTimes() throws {
    var random = SplitMix64(seed: 17)
    for _ in 0..<200 {
      let time = Date(timeIntervalSince1970: TimeInterval(random.next() % 4_102_444_800))
      let entry = TimelineEntry(
        time: time, url: Self.text(&random), status: 200, etag: nil, lastModified: nil, outcome: .recorded,
        reason: Self.text(&random), snapshot: random.word(), kept: true, version: random.word(), pages: nil,
        events: nil)
      let line = Array(StoreJSON.line(entry).utf8)
      #expect(StoreJSONReader.timelineTime(line) == time)
    }
    #expect(
      StoreJSONReader.timelineTime(Array(#"{"time": "2024-09-19T08:00:00Z", "x": [1, {"y": null}]}"#.utf8)) != nil)
    #expect(StoreJSONReader.timelineTime(Array(#"{"time": "yesterday"}"#.utf8)) == nil)
    #expect(
      StoreJSONReader.timelineTime(Array(#"{"time": "2024-09-19T08:00:00Z", "time": "2024-09-19T08:00:00Z"}"#.utf8))
        == nil)
    #expect(StoreJSONReader.timelineTime(Array(#"{"time": "2024-09-19T08:00:00Z""#.utf8)) == nil)
  }
}
