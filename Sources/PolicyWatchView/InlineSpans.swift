import PolicyWatchText

/// A run of clause text with its role in the diff: what every renderer (ANSI, plain, Markdown, HTML) styles.
public struct InlineSpan: Sendable, Equatable {
  /// What a span of text is in a diff line.
  public enum Role: Sendable, Equatable {
    /// Text present in both versions (or the whole text of an added, removed, moved or context clause).
    case text
    case deleted
    case inserted
    /// A data-use category label placed right after the words that matched (`text` is the label).
    case tag
  }
  public var text: String
  public var role: Role
  /// Inside words that matched a data-use rule.
  public var dataUse = false
  /// For `tag` and data-use words: the data-use report counts this language as new in this change.
  public var new = false
  /// A deleted or inserted run next to the opposite kind (a replacement): its leading whitespace is its own and
  /// stays inside the plain `[-…-]`/`{+…+}` markers (`area[- and-]{+,+}`), or one reading would get a wrong space.
  var ownsLeadingSpace = false
}

/// Builds the spans of one diff entry: word-diff runs, then data-use matches located in the displayed text and
/// marked (their words flagged `dataUse`, a `tag` span after them). The match words come from the classifier's
/// normalised text, so they are looked up with whitespace, typography and case folded.
enum InlineSpans {
  enum Side {
    /// Old and new words interleaved (the unified view).
    case unified
    case old
    case new
  }

  static func spans(_ entry: DiffReport.Entry, side: Side) -> [InlineSpan] {
    var runs: [(String, InlineSpan.Role)] = []
    if let words = entry.words {
      for edit in words {
        switch edit.kind {
        case .equal: runs.append((edit.text, .text))
        case .deleted where side != .new: runs.append((edit.text, .deleted))
        case .inserted where side != .old: runs.append((edit.text, .inserted))
        default: break
        }
      }
    } else {
      let text: String?
      switch side {
      case .old: text = entry.old ?? (entry.kind == .unchanged || entry.kind == .moved ? entry.new : nil)
      case .new: text = entry.new
      case .unified: text = entry.new ?? entry.old
      }
      if let text { runs.append((text, .text)) }
    }
    // Data-use marks go on the text a reader reads as the result: the new text, or the old one of a removed clause.
    let marked: Bool
    switch side {
    case .unified, .new: marked = entry.kind != .removed || side == .unified
    case .old: marked = entry.kind == .removed
    }
    return apply(marks: marked ? entry.dataUse : [], to: runs)
  }

  private static func apply(marks: [DiffReport.Mark], to runs: [(String, InlineSpan.Role)]) -> [InlineSpan] {
    // Character offsets of the readable text (everything but deleted runs).
    var readable: [Character] = []
    var bounds: [Range<Int>?] = []
    for (text, role) in runs {
      if role == .deleted {
        bounds.append(nil)
        continue
      }
      let start = readable.count
      readable.append(contentsOf: text)
      bounds.append(start..<readable.count)
    }
    struct Located {
      var range: Range<Int>
      var mark: DiffReport.Mark
    }
    var located: [Located] = []
    let folded = Folded(readable)
    for mark in marks {
      if let range = folded.find(mark.match) {
        located.append(Located(range: range, mark: mark))
      } else {
        located.append(Located(range: readable.count..<readable.count, mark: mark))
      }
    }
    // Tags after the last character of their match, in match order.
    var tagsAt: [Int: [DiffReport.Mark]] = [:]
    for item in located.sorted(by: { $0.range.upperBound < $1.range.upperBound }) {
      tagsAt[item.range.upperBound, default: []].append(item.mark)
    }
    func inMatch(_ offset: Int) -> (Bool, Bool) {
      var hit = false
      var new = false
      for item in located where item.range.contains(offset) {
        hit = true
        new = new || item.mark.new
      }
      return (hit, new)
    }
    var spans: [InlineSpan] = []
    func append(_ text: String, _ role: InlineSpan.Role, _ dataUse: Bool = false, _ new: Bool = false) {
      guard !text.isEmpty else { return }
      if let last = spans.last, last.role == role, last.dataUse == dataUse, last.new == new, role != .tag {
        spans[spans.count - 1].text += text
      } else {
        spans.append(InlineSpan(text: text, role: role, dataUse: dataUse, new: new))
      }
    }
    func appendTags(at offset: Int) {
      for mark in tagsAt[offset] ?? [] { spans.append(InlineSpan(text: mark.label, role: .tag, new: mark.new)) }
    }
    var emittedEmptyTags = false
    for (index, (text, role)) in runs.enumerated() {
      guard let range = bounds[index] else {
        append(text, role)
        continue
      }
      if range.lowerBound == 0, !emittedEmptyTags {
        appendTags(at: 0)
        emittedEmptyTags = true
      }
      var current = ""
      var currentFlags = (false, false)
      for offset in range {
        let flags = inMatch(offset)
        if flags != currentFlags {
          append(current, role, currentFlags.0, currentFlags.1)
          current = ""
          currentFlags = flags
        }
        current.append(readable[offset])
        if tagsAt[offset + 1] != nil {
          append(current, role, currentFlags.0, currentFlags.1)
          current = ""
          appendTags(at: offset + 1)
        }
      }
      append(current, role, currentFlags.0, currentFlags.1)
    }
    if readable.isEmpty, !emittedEmptyTags { appendTags(at: 0) }
    return spans
  }
}

/// Characters folded for matching (lowercase, typography normalised, whitespace runs as one space) with a map
/// back to their offsets.
private struct Folded {
  var characters: [Character] = []
  var origin: [Int] = []

  init(_ text: [Character]) {
    var pendingSpace = false
    for (offset, character) in text.enumerated() {
      if character.isWhitespace {
        pendingSpace = !characters.isEmpty
        continue
      }
      if pendingSpace {
        characters.append(" ")
        origin.append(offset - 1)
        pendingSpace = false
      }
      for folded in Folded.fold(character) {
        characters.append(folded)
        origin.append(offset)
      }
    }
  }

  static func fold(_ character: Character) -> [Character] {
    if character.isASCII { return [Character(character.lowercased())] }
    return Array(TextNormalization.key(String(character)).lowercased())
  }

  /// The original range of the first occurrence of `needle`.
  func find(_ needle: String) -> Range<Int>? {
    let pattern = Folded(Array(needle)).characters
    guard !pattern.isEmpty, pattern.count <= characters.count else { return nil }
    var start = 0
    while start + pattern.count <= characters.count {
      if characters[start] == pattern[0], Array(characters[start..<start + pattern.count]) == pattern {
        return origin[start]..<(origin[start + pattern.count - 1] + 1)
      }
      start += 1
    }
    return nil
  }
}
