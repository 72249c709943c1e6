internal import CZlibShims

#if canImport(Glibc)
  import Glibc
#endif

/// gzip (RFC 1952), read: stores written before PolicyWatch compressed raw snapshots with zstd (`Zstd`) hold gzip
/// members (libdeflate's, level 1). Reading is zlib's (streams, with a size limit, any gzip member).
package enum Gzip {
  /// Whether `bytes` start like a gzip stream.
  package static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

  /// The decompressed bytes, or nil when the stream is damaged, truncated or would exceed `limit` bytes.
  package static func decompress(_ bytes: [UInt8], limit: Int = 1 << 30) -> [UInt8]? {
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
