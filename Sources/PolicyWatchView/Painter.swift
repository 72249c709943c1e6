import PolicyWatchStore

/// `--color auto|always|never`.
public enum ColorMode: String, Sendable, CaseIterable {
  case auto, always, never

  /// Whether to colour: `always` and `never` win; `auto` colours a terminal unless `NO_COLOR` is set to a non-empty
  /// value (no-color.org) or `TERM` is `dumb`.
  public func enabled(isTerminal: Bool, environment: [String: String]) -> Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto:
      if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
      if environment["TERM"] == "dumb" { return false }
      return isTerminal
    }
  }
}

/// What a piece of terminal output is, for styling.
enum Tone: Sendable, Equatable {
  case plain, title, label, section, added, removed, modified, moved, inserted, deleted, fold, flag, dataUse, dataUseOld
  case kind(EventKind)
}

/// Turns tones into ANSI SGR sequences, or into nothing when colour is off.
///
/// With colour, word changes are bold red/green (deleted also struck through), data-use words underlined and their
/// category tag bold magenta. Without colour the renderers add `[-…-]`/`{+…+}` markers instead.
struct Painter: Sendable {
  var color: Bool

  func paint(_ text: String, _ tone: Tone, underline: Bool = false) -> String {
    guard color, !text.isEmpty else { return text }
    var codes: [String]
    switch tone {
    case .plain: codes = []
    case .title: codes = ["1"]
    case .label: codes = ["2"]
    case .section: codes = ["36"]
    case .added: codes = ["32"]
    case .removed: codes = ["31"]
    case .modified: codes = []
    case .moved: codes = ["33"]
    case .inserted: codes = ["1", "32"]
    case .deleted: codes = ["1", "31", "9"]
    case .fold: codes = ["2"]
    case .flag: codes = ["1", "33"]
    case .dataUse: codes = ["1", "35"]
    case .dataUseOld: codes = ["35"]
    case .kind(let kind):
      switch kind {
      case .change: codes = ["1"]
      case .first: codes = ["36"]
      case .flap, .technical: codes = ["33"]
      case .inaccessible: codes = ["31"]
      case .recovered: codes = ["32"]
      }
    }
    if underline { codes.append("4") }
    guard !codes.isEmpty else { return text }
    return "\u{1B}[" + codes.joined(separator: ";") + "m" + text + "\u{1B}[0m"
  }

  /// Spans of a clause, styled on a base tone (the clause's own colour).
  func spans(_ spans: [InlineSpan], base: Tone) -> String {
    var output = ""
    for span in plainMerged(spans) {
      output += render(span, base: base)
    }
    return output
  }

  /// Without colour, adjacent runs of one role are one run (one pair of markers, whatever data-use words they hold),
  /// and the deleted and inserted runs of a replacement are marked as owning their leading whitespace.
  func plainMerged(_ spans: [InlineSpan]) -> [InlineSpan] {
    guard !color else { return spans }
    var merged: [InlineSpan] = []
    for span in spans {
      if let last = merged.last, last.role == span.role, span.role != .tag {
        merged[merged.count - 1].text += span.text
      } else {
        var plain = span
        if plain.role != .tag { plain.dataUse = false }
        merged.append(plain)
      }
    }
    for index in merged.indices where merged[index].role == .deleted || merged[index].role == .inserted {
      let opposite: InlineSpan.Role = merged[index].role == .deleted ? .inserted : .deleted
      let before = index > 0 && merged[index - 1].role == opposite
      let after = index + 1 < merged.count && merged[index + 1].role == opposite
      merged[index].ownsLeadingSpace = before || after
    }
    return merged
  }

  func render(_ span: InlineSpan, base: Tone) -> String {
    switch span.role {
    case .tag:
      let text = " ⟨" + span.text + "⟩"
      return color ? paint(text, span.new ? .dataUse : .dataUseOld) : text
    case .text:
      return paint(span.text, base, underline: span.dataUse && color)
    case .inserted, .deleted:
      let inserted = span.role == .inserted
      if color { return paint(span.text, inserted ? .inserted : .deleted, underline: span.dataUse) }
      // Markers hug the words: leading whitespace stays outside, unless the run owns it (see `InlineSpan`).
      if span.ownsLeadingSpace { return (inserted ? "{+" : "[-") + span.text + (inserted ? "+}" : "-]") }
      let trimmed = span.text.drop { $0.isWhitespace }
      let lead = span.text.prefix(span.text.count - trimmed.count)
      return lead + (inserted ? "{+" : "[-") + trimmed + (inserted ? "+}" : "-]")
    }
  }
}

