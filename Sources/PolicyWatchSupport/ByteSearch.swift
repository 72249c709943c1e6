extension UnsafeBufferPointer where Element == UInt8 {
  /// Whether these bytes hold `needle` as consecutive bytes (plain comparison; an empty needle is found anywhere).
  package func contains(bytes needle: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = needle.first else { return true }
    guard count >= needle.count else { return false }
    for start in 0...(count - needle.count) where self[start] == first {
      if self[start..<start + needle.count].elementsEqual(needle) { return true }
    }
    return false
  }
}

/// Byte classes of XML and HTML text shared by the scanners that work on UTF-8 bytes.
package enum XMLBytes {
  /// XML whitespace: space, tab, line feed, carriage return. It is what libxml2's HTML parser skips between
  /// attributes (`IS_BLANK_CH`, so not form feed) and what XPath's `normalize-space` splits at.
  @inlinable @inline(__always)
  package static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}
