import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchCheck
@testable import PolicyWatchDeclarations
@testable import PolicyWatchStore
@testable import PolicyWatchSupport
@testable import PolicyWatchText

@Suite("Store files: dates, appends, torn lines")
struct StoreFilesTests {
  @Test("store dates print and parse like RFC 3339, agreeing with Foundation's ISO 8601 formatter")
  func datesAgreeWithFoundation() throws {
    let reference = ISO8601DateFormatter()
    reference.formatOptions = [.withInternetDateTime]
    // A spread of instants from 1970 to 2099, leap days and ends of years included.
    var instants: [TimeInterval] = [0, 951_782_400, 951_868_799, 1_709_164_800, 1_735_689_599, 4_102_444_799]
    var random = SplitMix64(seed: 42)
    for _ in 0..<500 { instants.append(TimeInterval(random.next() % 4_102_444_800)) }
    for instant in instants {
      let date = Date(timeIntervalSince1970: instant)
      #expect(StoreJSON.format(date) == reference.string(from: date))
      #expect(StoreJSON.parse(reference.string(from: date)) == date)
    }
    // Fractions of a second are dropped when printing, kept when parsing; offsets are honoured.
    #expect(StoreJSON.format(Date(timeIntervalSince1970: 1_726_732_800.75)) == "2024-09-19T08:00:00Z")
    let fraction = try #require(StoreJSON.parse("2024-09-19T08:00:00.250Z"))
    #expect(abs(fraction.timeIntervalSince1970 - 1_726_732_800.25) < 0.000_1)
    #expect(StoreJSON.parse("2024-09-19T10:30:00+02:30") == Date(timeIntervalSince1970: 1_726_732_800))
    #expect(StoreJSON.parse("2024-09-19T05:00:00-03:00") == Date(timeIntervalSince1970: 1_726_732_800))
    for bad in [
      "", "2024-09-19", "2024-13-01T00:00:00Z", "2024-09-19T08:00:00", "2024-09-19T08:00:00Zjunk",
      "2024-09-19 08:00:00Z", "2024-09-19T08:00:00+0200",
    ] {
      #expect(StoreJSON.parse(bad) == nil, "\(bad) is not an RFC 3339 date-time")
    }
  }

  @Test("appending to a timeline cuts a torn last line first, and readers never see one")
  func tornLastLine() throws {
    let directory = TemporaryDirectory("files")
    let file = "\(directory.path)/timeline.jsonl"
    try FileIO.appendLines(["{\"a\":1}", "{\"a\":2}"], to: file)
    #expect(FileIO.lastLine(file).map { String(decoding: $0, as: UTF8.self) } == "{\"a\":2}")
    // A crash in the middle of an append leaves half a line without its newline.
    let handle = try #require(FileHandle(forWritingAtPath: file))
    handle.seekToEndOfFile()
    handle.write(Data("{\"a\":3, \"tor".utf8))
    handle.closeFile()
    #expect(FileIO.lastLine(file).map { String(decoding: $0, as: UTF8.self) } == "{\"a\":2}")
    #expect(FileIO.completeLines(FileIO.read(file) ?? []).count == 2)
    try FileIO.appendLines(["{\"a\":4}"], to: file)
    let text = String(decoding: FileIO.read(file) ?? [], as: UTF8.self)
    #expect(text == "{\"a\":1}\n{\"a\":2}\n{\"a\":4}\n")
  }

  @Test("the last line is found in a long timeline and behind a line longer than the read window")
  func lastLineOfLongFiles() throws {
    let directory = TemporaryDirectory("files")
    let file = "\(directory.path)/timeline.jsonl"
    try FileIO.appendLines((0..<2_000).map { "{\"n\":\($0)}" }, to: file)
    #expect(FileIO.lastLine(file).map { String(decoding: $0, as: UTF8.self) } == "{\"n\":1999}")
    let long = "{\"text\":\"" + String(repeating: "x", count: 50_000) + "\"}"
    try FileIO.appendLines([long], to: file)
    #expect(FileIO.lastLine(file).map { String(decoding: $0, as: UTF8.self) } == long)
    let only = "\(directory.path)/single.jsonl"
    try FileIO.appendLines([long], to: only)
    #expect(FileIO.lastLine(only).map { String(decoding: $0, as: UTF8.self) } == long)
    #expect(FileIO.lastLine("\(directory.path)/absent.jsonl") == nil)
  }

