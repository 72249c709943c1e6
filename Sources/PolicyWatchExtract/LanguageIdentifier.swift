internal import CExtTextCat
import Foundation
import PolicyWatchText

/// The language a document is written in, told from its text by libexttextcat (Debian's `libexttextcat-dev` and
/// `libexttextcat-data`): `<html lang>` is only a hint, since pages translated by a site's tooling keep the
/// attribute of the template ("fr" text under `lang="en"`).
///
/// libexttextcat compares the text's character n-gram profile with the profiles of 160 languages (Cavnar and
/// Trenkle's TextCat) and answers every language whose score is within 3 % of the best. One language is a
/// confident answer; several are not (Catalan/Spanish on a short text, a page mixing languages), and then the hint
/// decides when it is among them. Without libexttextcat's data files the hint is the answer, unconfirmed.
public enum LanguageIdentifier {
  /// What the text says about its language.
  public struct Identification: Sendable, Equatable {
    /// A BCP 47 tag: the hint when the text agrees with its primary language (so "en-GB" keeps its region),
    /// otherwise the primary language the text shows ("fr"); nil when neither says anything.
    public var language: String?
    /// True when the text itself settles the language (one candidate, or the hint among several).
    public var confident: Bool
  }

  /// Where libexttextcat's `fpdb.conf` and `*.lm` fingerprints are: `$POLICYWATCH_TEXTCAT_DATA`, else Debian's
  /// `/usr/share/libexttextcat`.
  static var dataDirectory: String {
    ProcessInfo.processInfo.environment["POLICYWATCH_TEXTCAT_DATA"] ?? "/usr/share/libexttextcat"
  }

  /// Whether libexttextcat and its fingerprints could be loaded.
  public static var isAvailable: Bool { classifiers.available }

  /// At most this many bytes of text are classified: a few thousand characters settle the language, and the cost
  /// grows with the text.
  static let sampleBytes = 3_000
  /// Below this many bytes of text nothing is identified (titles and menus are too short to tell).
  static let minimumBytes = 80

  /// The candidate languages of `text` (primary subtags, best first); empty when the text is too short or
  /// unknown; nil when libexttextcat is not available.
  public static func candidates(_ text: String) -> [String]? {
    guard let classifier = classifiers.take() else { return nil }
    defer { classifiers.give(classifier) }
    var sample = Array(text.utf8.prefix(sampleBytes + 1))
    if sample.count > sampleBytes {
      // Cut at a character boundary: drop the byte past the sample and any sequence it leaves unfinished.
      sample.removeLast()
      while let last = sample.last, last & 0xC0 == 0x80 || last >= 0xC0 { sample.removeLast() }
    }
    guard sample.count >= minimumBytes else { return [] }
    return classifier.classify(sample)
  }

  /// The language of a document from its clauses, with the page's `lang` as a hint.
  public static func identify(_ clauses: [Clause], hint: String?) -> Identification {
    let hint = hint.flatMap { $0.isEmpty ? nil : $0 }
    guard let found = candidates(sample(of: clauses)), !found.isEmpty else {
      return Identification(language: hint, confident: false)
    }
    let hinted = hint.map(primary)
    if let hinted, found.contains(hinted) { return Identification(language: hint, confident: true) }
    if found.count == 1 { return Identification(language: found[0], confident: true) }
    return Identification(language: hint ?? found[0], confident: false)
  }

  /// The primary subtag of a language tag, lowercased: "en-GB" → "en", "zh_TW" → "zh".
  public static func primary(_ tag: String) -> String {
    String(tag.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? "")
  }

  /// Running text of a document: its paragraph-like clauses (headings and short lines are mostly interface text
  /// or names), else whatever it has.
  static func sample(of clauses: [Clause]) -> String {
    var text = ""
    for clause in clauses where clause.kind != .heading && clause.key.utf8.count >= 40 {
      text += clause.key
      text += " "
      if text.utf8.count >= sampleBytes { return text }
    }
    if text.utf8.count < minimumBytes * 2 {
      text = clauses.map(\.key).joined(separator: " ")
    }
    return text
  }

  // MARK: - libexttextcat

  /// One libexttextcat classifier (its handle holds scratch space: one thread at a time). Owns the handle and
  /// frees it once, in `deinit`.
  final class Classifier: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    init?(directory: String) {
      let folder = directory.hasSuffix("/") ? directory : directory + "/"
      guard FileManager.default.fileExists(atPath: folder + "fpdb.conf"),
        let handle = special_textcat_Init(folder + "fpdb.conf", folder)
      else { return nil }
      self.handle = handle
    }

    deinit { textcat_Done(handle) }

    /// The languages whose profiles are closest to the text's (names such as "en--utf8" → "en").
    func classify(_ bytes: [UInt8]) -> [String] {
      guard let output = textcat_GetClassifyFullOutput(handle) else { return [] }
      defer { textcat_ReleaseClassifyFullOutput(handle, output) }
      let count = bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { textcat_ClassifyFull(handle, $0.baseAddress, $0.count, output) }
      }
      // 0 is "unknown", a negative count "too short"; more than MAXCANDIDATES (5) cannot happen.
      guard count > 0 else { return [] }
      var languages: [String] = []
      for index in 0..<Int(min(count, 5)) {
        guard let name = output[index].name else { continue }
        let language = LanguageIdentifier.primary(String(cString: name))
        if !language.isEmpty, !languages.contains(language) { languages.append(language) }
      }
      return languages
    }
  }

  /// Loaded classifiers, reused across calls (loading the 160 profiles takes about 15 ms). The pool lives as long
  /// as the process.
  final class ClassifierPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Classifier] = []
    private var failed = false

    var available: Bool {
      guard let classifier = take() else { return false }
      give(classifier)
      return true
    }

    func take() -> Classifier? {
      if let ready = lock.withLock({ failed ? nil : idle.popLast() }) { return ready }
      if lock.withLock({ failed }) { return nil }
      guard let made = Classifier(directory: LanguageIdentifier.dataDirectory) else {
        lock.withLock { failed = true }
        return nil
      }
      return made
    }

    func give(_ classifier: Classifier) { lock.withLock { if idle.count < 4 { idle.append(classifier) } } }
  }

  static let classifiers = ClassifierPool()
}
