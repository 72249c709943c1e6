internal import CPoppler

/// Why a PDF could not be read.
public enum PDFError: Error, Sendable, Equatable, CustomStringConvertible {
  /// poppler could not open it (damaged, encrypted…): poppler's message.
  case unreadable(String)
  /// It has pages but no text: scanned images of text, most likely.
  case noText(pages: Int)

  public var description: String {
    switch self {
    case .unreadable(let message): "this PDF cannot be read: \(message)"
    case .noText(let pages):
      "this PDF has no text (\(pages) page\(pages == 1 ? "" : "s") of images: scanned text needs OCR, which "
        + "PolicyWatch does not do)"
    }
  }
}

/// Reads a PDF's text with poppler-glib, page by page in reading order, with each line's position, size and
/// weight. Every poppler resource is freed before `read` returns (see `Sources/CPoppler/shim.h`).
public enum PDFTextReader {
  /// Whether bytes are a PDF (its magic bytes; `%PDF-` may follow a little garbage, as readers accept).
  public static func isPDF(_ bytes: [UInt8]) -> Bool {
    let magic = Array("%PDF-".utf8)
    let window = bytes.prefix(1024)
    guard window.count >= magic.count else { return false }
    return (0...(window.count - magic.count)).contains { window[$0..<$0 + magic.count].elementsEqual(magic) }
  }

  public static func read(_ bytes: [UInt8]) throws(PDFError) -> [PDFPageLines] {
    var failure: UnsafeMutablePointer<CChar>?
    let opened = bytes.withUnsafeBytes { pw_pdf_open($0.baseAddress, $0.count, &failure) }
    guard let document = opened else {
      let message = failure.map { String(cString: $0) } ?? "unknown error"
      pw_pdf_free(failure)
      throw .unreadable(message)
    }
    defer { pw_pdf_close(document) }
    var pages: [PDFPageLines] = []
    for index in 0..<Int32(pw_pdf_page_count(document)) {
      pages.append(page(document, index))
    }
    if !pages.isEmpty, pages.allSatisfy({ $0.lines.allSatisfy { $0.text.trimmingSpaces.isEmpty } }) {
      throw .noText(pages: pages.count)
    }
    return pages
  }

  /// The headings and paragraphs of a PDF (see `PDFLayout`).
  public static func blocks(_ bytes: [UInt8]) throws(PDFError) -> [PDFBlock] {
    PDFLayout.blocks(try read(bytes))
  }

  private static func page(_ document: UnsafeMutableRawPointer, _ index: Int32) -> PDFPageLines {
    var width = 0.0
    var height = 0.0
    guard let cText = pw_pdf_page_text(document, index, &width, &height) else {
      return PDFPageLines(height: 0, lines: [])
    }
    let text = Array(String(cString: cText).unicodeScalars)
    pw_pdf_free(cText)
    var boxCount: UInt32 = 0
    let boxesPointer = pw_pdf_page_layout(document, index, &boxCount)
    let boxes = Array(UnsafeBufferPointer(start: boxesPointer, count: Int(boxCount))).map {
      (x1: $0.x1, y1: $0.y1, x2: $0.x2, y2: $0.y2)
    }
    pw_pdf_free(boxesPointer)
    var runCount: UInt32 = 0
    let runsPointer = pw_pdf_page_attributes(document, index, &runCount)
    let runs = Array(UnsafeBufferPointer(start: runsPointer, count: Int(runCount))).map {
      (size: $0.font_size, bold: $0.bold != 0, start: Int($0.start), end: Int($0.end))
    }
    pw_pdf_free(runsPointer)

    func run(at offset: Int) -> (size: Double, bold: Bool)? {
      runs.first { $0.start <= offset && offset <= $0.end }.map { ($0.size, $0.bold) }
    }
    var lines: [PDFLine] = []
    var start = 0
    while start <= text.count {
      let end = text[start...].firstIndex(of: "\n") ?? text.count
      var line = String(String.UnicodeScalarView(text[start..<end]))
      if line.hasSuffix("\r") { line.removeLast() }
      let indices = (start..<end).filter { $0 < boxes.count && !text[$0].properties.isWhitespace }
      if !indices.isEmpty {
        let top = indices.map { boxes[$0].y1 }.min() ?? 0
        let bottom = indices.map { boxes[$0].y2 }.max() ?? 0
        let left = indices.map { boxes[$0].x1 }.min() ?? 0
        let styles = indices.compactMap(run)
        let size = styles.map(\.size).max() ?? 0
        let bold = !styles.isEmpty && styles.filter(\.bold).count * 2 > styles.count
        lines.append(PDFLine(text: line, top: top, bottom: bottom, left: left, fontSize: size, bold: bold))
      }
      start = end + 1
    }
    return PDFPageLines(height: height, lines: lines)
  }
}
