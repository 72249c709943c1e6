import PolicyWatchSupport

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
///
/// With a `pruning` other than `.none`, it also cuts the attributes that neither the rules of the extraction nor
/// the clause builder read (`AttributePruning`): on real pages those are most of what is left after the scripts.
/// Only whole attributes and words of `class` values are cut, and only in start tags within a strict subset of
/// libxml2's grammar (`StartTagPruner.prunableTag`); any other tag is copied whole.
///
/// Checked against parsing the unstripped page on every snapshot of the corpus (`policywatch-bench strip-check`).
enum ScriptStripper {
  /// The page `bytes` without the contents of its scripts and style sheets, and without the attributes `pruning`
  /// lets go; `bytes` unchanged (a copy) when nothing is cut.
  static func strip(_ bytes: [UInt8], pruning: AttributePruning = .none) -> [UInt8] {
    bytes.withUnsafeBufferPointer { input -> [UInt8] in
      var scan = StripScan(text: StripInput(input), pruning: pruning)
      return scan.run()
    }
  }
}

/// One pass of `ScriptStripper.strip` over a page: walks the markup from `<` to `<`, copying the input to
/// `output` in runs and leaving out script and style contents and what `pruner` cuts from start tags.
private struct StripScan {
  let text: StripInput
  /// Decides what to cut from each start tag.
  var pruner: StartTagPruner
  /// The page so far, from the input's start to `copied`; empty until something is cut.
  var output: [UInt8] = []
  /// How much of the input `output` stands for.
  var copied = 0
  /// Set at the first construct whose end this scan and libxml2 might see at different places (`--!>` in a
  /// comment, `<?`, `<!` other than a comment or a plain doctype, `</` without a name, a start tag outside
  /// `StartTagPruner.prunableTag`'s grammar): from there on nothing is pruned, since cutting bytes inside what
  /// libxml2 reads as an attribute value or a comment could change the rest of the page.
  var pruningStopped: Bool

  init(text: StripInput, pruning: AttributePruning) {
    self.text = text
    self.pruner = StartTagPruner(text: text, pruning: pruning)
    self.pruningStopped = pruning.isNone
  }

  /// The stripped page: each `<` is handed to the step for what it opens (comment, script or style, other start
  /// tag, doctype, processing instruction or end tag); anything else is copied.
  mutating func run() -> [UInt8] {
    let input = text.input
    let count = text.count
    var index = 0
    while index < count {
      guard input[index] == 0x3C else {
        index = text.position(of: 0x3C, from: index) ?? count
        continue
      }
      if text.matches("<!--", at: index) {
        guard let end = skipComment(at: index) else { break }
        index = end
        continue
      }
      if let element = text.rawTextElement(at: index) {
        index = cutRawText(element, at: index)
        continue
      }
      let next = index + 1 < count ? input[index + 1] : 0
      if (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7A {
        index = copyStartTag(at: index)
        continue
      }
      if next == 0x21 || next == 0x3F || next == 0x2F {
        index = skipDeclarationOrEndTag(at: index, next: next)
        continue
      }
      index += 1
    }
    if copied == 0 { return Array(input) }
    output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<count]))
    return output
  }

  /// Skips the comment at `open` (`<!--`): the index just past its `-->`, or nil when it is not closed (the scan
  /// ends there). A comment that libxml2 2.9 would end earlier, at `--!>`, stops pruning.
  mutating func skipComment(at open: Int) -> Int? {
    guard let close = text.find("-->", from: open + 4) else { return nil }
    if !pruningStopped, text.holds((open + 4)..<close, "--!>") { pruningStopped = true }
    return close + 3
  }

  /// Cuts the content of the script or style element whose start tag is at `open`, up to its end tag: the index
  /// of that end tag (or of the end of the input), or just past a self-closed start tag, which has no content.
  /// Stops pruning where libxml2 may read the element's end elsewhere.
  mutating func cutRawText(_ element: StripInput.RawTextElement, at open: Int) -> Int {
    let input = text.input
    let count = text.count
    let nameEnd = open + element.open.utf8CodeUnitCount
    let tag = text.endOfTag(nameEnd)
    guard !tag.selfClosing else {
      // `/>` right after an unquoted value belongs to the value for libxml2 (`<script src=a.js/>` has
      // content): from there this scan and libxml2 may disagree on what is markup.
      let before = input[tag.end - 3]
      if tag.end - 3 >= nameEnd, before != 0x22, before != 0x27, !StripInput.isBlank(before) { pruningStopped = true }
      return tag.end
    }
    let close = text.find(element.close, from: tag.end) ?? count
    // libxml2 ignores `</scripts>` and reads on as script; this scan ends the script there.
    if close < count, !text.isNameEnd(close + element.close.utf8CodeUnitCount) { pruningStopped = true }
    if close > tag.end {
      if output.isEmpty { output.reserveCapacity(count / 2) }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<tag.end]))
      copied = close
    }
    return close
  }

  /// Copies the start tag at `open` (other than a script's or a style's) and returns the index just past it.
  /// The tag is skipped whole, quoted attribute values included, so a `<script` written inside a value
  /// (`title="<script>"`, `onclick="…"`) is never taken for a tag; what `pruner` allows is cut when the tag is
  /// within its strict grammar, and a tag outside it stops pruning.
  mutating func copyStartTag(at open: Int) -> Int {
    guard !pruningStopped, let end = pruner.prunableTag(open) else {
      pruningStopped = true
      return text.endOfTag(open + 1).end
    }
    if !pruner.edits.isEmpty, output.isEmpty { output.reserveCapacity(text.count / 2) }
    for edit in pruner.edits {
      output.append(contentsOf: UnsafeBufferPointer(rebasing: text.input[copied..<edit.range.lowerBound]))
      if edit.words { pruner.appendKeptWords(edit.range, to: &output) }
      copied = edit.range.upperBound
    }
    return end
  }

  /// Skips `<!DOCTYPE …>`, `<?…>` or `</…>` at `open` (`next` is the byte after the `<`) to the next `>`, and
  /// returns the index just past it. Where libxml2 might end them elsewhere (a quoted doctype identifier, a
  /// processing instruction, `<!` of anything else, `</` without a name), pruning stops.
  mutating func skipDeclarationOrEndTag(at open: Int, next: UInt8) -> Int {
    let input = text.input
    let count = text.count
    let close = text.position(of: 0x3E, from: open + 2) ?? count
    if !pruningStopped {
      let plainDoctype =
        text.matches("<!doctype", at: open) && !text.contains(open..<close, 0x22) && !text.contains(open..<close, 0x27)
      let endTag =
        next == 0x2F && open + 2 < count && (input[open + 2] | 0x20 >= 0x61 && input[open + 2] | 0x20 <= 0x7A)
      if !plainDoctype && !endTag { pruningStopped = true }
    }
    return close + 1
  }
}

