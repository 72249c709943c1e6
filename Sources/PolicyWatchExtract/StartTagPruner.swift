/// The attribute pruning pass of `ScriptStripper`: decides, for one start tag at a time, which attributes and
/// `class` words `AttributePruning` lets it cut, and only for tags within a strict subset of libxml2's grammar
/// (`prunableTag`), where libxml2 and the scan agree on where every attribute starts and ends.
struct StartTagPruner {
  let text: StripInput
  let pruning: AttributePruning
  /// The `class` words kept, and the attribute names kept whole (`class` and `style` apart).
  private let keptWords: WordTable
  private let keptNames: WordTable
  /// What to cut from the current start tag: byte ranges, in order; a range with `words` set is replaced by the
  /// kept words of that `class` value, any other is dropped.
  private(set) var edits: [(range: Range<Int>, words: Bool)] = []
  /// The attribute names of the current start tag, to refuse a tag that repeats one (libxml2 keeps the first).
  private var names: [Range<Int>] = []

  init(text: StripInput, pruning: AttributePruning) {
    self.text = text
    self.pruning = pruning
    self.keptWords = WordTable(pruning.classWords ?? [])
    self.keptNames = WordTable(pruning.keptNames)
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
  mutating func prunableTag(_ open: Int) -> Int? {
    let input = text.input
    let count = text.count
    edits.removeAll(keepingCapacity: true)
    names.removeAll(keepingCapacity: true)
    var cursor = open + 1
    while cursor < count, StripInput.isNameByte(input[cursor]) { cursor += 1 }
    guard cursor - open - 1 <= 90 else { return nil }
    var unchanged = text.isName((open + 1)..<cursor, "meta")
    var afterQuote = false
    for _ in 0..<count {
      let tokenEnd = cursor
      while cursor < count, StripInput.isBlank(input[cursor]) { cursor += 1 }
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
      while cursor < count, StripInput.isNameByte(input[cursor]) { cursor += 1 }
      let name = nameStart..<cursor
      guard name.count <= 90 else { return nil }
      // libxml2 keeps the first of repeated attributes: cutting it would give the next one effect.
      if names.contains(where: { text.sameName($0, name) }) { unchanged = true }
      names.append(name)
      afterQuote = false
      var look = cursor
      while look < count, StripInput.isBlank(input[look]) { look += 1 }
      guard look < count, input[look] == 0x3D else {
        // No value: the blanks after the name separate it from the next attribute.
        noteAttribute(name: name, whole: name, value: nil, quoted: false)
        continue
      }
      look += 1
      while look < count, StripInput.isBlank(input[look]) { look += 1 }
      guard look < count else { return nil }
      let quote = input[look]
      if quote == 0x22 || quote == 0x27 {
        // A NUL ends a value early in libxml2: the rest of such a tag is read differently.
        guard let close = text.position(of: quote, from: look + 1), !text.contains((look + 1)..<close, 0)
        else { return nil }
        cursor = close + 1
        afterQuote = true
        noteAttribute(name: name, whole: nameStart..<cursor, value: (look + 1)..<close, quoted: true)
      } else {
        let start = look
        while look < count, !StripInput.isBlank(input[look]), input[look] != 0x3E {
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

  /// Decides what to do with one attribute of a start tag (`edits`): `whole` is the attribute, from its name to
  /// the end of its value, `value` its value (between the quotes when `quoted`), nil when it has none. Kept: the
  /// names `pruning` keeps, `class` when its words are kept whole or hold a character reference, a `style` that
  /// matters to the clause builder; a `class` value that keeps some words is replaced by them; the rest is cut.
  private mutating func noteAttribute(name: Range<Int>, whole: Range<Int>, value: Range<Int>?, quoted: Bool) {
    let input = text.input
    if keptNames.contains(UnsafeBufferPointer(rebasing: input[name]), foldingCase: true) { return }
    if text.isName(name, "class") {
      guard let words = pruning.classWords else { return }
      guard let value else {
        edits.append((whole, false))
        return
      }
      // `&` starts a character reference, which changes words: such a value is kept whole.
      if text.contains(value, 0x26) { return }
      if words.isEmpty || !hasKeptWord(value) {
        edits.append((whole, false))
      } else if quoted {
        edits.append((value, true))
      }
      return
    }
    if text.isName(name, "style"), let value {
      // Kept when it hides its element or shows it as a block, or cannot be judged (a character reference); cut
      // otherwise.
      guard pruning.style, !text.contains(value, 0x26),
        !ClauseBuilder.styleMatters(UnsafeBufferPointer(rebasing: input[value]))
      else { return }
    } else if text.isName(name, "style"), !pruning.style {
      return
    }
    edits.append((whole, false))
  }

  /// Calls `body` with the range of each word of the `class` value at `range` that `pruning` keeps, in order,
  /// until it returns false.
  private func forEachKeptWord(in range: Range<Int>, _ body: (Range<Int>) -> Bool) {
    let input = text.input
    var start = range.lowerBound
    while start < range.upperBound {
      while start < range.upperBound, StripInput.isBlank(input[start]) { start += 1 }
      var end = start
      while end < range.upperBound, !StripInput.isBlank(input[end]) { end += 1 }
      if end > start, keptWords.contains(UnsafeBufferPointer(rebasing: input[start..<end]), foldingCase: false),
        !body(start..<end)
      {
        return
      }
      start = end
    }
  }

  private func hasKeptWord(_ range: Range<Int>) -> Bool {
    var found = false
    forEachKeptWord(in: range) { _ in
      found = true
      return false
    }
    return found
  }

  /// Appends the kept words of the `class` value at `range` to `output`, separated by single spaces.
  func appendKeptWords(_ range: Range<Int>, to output: inout [UInt8]) {
    let input = text.input
    var first = true
    forEachKeptWord(in: range) { word in
      if !first { output.append(0x20) }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: input[word]))
      first = false
      return true
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
