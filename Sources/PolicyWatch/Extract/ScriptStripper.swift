#if canImport(Glibc)
  import Glibc
#endif

/// Drops the contents of `<script>` and `<style>` elements from UTF-8 HTML before libxml2 parses it.
///
/// About half the bytes of a typical policy page are inline scripts (framework bundles, JSON state) and another
/// tenth style sheets, which libxml2 reads character by character as raw text and PolicyWatch never shows (inline
/// `style` attributes, which can hide an element, are kept). Cutting them out first makes the parse about twice
/// as fast. The elements stay (empty), so selectors and the tree are unchanged, and the scan follows libxml2's own
/// rules so the rest of the page parses to the same tree:
/// - a script's content ends at the first `</script` in any case, a style's at the first `</style` (libxml2 in
///   recovery mode does the same);
/// - a start tag ends at the first `>` outside a quoted attribute value; `<script …/>` has no content (libxml2
///   closes any element on `/>`);
/// - comments (`<!-- … -->`) and every other tag (attribute values included) are copied as they are, so a
///   `<script` written inside them is not taken for a tag.
/// Checked against parsing the unstripped page on every snapshot of the corpus (`policywatch-bench strip-check`).
enum ScriptStripper {
  static func strip(_ bytes: [UInt8]) -> [UInt8] {
    bytes.withUnsafeBufferPointer { input -> [UInt8] in
      let count = input.count
      var output: [UInt8] = []
      var index = 0
      var copied = 0
      /// Case-insensitive match of an ASCII lower-case `word` at `at`.
      func matches(_ word: StaticString, at: Int) -> Bool {
        let length = word.utf8CodeUnitCount
        guard at + length <= count else { return false }
        let pointer = word.utf8Start
        for offset in 0..<length {
          let byte = input[at + offset]
          let wanted = pointer[offset]
          // Letters match in either case; everything else exactly.
          if byte != wanted, !(wanted >= 0x61 && wanted <= 0x7A && byte | 0x20 == wanted) { return false }
        }
        return true
      }
      /// The index of the next `byte` from `from` (memchr: script contents are long runs without a `<`).
      func position(of byte: UInt8, from: Int) -> Int? {
        guard from < count, let base = input.baseAddress,
          let found = memchr(base + from, Int32(byte), count - from)
        else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
      }
      func find(_ word: StaticString, from: Int) -> Int? {
        var at = from
        let first = word.utf8Start[0]  // '<' or '-': compared exactly
        while let candidate = position(of: first, from: at) {
          if matches(word, at: candidate) { return candidate }
          at = candidate + 1
        }
        return nil
      }
      func isNameEnd(_ at: Int) -> Bool {
        guard at < count else { return true }
        let byte = input[at]
        return byte == 0x3E || byte == 0x2F || byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
      }
      /// The index just past the `>` that ends the start tag beginning at `at`, and whether it was `/>`.
      func endOfTag(_ at: Int) -> (end: Int, selfClosing: Bool) {
        var cursor = at
        while cursor < count {
          let byte = input[cursor]
          if byte == 0x3E { return (cursor + 1, cursor > at && input[cursor - 1] == 0x2F) }
          if byte == 0x3D {
            // An attribute value: skip a quoted one whole.
            var value = cursor + 1
            while value < count, input[value] == 0x20 || (input[value] >= 0x09 && input[value] <= 0x0D) { value += 1 }
            if value < count, input[value] == 0x22 || input[value] == 0x27 {
              cursor = (position(of: input[value], from: value + 1) ?? count) + 1
              continue
            }
          }
          cursor += 1
        }
        return (count, false)
      }
      while index < count {
        guard input[index] == 0x3C else {
          index = position(of: 0x3C, from: index) ?? count
          continue
        }
        if matches("<!--", at: index) {
          guard let close = find("-->", from: index + 4) else { break }
          index = close + 3
          continue
        }
        let rawText: (open: StaticString, close: StaticString)? =
          matches("<script", at: index) && isNameEnd(index + 7)
          ? ("<script", "</script")
          : matches("<style", at: index) && isNameEnd(index + 6) ? ("<style", "</style") : nil
        if let rawText {
          let tag = endOfTag(index + rawText.open.utf8CodeUnitCount)
          guard !tag.selfClosing else {
            index = tag.end
            continue
          }
          let close = find(rawText.close, from: tag.end) ?? count
          if close > tag.end {
            if output.isEmpty { output.reserveCapacity(count / 2) }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<tag.end]))
            copied = close
          }
          index = close
          continue
        }
        let next = index + 1 < count ? input[index + 1] : 0
        if (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7A {
          // Any other start tag: skip it whole, quoted attribute values included, so a `<script` written inside
          // a value (`title="<script>"`, `onclick="…"`) is never taken for a tag.
          index = endOfTag(index + 1).end
          continue
        }
        if next == 0x21 || next == 0x3F || next == 0x2F {
          // `<!DOCTYPE …>`, `<?…>`, `</…>`: libxml2 ends them at the next `>`.
          index = (position(of: 0x3E, from: index + 2) ?? count) + 1
          continue
        }
        index += 1
      }
      if copied == 0 { return Array(input) }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<count]))
      return output
    }
  }
}