/// The page's bytes as `ScriptStripper` and `StartTagPruner` read them: byte tests and searches (memchr) by
/// index, without copying.
struct StripInput {
  let input: UnsafeBufferPointer<UInt8>
  let count: Int

  init(_ input: UnsafeBufferPointer<UInt8>) {
    self.input = input
    self.count = input.count
  }

  /// An element whose content libxml2 reads as raw text: the start of its start tag and of its end tag.
  typealias RawTextElement = (open: StaticString, close: StaticString)

  /// The script or style element whose start tag begins at `at`, or nil.
  func rawTextElement(at: Int) -> RawTextElement? {
    matches("<script", at: at) && isNameEnd(at + 7)
      ? ("<script", "</script")
      : matches("<style", at: at) && isNameEnd(at + 6) ? ("<style", "</style") : nil
  }

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

  /// The index of the next `word` (as `matches` compares it) from `from`; its first byte, `<` or `-`, is compared
  /// exactly.
  func find(_ word: StaticString, from: Int) -> Int? {
    var at = from
    let first = word.utf8Start[0]
    while let candidate = position(of: first, from: at) {
      if matches(word, at: candidate) { return candidate }
      at = candidate + 1
    }
    return nil
  }

  /// Whether the element name that reaches `at` ends there: libxml2 reads a name as long as letters, digits,
  /// `:`, `-`, `_` and `.` follow (`<script"x">` is a script too).
  func isNameEnd(_ at: Int) -> Bool { at >= count || !Self.isNameByte(input[at]) }

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

  /// libxml2's blanks (`IS_BLANK_CH`): form feed is not one.
  static func isBlank(_ byte: UInt8) -> Bool { XMLBytes.isSpace(byte) }

  static func isNameByte(_ byte: UInt8) -> Bool {
    (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
      || byte == 0x5F || byte == 0x2E || byte == 0x3A
  }

  /// Whether the bytes at `range` are `name`, ASCII case-insensitively (`name` is lower-case).
  func isName(_ range: Range<Int>, _ name: StaticString) -> Bool {
    range.count == name.utf8CodeUnitCount && matches(name, at: range.lowerBound)
  }

  func contains(_ range: Range<Int>, _ byte: UInt8) -> Bool {
    guard !range.isEmpty, let base = input.baseAddress else { return false }
    return memchr(base + range.lowerBound, Int32(byte), range.count) != nil
  }

  /// Whether `range` holds `text` (exact bytes).
  func holds(_ range: Range<Int>, _ text: StaticString) -> Bool {
    let length = text.utf8CodeUnitCount
    var at = range.lowerBound
    while at + length <= range.upperBound, let base = input.baseAddress,
      let found = memchr(base + at, Int32(text.utf8Start[0]), range.upperBound - at)
    {
      let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
      if offset + length <= range.upperBound, memcmp(base + offset, text.utf8Start, length) == 0 { return true }
      at = offset + 1
    }
    return false
  }

  /// Whether two attribute names are the same, ASCII case-insensitively (libxml2 lowercases them).
  func sameName(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
    guard a.count == b.count else { return false }
    for offset in 0..<a.count where input[a.lowerBound + offset] | 0x20 != input[b.lowerBound + offset] | 0x20 {
      return false
    }
    return true
  }
}
