extension UnsafeBufferPointer where Element == UInt8 {
  /// Whether these bytes hold `needle` as consecutive bytes (plain comparison; an empty needle is found anywhere).
  func contains(bytes needle: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = needle.first else { return true }
    guard count >= needle.count else { return false }
    for start in 0...(count - needle.count) where self[start] == first {
      if self[start..<start + needle.count].elementsEqual(needle) { return true }
    }
    return false
  }
}
