/// Escaping text from documents for the formats PolicyWatch writes, in one place.
package enum Markup {
  /// Escapes text for HTML or XML element content and for attributes in either quote: `&`, `<`, `>`, `"` and `'`
  /// become references, and the characters XML 1.0 forbids (C0 controls other than tab, LF and CR; U+FFFE,
  /// U+FFFF) are dropped, so the same text is safe in a page, a feed and a mail.
  package static func escape(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x26: output += "&amp;"
      case 0x3C: output += "&lt;"
      case 0x3E: output += "&gt;"
      case 0x22: output += "&quot;"
      case 0x27: output += "&#39;"
      case 0x09, 0x0A, 0x0D: output.unicodeScalars.append(scalar)
      case 0x00...0x1F, 0xFFFE, 0xFFFF: continue
      default: output.unicodeScalars.append(scalar)
      }
    }
    return output
  }

  /// Backslash-escapes what Markdown (CommonMark/GFM) could read as inline syntax, HTML, an entity or a table cell
  /// boundary. Block syntax (`#`, `-`, `1.`) only counts at the start of a line, where escaped text never stands.
  package static func escapeMarkdown(_ text: String) -> String {
    var output = ""
    for character in text {
      if "\\`*_[]<>|~&".contains(character) { output.append("\\") }
      output.append(character)
    }
    return output
  }
}