/// Greedy word wrap of styled cells to a width, for the side-by-side view and terminal-width wrapping.
/// Width counts characters (East Asian wide characters count as one: a known limit).
enum Wrap {
  struct Cell {
    var character: Character
    var span: InlineSpan
  }

  /// A line already painted (ANSI colour codes count for nothing) broken at spaces into lines of at most `width`
  /// characters, the continuation lines indented by `indent`. A word longer than a line is left whole. Runs of
  /// spaces inside the line are kept.
  static func words(_ line: String, width: Int, indent: String) -> [String] {
    let width = max(20, width)
    guard visibleCount(line) > width else { return [line] }
    var lines: [String] = []
    var current = ""
    var currentWidth = 0
    var hasText = false
    for (index, word) in line.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
      let wordWidth = visibleCount(word)
      if index == 0 {
        current = String(word)
        currentWidth = wordWidth
      } else if hasText, wordWidth > 0, currentWidth + 1 + wordWidth > width {
        lines.append(current)
        current = indent + word
        currentWidth = indent.count + wordWidth
      } else {
        current += " " + word
        currentWidth += 1 + wordWidth
      }
      hasText = hasText || wordWidth > 0
    }
    lines.append(current)
    return lines.map { line in
      var trimmed = line
      while trimmed.hasSuffix(" ") { trimmed.removeLast() }
      return trimmed
    }
  }

  /// Characters a terminal shows: ANSI SGR sequences (`ESC [ … m`) count for nothing.
  static func visibleCount<S: StringProtocol>(_ text: S) -> Int {
    var count = 0
    var inEscape = false
    for character in text {
      if inEscape {
        if character == "m" { inEscape = false }
      } else if character == "\u{1B}" {
        inEscape = true
      } else {
        count += 1
      }
    }
    return count
  }

  /// Splits spans into lines of at most `width` characters; breaks after a space when it can.
  static func lines(_ spans: [InlineSpan], width: Int, painter: Painter, base: Tone) -> [(text: String, width: Int)] {
    var cells: [Cell] = []
    for span in painter.plainMerged(spans) {
      let rendered: String
      if span.role == .tag {
        rendered = " ⟨" + span.text + "⟩"
      } else if !painter.color && (span.role == .inserted || span.role == .deleted) {
        rendered = painter.render(span, base: base)
      } else {
        rendered = span.text
      }
      var plainSpan = span
      if span.role == .tag || !painter.color { plainSpan.role = span.role == .tag ? .tag : .text }
      for character in rendered {
        cells.append(Cell(character: character == "\n" ? " " : character, span: plainSpan))
      }
    }
    let width = max(8, width)
    var lines: [[Cell]] = []
    var start = 0
    while start < cells.count {
      var end = min(cells.count, start + width)
      if end < cells.count {
        if let space = cells[start..<end].lastIndex(where: { $0.character == " " }), space > start {
          end = space + 1
        }
      }
      lines.append(Array(cells[start..<end]))
      start = end
      while start < cells.count, cells[start].character == " ", start > 0, lines.last?.count == width {
        start += 1
      }
    }
    if lines.isEmpty { lines = [[]] }
    return lines.map { line in
      var trimmed = line
      while trimmed.last?.character == " " { trimmed.removeLast() }
      var output = ""
      var index = 0
      while index < trimmed.count {
        var run = String(trimmed[index].character)
        let span = trimmed[index].span
        var next = index + 1
        while next < trimmed.count, trimmed[next].span == span {
          run.append(trimmed[next].character)
          next += 1
        }
        var styled = span
        styled.text = run
        if span.role == .tag {
          output += painter.color ? painter.paint(run, span.new ? .dataUse : .dataUseOld) : run
        } else {
          output += painter.render(styled, base: base)
        }
        index = next
      }
      return (output, trimmed.count)
    }
  }
}