  @Test("fsck reports a torn timeline line as a leftover and repair cuts it")
  func fsckTornLine() throws {
    let directory = TemporaryDirectory("files")
    let (store, ref) = try Self.store(in: directory, service: "Torn", texts: [["We keep logs."]])
    let file = "\(store.directory(ref))/timeline.jsonl"
    let handle = try #require(FileHandle(forWritingAtPath: file))
    handle.seekToEndOfFile()
    handle.write(Data("{\"time\":\"2024".utf8))
    handle.closeFile()
    let report = Fsck.check(store, repair: false)
    #expect(report.isClean)
    #expect(report.leftovers.contains { $0.contains("unfinished line") })
    _ = Fsck.check(store, repair: true)
    #expect(Fsck.check(store, repair: false).leftovers.isEmpty)
    #expect(store.timeline(ref).count == 1)
  }

  @Test("a state.json cut short by a killed run is rebuilt from the timeline, and fsck repairs it")
  func tornState() throws {
    let directory = TemporaryDirectory("files")
    let (store, ref) = try Self.store(
      in: directory, service: "Cut", texts: [["We keep logs for a week."], ["We keep logs for a month."]])
    let file = "\(store.directory(ref))/state.json"
    let whole = try #require(FileIO.read(file))
    let expected = store.state(ref)
    #expect(expected.recent.count == 2)
    // Every cut a killed writer can leave (the file is truncated, then written from its start).
    for length in [0, 1, whole.count / 3, whole.count / 2, whole.count - 2] {
      try FileIO.overwrite(Array(whole.prefix(length)), to: file)
      #expect(DocumentState.fromStoreJSON(Array(whole.prefix(length))) == nil, "a prefix of \(length) bytes parsed")
      let rebuilt = store.state(ref)
      #expect(rebuilt.current == expected.current)
      #expect(rebuilt.recent == expected.recent)
      #expect(rebuilt.lastAttempt == expected.lastAttempt)
      #expect(rebuilt.pinned == expected.pinned)
    }
    #expect(Fsck.check(store, repair: false).leftovers.contains { $0.contains("state.json lags") })
    _ = Fsck.check(store, repair: true)
    let repaired = try #require(FileIO.read(file).flatMap(DocumentState.fromStoreJSON))
    #expect(repaired.current == expected.current && repaired.recent == expected.recent)
    #expect(repaired.lastAttempt == expected.lastAttempt && repaired.pinned == expected.pinned)
    #expect(!Fsck.check(store, repair: false).leftovers.contains { $0.contains("state.json") })
  }

  @Test("raw snapshots are stored zstd-compressed, read back byte for byte, and damage is reported by fsck")
  func compressedObjects() throws {
    let directory = TemporaryDirectory("files")
    let paragraphs = (0..<200).map { "Clause \($0): we keep the records of your orders for as long as the law asks." }
    let page = Array(HistoryBuilder.page(paragraphs).utf8)
    let (store, ref) = try Self.store(in: directory, service: "Packed", texts: [paragraphs])
    let hash = SHA256.hex(page)
    let file = "\(store.directory(ref))/objects/\(hash)"
    let stored = try #require(FileIO.read(file))
    #expect(Zstd.isZstd(stored))
    #expect(stored.count * 4 < page.count, "\(stored.count) bytes stored for \(page.count)")
    #expect(store.object(hash, of: ref).map { $0 == page } == true)
    #expect(Fsck.check(store, repair: false).isClean)
    // Stores written before zstd keep plain objects, and gzip ones: both still read as they are.
    let plain = Array(HistoryBuilder.page(["An older snapshot."]).utf8)
    let plainHash = SHA256.hex(plain)
    try FileIO.writeAtomically(plain, to: "\(store.directory(ref))/objects/\(plainHash)")
    #expect(store.object(plainHash, of: ref).map { $0 == plain } == true)
    let older = Array(HistoryBuilder.page(["A snapshot from the gzip days."]).utf8)
    let olderHash = SHA256.hex(older)
    try FileIO.writeAtomically(Self.gzipStored(older), to: "\(store.directory(ref))/objects/\(olderHash)")
    #expect(store.object(olderHash, of: ref).map { $0 == older } == true)
    #expect(Fsck.check(store, repair: false).problems.isEmpty)
    // Damaged compressed data is a problem fsck names, not a silent nil.
    try FileIO.writeAtomically(Array(stored.prefix(stored.count / 2)), to: file)
    #expect(store.object(hash, of: ref) == nil)
    #expect(Fsck.check(store, repair: false).problems.contains { $0.contains(hash) && $0.contains("unreadable") })
  }

