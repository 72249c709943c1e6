internal import CCurl
internal import CDeflate
internal import CLibXML2
internal import CPolicyWatchShims

#if canImport(Glibc)
  import Glibc
#endif

/// gzip (RFC 1952) for raw snapshots in the store: they are HTML, and level 1 makes them about 7 times smaller.
/// Compression is libdeflate's (whole buffers: about twice zlib's speed at its fastest level, and smaller output;
/// zlib's level 6 would gain a fifth for three times the time, on the path of every recorded change); reading is
/// zlib's (streams, with a size limit, and any gzip member an older store wrote). Stored objects stay readable with
/// `zcat`.
enum Gzip {
  /// Whether `bytes` start like a gzip stream.
  static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

  /// One gzip member holding `bytes`; nil only if libdeflate cannot allocate its compressor.
  static func compress(_ bytes: [UInt8], level: Int32 = 1) -> [UInt8]? {
    // A compressor per call: its tables are a few hundred kilobytes, nothing next to compressing a page.
    guard let compressor = libdeflate_alloc_compressor(level) else { return nil }
    defer { libdeflate_free_compressor(compressor) }
    let bound = libdeflate_gzip_compress_bound(compressor, bytes.count)
    let compressed = [UInt8](unsafeUninitializedCapacity: bound) { output, count in
      count = bytes.withUnsafeBytes { input in
        libdeflate_gzip_compress(compressor, input.baseAddress, input.count, output.baseAddress, bound)
      }
    }
    // 0 means "did not fit", which the bound rules out.
    return compressed.isEmpty ? nil : compressed
  }

  /// The decompressed bytes, or nil when the stream is damaged, truncated or would exceed `limit` bytes.
  static func decompress(_ bytes: [UInt8], limit: Int = 1 << 30) -> [UInt8]? {
    // (pw_gunzip refuses limits beyond zlib's 32-bit counters; 1 GiB is far above the fetch cap of 20 MiB.)
    var out: UnsafeMutablePointer<UInt8>? = nil
    var length = 0
    let status = bytes.withUnsafeBufferPointer { input in
      pw_gunzip(input.baseAddress, input.count, limit, &out, &length)
    }
    guard status == 0, let out else { return nil }
    defer { free(out) }
    return Array(UnsafeBufferPointer(start: out, count: length))
  }
}
