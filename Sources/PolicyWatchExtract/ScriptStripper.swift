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
/// libxml2's grammar (`prunableTag`); any other tag is copied whole.
///
/// Checked against parsing the unstripped page on every snapshot of the corpus (`policywatch-bench strip-check`).
enum ScriptStripper {
  static func strip(_ bytes: [UInt8], pruning: AttributePruning = .none) -> [UInt8] {
    let keptWords = WordTable(pruning.classWords ?? [])
    let keptNames = WordTable(pruning.keptNames)
    return bytes.withUnsafeBufferPointer { input -> [UInt8] in
      let count = input.count
      var output: [UInt8] = []
      var index = 0
      var copied = 0
      /// What to cut from the current start tag: byte ranges, in order; a range with `words` set is replaced by
      /// the kept words of that `class` value, any other is dropped.
      var edits: [(range: Range<Int>, words: Bool)] = []
      /// Set at the first construct whose end this scan and libxml2 might see at different places (`--!>` in a
      /// comment, `<?`, `<!` other than a comment or a plain doctype, `</` without a name, a start tag outside
      /// `prunableTag`'s grammar): from there on nothing is pruned, since cutting bytes inside what libxml2 reads
      /// as an attribute value or a comment could change the rest of the page.
      var pruningStopped = pruning.isNone
      /// The attribute names of the current start tag, to refuse a tag that repeats one (libxml2 keeps the first).
      var names: [Range<Int>] = []
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
      /// Whether the element name that reaches `at` ends there: libxml2 reads a name as long as letters, digits,
      /// `:`, `-`, `_` and `.` follow (`<script"x">` is a script too).
      func isNameEnd(_ at: Int) -> Bool { at >= count || !isNameByte(input[at]) }
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
      func isBlank(_ byte: UInt8) -> Bool { XMLBytes.isSpace(byte) }
      func isNameByte(_ byte: UInt8) -> Bool {
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
      /// Decides what to do with one attribute of a start tag (`edits`): `whole` is the attribute, from its name to
      /// the end of its value, `value` its value (between the quotes when `quoted`), nil when it has none.
      func noteAttribute(name: Range<Int>, whole: Range<Int>, value: Range<Int>?, quoted: Bool) {
        if keptNames.contains(UnsafeBufferPointer(rebasing: input[name]), foldingCase: true) { return }
        if isName(name, "class") {
          guard let words = pruning.classWords else { return }
          guard let value else {
            edits.append((whole, false))
            return
          }
          // `&` starts a character reference, which changes words: such a value is kept whole.
          if contains(value, 0x26) { return }
          if words.isEmpty || !hasKeptWord(value) {
            edits.append((whole, false))
          } else if quoted {
            edits.append((value, true))
          }
          return
        }
        if isName(name, "style"), let value {
          // Kept when it hides its element or shows it as a block, or cannot be judged (a character reference); cut
          // otherwise.
          guard pruning.style, !contains(value, 0x26),
            !ClauseBuilder.styleMatters(UnsafeBufferPointer(rebasing: input[value]))
          else { return }
        } else if isName(name, "style"), !pruning.style {
          return
        }
        edits.append((whole, false))
      }
      /// The end of the start tag at `open` (just past its `>`) when the whole tag is within a strict subset of
      /// libxml2's grammar, with what to cut in `edits` (none for `<meta>` and for a tag that repeats an
      /// attribute); nil otherwise.
      ///
      /// The subset: `<name`, then attributes, each preceded by blanks or right after a quoted value — a name
      /// (`[A-Za-z_:][A-Za-z0-9_:.-]*`, at most 90 bytes: libxml2 reads names into a 100-byte buffer), optionally
      /// `=` and a value, double-quoted or single-quoted without NUL, or unquoted of plain bytes — then blanks and
      /// `>` or `/>`. On such a tag libxml2 and this scan agree on where every attribute starts and ends, so
      /// cutting whole attributes (their blanks stay, so an unquoted value before them still ends where it did) or
      /// words inside a quoted value leaves the rest of the tag, and the page, as libxml2 reads it.
      func prunableTag(_ open: Int) -> Int? {
        edits.removeAll(keepingCapacity: true)
        names.removeAll(keepingCapacity: true)
        var cursor = open + 1
        while cursor < count, isNameByte(input[cursor]) { cursor += 1 }
        guard cursor - open - 1 <= 90 else { return nil }
        var unchanged = isName((open + 1)..<cursor, "meta")
        var afterQuote = false
        for _ in 0..<count {
          let tokenEnd = cursor
          while cursor < count, isBlank(input[cursor]) { cursor += 1 }
          guard cursor < count else { return nil }
          let byte = input[cursor]
          if byte == 0x3E || byte == 0x2F {
            let end = byte == 0x3E ? cursor + 1 : cursor + 1 < count && input[cursor + 1] == 0x3E ? cursor + 2 : nil
            if unchanged { edits.removeAll(keepingCapacity: true) }
            return end
          }
          guard cursor > tokenEnd || afterQuote,
            (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F || byte == 0x3A
          else { return nil }
          let nameStart = cursor
          while cursor < count, isNameByte(input[cursor]) { cursor += 1 }
          let name = nameStart..<cursor
          guard name.count <= 90 else { return nil }
          // libxml2 keeps the first of repeated attributes: cutting it would give the next one effect.
          if names.contains(where: { sameName($0, name) }) { unchanged = true }
          names.append(name)
          afterQuote = false
          var look = cursor
          while look < count, isBlank(input[look]) { look += 1 }
          guard look < count, input[look] == 0x3D else {
            // No value: the blanks after the name separate it from the next attribute.
            noteAttribute(name: name, whole: name, value: nil, quoted: false)
            continue
          }
          look += 1
          while look < count, isBlank(input[look]) { look += 1 }
          guard look < count else { return nil }
          let quote = input[look]
          if quote == 0x22 || quote == 0x27 {
            // A NUL ends a value early in libxml2: the rest of such a tag is read differently.
            guard let close = position(of: quote, from: look + 1), !contains((look + 1)..<close, 0) else { return nil }
            cursor = close + 1
            afterQuote = true
            noteAttribute(name: name, whole: nameStart..<cursor, value: (look + 1)..<close, quoted: true)
          } else {
            let start = look
            while look < count, !isBlank(input[look]), input[look] != 0x3E {
              // Plain bytes only: no quote, `=`, `<`, backtick, control or non-ASCII byte.
              let byte = input[look]
              guard byte > 0x20, byte < 0x7F, byte != 0x22, byte != 0x27, byte != 0x3D, byte != 0x3C, byte != 0x60
              else { return nil }
              look += 1
            }
            guard look > start else { return nil }
            cursor = look
            noteAttribute(name: name, whole: nameStart..<cursor, value: start..<cursor, quoted: false)
          }
        }
        return nil
      }
      /// Whether two attribute names are the same, ASCII case-insensitively (libxml2 lowercases them).
      func sameName(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        for offset in 0..<a.count where input[a.lowerBound + offset] | 0x20 != input[b.lowerBound + offset] | 0x20 {
          return false
        }
        return true
      }
      /// Calls `body` with the range of each word of the `class` value at `range` that `pruning` keeps, in order,
      /// until it returns false.
      func forEachKeptWord(in range: Range<Int>, _ body: (Range<Int>) -> Bool) {
        var start = range.lowerBound
        while start < range.upperBound {
          while start < range.upperBound, isBlank(input[start]) { start += 1 }
          var end = start
          while end < range.upperBound, !isBlank(input[end]) { end += 1 }
          if end > start, keptWords.contains(UnsafeBufferPointer(rebasing: input[start..<end]), foldingCase: false),
            !body(start..<end)
          {
            return
          }
          start = end
        }
      }
      func hasKeptWord(_ range: Range<Int>) -> Bool {
        var found = false
        forEachKeptWord(in: range) { _ in
          found = true
          return false
        }
        return found
      }
      /// Appends the kept words of the `class` value at `range`, separated by single spaces.
      func appendKeptWords(_ range: Range<Int>) {
        var first = true
        forEachKeptWord(in: range) { word in
          if !first { output.append(0x20) }
          output.append(contentsOf: UnsafeBufferPointer(rebasing: input[word]))
          first = false
          return true
        }
      }
      while index < count {
        guard input[index] == 0x3C else {
          index = position(of: 0x3C, from: index) ?? count
          continue
        }
        if matches("<!--", at: index) {
          guard let close = find("-->", from: index + 4) else { break }
          // libxml2 2.9 also ends a comment at `--!>`.
          if !pruningStopped, holds((index + 4)..<close, "--!>") { pruningStopped = true }
          index = close + 3
          continue
        }
        let rawText: (open: StaticString, close: StaticString)? =
          matches("<script", at: index) && isNameEnd(index + 7)
          ? ("<script", "</script")
          : matches("<style", at: index) && isNameEnd(index + 6) ? ("<style", "</style") : nil
        if let rawText {
          let nameEnd = index + rawText.open.utf8CodeUnitCount
          let tag = endOfTag(nameEnd)
          guard !tag.selfClosing else {
            // `/>` right after an unquoted value belongs to the value for libxml2 (`<script src=a.js/>` has
            // content): from there this scan and libxml2 may disagree on what is markup.
            let before = input[tag.end - 3]
            if tag.end - 3 >= nameEnd, before != 0x22, before != 0x27, !isBlank(before) { pruningStopped = true }
            index = tag.end
            continue
          }
          let close = find(rawText.close, from: tag.end) ?? count
          // libxml2 ignores `</scripts>` and reads on as script; this scan ends the script there.
          if close < count, !isNameEnd(close + rawText.close.utf8CodeUnitCount) { pruningStopped = true }
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
          // a value (`title="<script>"`, `onclick="…"`) is never taken for a tag. Cut what `pruning` allows when
          // the tag is within the strict grammar of `prunableTag`.
          if !pruningStopped, let end = prunableTag(index) {
            if !edits.isEmpty, output.isEmpty { output.reserveCapacity(count / 2) }
            for edit in edits {
              output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<edit.range.lowerBound]))
              if edit.words { appendKeptWords(edit.range) }
              copied = edit.range.upperBound
            }
            index = end
          } else {
            pruningStopped = true
            index = endOfTag(index + 1).end
          }
          continue
        }
        if next == 0x21 || next == 0x3F || next == 0x2F {
          // `<!DOCTYPE …>`, `<?…>`, `</…>`: ended at the next `>`. Where libxml2 might end them elsewhere (a
          // quoted doctype identifier, a processing instruction, `<!` of anything else, `</` without a name),
          // pruning stops.
          let close = position(of: 0x3E, from: index + 2) ?? count
          if !pruningStopped {
            let plainDoctype =
              matches("<!doctype", at: index) && !contains(index..<close, 0x22) && !contains(index..<close, 0x27)
            let endTag =
              next == 0x2F && index + 2 < count && (input[index + 2] | 0x20 >= 0x61 && input[index + 2] | 0x20 <= 0x7A)
            if !plainDoctype && !endTag { pruningStopped = true }
          }
          index = close + 1
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

/// Words grouped by byte length, looked up by the bytes of a range of the input (no string built per lookup).
private struct WordTable {
  private var byLength: [[[UInt8]]] = []

  init(_ words: some Sequence<String>) {
    for word in words {
      let bytes = Array(word.utf8)
      if byLength.count <= bytes.count { byLength += Array(repeating: [], count: bytes.count + 1 - byLength.count) }
      byLength[bytes.count].append(bytes)
    }
  }

  /// Whether `bytes` are one of the words; with `foldingCase`, ASCII capitals in `bytes` match lower-case words.
  func contains(_ bytes: UnsafeBufferPointer<UInt8>, foldingCase: Bool) -> Bool {
    guard bytes.count < byLength.count else { return false }
    return byLength[bytes.count].contains { word in
      for (expected, byte) in zip(word, bytes)
      where expected != (foldingCase && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) {
        return false
      }
      return true
    }
  }
}