  @Test("zstd round trip, frames without a declared size, and the decompression limit")
  func zstdLimits() throws {
    let text = Array(String(repeating: "We do not sell your personal data. ", count: 10_000).utf8)
    let packed = try #require(Zstd.compress(text))
    #expect(packed.count < text.count / 50)
    #expect(Zstd.decompress(packed).map { $0 == text } == true)
    #expect(Zstd.decompress(packed, limit: text.count - 1) == nil, "over the limit")
    #expect(Zstd.decompress(packed, limit: text.count).map { $0 == text } == true, "exactly the limit")
    #expect(Zstd.decompress(Array(packed.dropLast(20))) == nil, "truncated")
    #expect(Zstd.decompress(packed + packed) == nil, "two frames where one was declared")
    #expect(Zstd.compress([]).flatMap { Zstd.decompress($0) }?.isEmpty == true)
    // A streaming compressor's frame declares no size: decoded piece by piece, under the same limit.
    let streamed = Self.zstdRawFrame(text)
    #expect(Zstd.isZstd(streamed))
    #expect(Zstd.decompress(streamed).map { $0 == text } == true)
    #expect(Zstd.decompress(streamed, limit: text.count - 1) == nil, "over the limit")
    #expect(Zstd.decompress(Array(streamed.dropLast(7))) == nil, "truncated")
  }

  @Test("gzip objects of older stores: round trip and the decompression limit")
  func gzipLimits() throws {
    let text = Array(String(repeating: "We do not sell your personal data. ", count: 10_000).utf8)
    let packed = Self.gzipStored(text)
    #expect(Gzip.isGzip(packed))
    #expect(Gzip.decompress(packed).map { $0 == text } == true)
    #expect(Gzip.decompress(packed, limit: text.count - 1) == nil, "over the limit")
    #expect(Gzip.decompress(packed, limit: text.count).map { $0 == text } == true, "exactly the limit")
    #expect(Gzip.decompress(Array(packed.dropLast(20))) == nil, "truncated")
    #expect(Gzip.decompress(Self.gzipStored([]))?.isEmpty == true)
  }

  /// A new store in `directory` holding one document, `service`'s Privacy Policy, recorded from one page per
  /// day: `texts[i]` are the paragraphs of day i's page.
  static func store(in directory: TemporaryDirectory, service: String, texts: [[String]]) throws
    -> (store: SnapshotStore, ref: SnapshotStore.DocumentRef)
  {
    let store = try SnapshotStore(path: directory.path, create: true)
    let recorder = Recorder(store: store)
    let url = "https://example.com/p"
    let declaration = DocumentDeclaration(
      service: service, documentType: "Privacy Policy",
      pages: [PageDeclaration(id: "p", fetch: url, select: [.css("main")])], isCombined: false)
    for (day, paragraphs) in texts.enumerated() {
      let bytes = Array(HistoryBuilder.page(paragraphs).utf8)
      _ = try recorder.record(
        Observation(
          time: Date(timeIntervalSince1970: 1_700_000_000 + Double(day) * 86_400), declaration: declaration,
          pages: [PageFetch(id: "p", url: url, status: 200, bytes: bytes)]))
    }
    return (store, SnapshotStore.DocumentRef(service: service, document: "Privacy Policy"))
  }

  /// A zstd frame (RFC 8878) of raw blocks with no content size, as a streaming compressor writes one.
  static func zstdRawFrame(_ bytes: [UInt8]) -> [UInt8] {
    var frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 7 << 3]  // no size, no checksum; 128 KiB window
    var offset = 0
    repeat {
      let count = min(bytes.count - offset, 100_000)
      let last = offset + count == bytes.count ? 1 : 0
      let header = UInt32(last) | UInt32(count) << 3  // block type 0: raw
      frame += [UInt8(header & 0xFF), UInt8(header >> 8 & 0xFF), UInt8(header >> 16 & 0xFF)]
      frame += bytes[offset..<offset + count]
      offset += count
    } while offset < bytes.count
    return frame
  }

  /// A gzip member (RFC 1952) of stored deflate blocks: what any gzip writer's output reads like to zlib.
  static func gzipStored(_ bytes: [UInt8]) -> [UInt8] {
    var member: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
    var offset = 0
    repeat {
      let count = min(bytes.count - offset, 65_535)
      let final: UInt8 = offset + count == bytes.count ? 1 : 0
      let length = UInt16(count)
      member += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
      member += bytes[offset..<offset + count]
      offset += count
    } while offset < bytes.count
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    crc = ~crc
    let size = UInt32(truncatingIfNeeded: bytes.count)
    for value in [crc, size] { member += (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }
    return member
  }
}
