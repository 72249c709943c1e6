import Foundation
import Testing

@testable import PolicyWatchDeclarations
@testable import PolicyWatchExtract
@testable import PolicyWatchPDF

/// PDFs made by the tests, read by poppler, and the layout rules on lines written by hand.
struct PDFTests {
  @Test func aPolicyPDFGivesHeadingsAndParagraphsWithoutRunningHeadersOrPageNumbers() throws {
    let blocks = try PDFTextReader.blocks(TestPDF.policy())
    #expect(
      blocks == [
        PDFBlock(kind: .heading(level: 1), text: "Example Notes Privacy Policy"),
        PDFBlock(kind: .paragraph, text: "Last updated: March 3, 2025"),
        PDFBlock(kind: .heading(level: 2), text: "1. What we collect"),
        PDFBlock(
          kind: .paragraph, text: "We collect the notes you write and the address you sign up with, and nothing else."),
        PDFBlock(kind: .paragraph, text: "We keep your notes for as long as your account stays open."),
        PDFBlock(kind: .heading(level: 2), text: "2. How we use it"),
        PDFBlock(kind: .paragraph, text: "We use your notes to provide the service and never to train models."),
      ])
  }

  @Test func aTwoColumnPageIsReadAColumnAfterTheOther() throws {
    let texts = try PDFTextReader.blocks(TestPDF.twoColumns()).map(\.text)
    #expect(
      texts == [
        "Example Terms in Columns", "Left column first paragraph starts here and ends on this line.",
        "Left second paragraph.", "Right column paragraph that starts at the top of the right column.",
      ])
  }

  @Test func aPDFOfImagesOnlyHasNoTextAndSaysSo() {
    #expect(throws: PDFError.noText(pages: 1)) { try PDFTextReader.read(TestPDF.make([.image])) }
  }

  @Test func bytesThatAreNotAPDFAreRefusedWithPopplersReason() {
    #expect {
      try PDFTextReader.read(Array("%PDF-1.4 and then nothing".utf8))
    } throws: { error in
      (error as? PDFError).map { if case .unreadable = $0 { true } else { false } } ?? false
    }
  }

  @Test func aPDFDocumentIsExtractedIntoClausesWithItsDeclaredDate() throws {
    let declaration = DocumentDeclaration(
      service: "Example", documentType: "Privacy Policy",
      pages: [PageDeclaration(fetch: "https://example.com/privacy.pdf")], isCombined: false)
    let document = try DocumentExtractor.extract(
      declaration, pages: ["privacy": RawPage(id: "privacy", bytes: TestPDF.policy())])
    #expect(
      document.clauses.map(\.text).contains(
        "We collect the notes you write and the address you sign up with, and nothing else."))
    #expect(
      document.clauses.first { $0.text.hasPrefix("We use your notes") }?.section == [
        "Example Notes Privacy Policy", "2. How we use it",
      ])
    #expect(document.declaredDates.first?.date == "2025-03-03")
  }

  @Test func aScannedPDFIsInaccessibleWithThatReason() {
    let declaration = DocumentDeclaration(
      service: "Example", documentType: "Terms", pages: [PageDeclaration(fetch: "https://example.com/t.pdf")],
      isCombined: false)
    #expect {
      try DocumentExtractor.extract(declaration, pages: ["t": RawPage(id: "t", bytes: TestPDF.make([.image, .image]))])
    } throws: { error in
      "\(error)".contains("this PDF has no text (2 pages of images")
    }
  }

  // MARK: The layout rules alone, on lines written by hand

  func line(_ text: String, top: Double, size: Double = 10, bold: Bool = false) -> PDFLine {
    PDFLine(text: text, top: top, bottom: top + size, left: 72, fontSize: size, bold: bold)
  }

  @Test func runningFootersWithChangingDatesAndPageNumbersAreDropped() {
    let pages = (1...3).map { number in
      PDFPageLines(
        height: 800,
        lines: [
          line("Acme Terms — printed 0\(number)/12/2025", top: 20, size: 8),
          line("Body text of page \(number).", top: 200),
          line("\(number)", top: 760, size: 8),
        ])
    }
    #expect(
      PDFLayout.blocks(pages).map(\.text) == ["Body text of page 1.", "Body text of page 2.", "Body text of page 3."])
  }

  @Test func aSentenceGoesOnOverAPageBreak() {
    let pages = [
      PDFPageLines(height: 800, lines: [line("We may share your data with", top: 700)]),
      PDFPageLines(height: 800, lines: [line("our service providers.", top: 100)]),
    ]
    #expect(PDFLayout.blocks(pages).map(\.text) == ["We may share your data with our service providers."])
  }

  @Test func listItemsAndHyphenatedWordsAreToldApart() {
    let page = PDFPageLines(
      height: 800,
      lines: [
        line("We collect informa-", top: 100), line("tion you give us:", top: 112),
        line("(a) your name;", top: 124), line("• your address.", top: 136),
      ])
    #expect(
      PDFLayout.blocks([page]).map(\.text) == [
        "We collect information you give us:", "(a) your name;", "• your address.",
      ])
  }

  @Test func numberedHeadingsGetLevelsFromTheirNumbers() {
    #expect(PDFLayout.numberingDepth("4. Sharing") == 1)
    #expect(PDFLayout.numberingDepth("4.1 Cookies") == 2)
    #expect(PDFLayout.numberingDepth("Article 3 Data") == 1)
    #expect(PDFLayout.numberingDepth("2024 was a year") == nil)
    #expect(PDFLayout.numberingDepth("3. we then") == nil)
  }
}
