/// Writes small PDF files for the tests: text in Helvetica (regular or bold) at given positions, and pages that
/// hold only an image. Every text is written for these tests.
enum TestPDF {
  struct Text {
    var x: Double
    /// From the page's top (converted to PDF's bottom-up coordinates on a 792-point page).
    var y: Double
    var size: Double
    var bold = false
    var text: String
  }

  enum Page {
    case text([Text])
    /// A gray square drawn from an image, no text at all.
    case image
  }

  static func make(_ pages: [Page]) -> [UInt8] {
    var objects: [String] = []
    // 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 an 8x8 gray image; then a page and its contents.
    let firstPage = 6
    let kids = pages.indices.map { "\(firstPage + 2 * $0) 0 R" }.joined(separator: " ")
    objects.append("<< /Type /Catalog /Pages 2 0 R >>")
    objects.append("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    let pixels = String(repeating: "\u{80}", count: 64)
    objects.append(
      "<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        + "/Length 64 >>\nstream\n\(pixels)\nendstream")
    for (index, page) in pages.enumerated() {
      var content = ""
      switch page {
      case .text(let texts):
        for text in texts {
          let font = text.bold ? "/F2" : "/F1"
          content += "BT \(font) \(text.size) Tf \(text.x) \(792 - text.y) Td (\(escape(text.text))) Tj ET\n"
        }
      case .image:
        content = "q 300 0 0 300 150 300 cm /Im1 Do Q\n"
      }
      objects.append(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> "
          + "/XObject << /Im1 5 0 R >> >> /Contents \(firstPage + 2 * index + 1) 0 R >>")
      objects.append("<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream")
    }
    var output: [UInt8] = Array("%PDF-1.4\n%\u{E2}\u{E3}\n".utf8)
    var offsets: [Int] = []
    for (index, object) in objects.enumerated() {
      offsets.append(output.count)
      output += latin1("\(index + 1) 0 obj\n\(object)\nendobj\n")
    }
    let xref = output.count
    var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
    for offset in offsets { table += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
    table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
    output += latin1(table)
    return output
  }

  /// Bytes of a string whose characters are all below U+0100 (PDF strings here are WinAnsi/Latin-1).
  private static func latin1(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
  }

  private static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
      .replacingOccurrences(of: ")", with: "\\)")
  }

  /// A two-page privacy policy: a title, numbered and bold headings, paragraphs of two lines, a running header
  /// and a page-number footer on each page.
  static func policy() -> [UInt8] {
    func page(_ number: Int, _ body: [Text]) -> Page {
      .text(
        [Text(x: 72, y: 40, size: 8, text: "Example Notes Ltd - Privacy Policy")] + body
          + [Text(x: 300, y: 760, size: 9, text: "Page \(number) of 2")])
    }
    return make([
      page(
        1,
        [
          Text(x: 72, y: 100, size: 20, bold: true, text: "Example Notes Privacy Policy"),
          Text(x: 72, y: 130, size: 11, text: "Last updated: March 3, 2025"),
          Text(x: 72, y: 170, size: 11, bold: true, text: "1. What we collect"),
          Text(x: 72, y: 195, size: 11, text: "We collect the notes you write and the address you"),
          Text(x: 72, y: 209, size: 11, text: "sign up with, and nothing else."),
          Text(x: 72, y: 235, size: 11, text: "We keep your notes for as long as your account"),
          Text(x: 72, y: 249, size: 11, text: "stays open."),
        ]),
      page(
        2,
        [
          Text(x: 72, y: 100, size: 11, bold: true, text: "2. How we use it"),
          Text(x: 72, y: 125, size: 11, text: "We use your notes to provide the service and never"),
          Text(x: 72, y: 139, size: 11, text: "to train models."),
        ]),
    ])
  }

  /// One page in two columns: the left column's paragraphs come first in reading order.
  static func twoColumns() -> [UInt8] {
    var texts: [Text] = [Text(x: 72, y: 80, size: 18, bold: true, text: "Example Terms in Columns")]
    let left = ["Left column first paragraph starts", "here and ends on this line.", "", "Left second paragraph."]
    let right = ["Right column paragraph that starts", "at the top of the right column."]
    for (row, line) in left.enumerated() where !line.isEmpty {
      texts.append(Text(x: 60, y: 130 + Double(row) * 14, size: 10, text: line))
    }
    for (row, line) in right.enumerated() {
      texts.append(Text(x: 330, y: 130 + Double(row) * 14, size: 10, text: line))
    }
    return make([.text(texts)])
  }
}
