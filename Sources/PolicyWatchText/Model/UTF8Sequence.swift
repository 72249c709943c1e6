/// One step of a byte-level UTF-8 scan, shared by the passes that copy plain ASCII as it is and decode other
/// characters only to look them up (whitespace collapsing in extraction, comparison keys).
package enum UTF8Sequence {
  /// The scalar value and byte length of the sequence that starts at `index`. A byte that cannot start a sequence
  /// (a stray continuation byte) or a sequence cut short by the end comes back alone, as (that byte, 1): callers
  /// copy it and `String(decoding:)` repairs it later.
  @inlinable @inline(__always)
  package static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
    let lead = bytes[index]
    guard lead >= 0xC0 else { return (UInt32(lead), 1) }
    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    guard index + length <= bytes.count else { return (UInt32(lead), 1) }
    var value = UInt32(lead & (lead >= 0xF0 ? 0x07 : lead >= 0xE0 ? 0x0F : 0x1F))
    for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
    return (value, length)
  }
}
