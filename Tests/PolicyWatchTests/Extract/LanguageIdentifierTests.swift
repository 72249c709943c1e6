import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDeclarations
@testable import PolicyWatchExtract
@testable import PolicyWatchText

/// Texts written for these tests: the same short privacy notice in English and in French.
enum LanguageFixtures {
  static let english = [
    "We collect the information you give us when you create an account, such as your name and email address.",
    "We use this information to run the service, to keep it secure and to answer your questions.",
    "You can ask us at any time to correct or delete the information we hold about you.",
    "We keep your information for as long as your account is open, and for thirty days after you close it.",
  ]
  static let french = [
    "Nous recueillons les informations que vous nous donnez lorsque vous créez un compte, comme votre nom.",
    "Nous utilisons ces informations pour faire fonctionner le service, le sécuriser et répondre à vos questions.",
    "Vous pouvez nous demander à tout moment de corriger ou de supprimer les informations que nous détenons.",
    "Nous conservons vos informations tant que votre compte est ouvert, puis trente jours après sa fermeture.",
  ]

  static func page(_ paragraphs: [String], lang: String, date: String = "") -> String {
    """
    <html lang="\(lang)"><body><main><h1>Privacy</h1>\(date.isEmpty ? "" : "<p>\(date)</p>")
    \(paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n"))</main></body></html>
    """
  }

  static func extract(_ html: String) throws -> ExtractedDocument {
    let declaration = DocumentDeclaration(
      service: "Example Co", documentType: "Privacy Policy",
      pages: [PageDeclaration(id: "p", fetch: "https://example.com/privacy", select: [.css("main")])],
      isCombined: false)
    return try DocumentExtractor.extract(declaration, pages: ["p": RawPage(id: "p", bytes: Array(html.utf8))])
  }
}

@Suite("Language identification")
struct LanguageIdentifierTests {
  @Test func libexttextcatIsInstalled() {
    // A required build dependency (libexttextcat-dev, which brings libexttextcat-data).
    #expect(LanguageIdentifier.isAvailable)
  }

  @Test func frenchTextUnderAnEnglishLangAttributeIsFrench() throws {
    let document = try LanguageFixtures.extract(LanguageFixtures.page(LanguageFixtures.french, lang: "en"))
    #expect(document.languageHint == "en")
    #expect(document.language == "fr")
    #expect(document.languageConfident)
  }

  @Test func theHintKeepsItsRegionWhenTheTextAgrees() throws {
    let document = try LanguageFixtures.extract(LanguageFixtures.page(LanguageFixtures.english, lang: "en-GB"))
    #expect(document.language == "en-gb")
    #expect(document.languageConfident)
  }

  @Test func textWithoutAHintIsIdentified() throws {
    let document = try LanguageFixtures.extract(LanguageFixtures.page(LanguageFixtures.english, lang: ""))
    #expect(document.language == "en")
  }

  @Test func tooLittleTextLeavesTheHintUnconfirmed() {
    let clauses = [Clause(kind: .heading, text: "Privacy"), Clause(kind: .paragraph, text: "Contact us.")]
    #expect(
      LanguageIdentifier.identify(clauses, hint: "de") == .init(language: "de", confident: false))
    #expect(LanguageIdentifier.identify(clauses, hint: nil) == .init(language: nil, confident: false))
  }

  @Test func numericDatesAreReadInTheLanguageOfTheText() throws {
    // "03/04/2024" is 3 April in French text, whatever the template's lang attribute says.
    let document = try LanguageFixtures.extract(
      LanguageFixtures.page(LanguageFixtures.french, lang: "en-US", date: "Dernière mise à jour : 03/04/2024"))
    #expect(document.language == "fr")
    #expect(document.declaredDates.map(\.date) == ["2024-04-03"])
  }

  @Test func missingDataIsNoClassifier() {
    #expect(LanguageIdentifier.Classifier(directory: "/nonexistent/libexttextcat") == nil)
  }
}
