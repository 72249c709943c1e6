import PolicyWatchPDF

/// A PDF page of a document, read by poppler (`PolicyWatchPDF`) and handed to the HTML extractor as the headings
/// and paragraphs it holds, so that clauses, sections, declared dates and the trust rules are the same as for
/// HTML. The raw PDF stays the snapshot.
package enum PDFPageReader {
  /// Whether the bytes are a PDF.
  package static func isPDF(_ bytes: [UInt8]) -> Bool { PDFTextReader.isPDF(bytes) }

  /// The PDF's headings and paragraphs as a small HTML page (UTF-8).
  static func html(_ bytes: [UInt8], page: String) throws(DocumentExtractionError) -> [UInt8] {
    let blocks: [PDFBlock]
    do {
      blocks = try PDFTextReader.blocks(bytes)
    } catch {
      throw DocumentExtractionError(page: page, cause: error.description, selectorMissed: false)
    }
    return Array(html(blocks).utf8)
  }

  static func html(_ blocks: [PDFBlock]) -> String {
    var body = ""
    for block in blocks {
      let text = escape(block.text)
      switch block.kind {
      case .heading(let level): body += "<h\(level)>\(text)</h\(level)>\n"
      case .paragraph: body += "<p>\(text)</p>\n"
      }
    }
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n\(body)</body></html>\n"
  }

  static func escape(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
