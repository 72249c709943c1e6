internal import CZstd
import Foundation

/// zstd (RFC 8878) for raw snapshots in the store: level 1 compresses HTML about 7 to 10 times, at twice the speed
/// of gzip's fastest level (libdeflate), on the path of every recorded change. Stored objects stay readable with
/// `zstdcat`. Stores written before keep gzip objects (`Gzip`), read as they are.
package enum Zstd {
  /// Whether `bytes` start like a zstd frame.
  package static func isZstd(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 4 && bytes[0] == 0x28 && bytes[1] == 0xB5 && bytes[2] == 0x2F && bytes[3] == 0xFD
  }

  /// One zstd frame holding `bytes` (with its size, so reading allocates once); nil only if zstd cannot
  /// allocate its context.
  package static func compress(_ bytes: [UInt8], level: Int32 = 1) -> [UInt8]? {
    guard let context = contexts.take() else { return nil }
    defer { contexts.give(context) }
    let bound = ZSTD_compressBound(bytes.count)
    var failed = false
    let compressed = [UInt8](unsafeUninitializedCapacity: bound) { output, count in
      let written = bytes.withUnsafeBytes { input in
        ZSTD_compressCCtx(context.pointer, output.baseAddress, bound, input.baseAddress, input.count, level)
      }
      failed = ZSTD_isError(written) != 0
      count = failed ? 0 : written
    }
    return failed ? nil : compressed
  }

  /// The decompressed bytes, or nil when the data is damaged, truncated or would exceed `limit` bytes.
  package static func decompress(_ bytes: [UInt8], limit: Int = 1 << 30) -> [UInt8]? {
    let declared = bytes.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
    switch declared {
    case UInt64.max - 1:  // ZSTD_CONTENTSIZE_ERROR: not a zstd frame
      return nil
    case UInt64.max:  // ZSTD_CONTENTSIZE_UNKNOWN: written by a streaming compressor
      return decompressStream(bytes, limit: limit)
    default:
      guard declared <= UInt64(limit) else { return nil }
      let size = Int(declared)
      var failed = false
      let output = [UInt8](unsafeUninitializedCapacity: size) { output, count in
        let produced = bytes.withUnsafeBytes { input in
          ZSTD_decompress(output.baseAddress, size, input.baseAddress, input.count)
        }
        // More than one frame, or a frame lying about its size, fails here too ("destination too small").
        failed = ZSTD_isError(produced) != 0 || produced != size
        count = failed ? 0 : produced
      }
      return failed ? nil : output
    }
  }

  /// Frames without a declared size, decoded piece by piece up to `limit` bytes.
  private static func decompressStream(_ bytes: [UInt8], limit: Int) -> [UInt8]? {
    guard let stream = ZSTD_createDStream() else { return nil }
    defer { ZSTD_freeDStream(stream) }
    var output: [UInt8] = []
    var piece = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    return bytes.withUnsafeBytes { input -> [UInt8]? in
      var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
      var pending = 1  // 0 once a frame is complete and flushed
      // Bounded: every turn consumes input or produces output, and output is capped by `limit`.
      while source.pos < source.size || pending != 0 {
        let before = (source.pos, output.count)
        let status = piece.withUnsafeMutableBytes { buffer -> Int in
          var target = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
          let result = ZSTD_decompressStream(stream, &target, &source)
          output.append(contentsOf: buffer.prefix(target.pos))
          return ZSTD_isError(result) != 0 ? -1 : result
        }
        if status < 0 || output.count > limit { return nil }
        pending = status
        if (source.pos, output.count) == before { return nil }  // truncated: no progress possible
      }
      return output
    }
  }

  /// Compression contexts, reused across calls (a context is about a megabyte of tables at level 1; allocating
  /// one per snapshot costs page faults on every recorded change).
  private static let contexts = ContextPool()

  final class Context: @unchecked Sendable {
    let pointer: OpaquePointer
    init?() {
      guard let pointer = ZSTD_createCCtx() else { return nil }
      self.pointer = pointer
    }
    deinit { ZSTD_freeCCtx(pointer) }
  }

  final class ContextPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Context] = []
    func take() -> Context? { lock.withLock { idle.popLast() } ?? Context() }
    func give(_ context: Context) { lock.withLock { if idle.count < 8 { idle.append(context) } } }
  }
}
