// libFuzzer target "dates": DeclaredDateParser.find(in:language:) on arbitrary text (see Scripts/fuzz.sh).
//
// Compiled into the PolicyWatch module itself (`-module-name PolicyWatch`). The input, lossily decoded as UTF-8,
// is scanned once as one text and once split at "|" into clauses; the input length picks the page language.
// Checks: nothing traps; every date is an ISO calendar date that exists (DateScanner's contract: years 1900–2199,
// no 31 September); every phrase is non-empty; every clause index points at a clause.

private let languages: [String?] = [nil, "en", "en-GB", "fr", "de-AT", "es", "it-CH", "EN-us", "xx", ""]

private func checkISO(_ date: DeclaredDate, _ text: String) {
  let parts = date.date.split(separator: "-", omittingEmptySubsequences: false)
  guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
    let year = Int(parts[0]), (1900...2199).contains(year), let month = Int(parts[1]), (1...12).contains(month),
    let day = Int(parts[2])
  else { fatalError("not an ISO date: \(date) in \(text.debugDescription)") }
  let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  precondition((1...days).contains(day), "impossible date \(date.date) in \(text.debugDescription)")
  precondition(!date.phrase.isEmpty, "empty phrase for \(date) in \(text.debugDescription)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDates(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let language = languages[size % languages.count]
  for date in DeclaredDateParser.find(in: text, language: language) {
    checkISO(date, text)
    precondition(date.clauseIndex == nil)
  }
  let clauses = text.split(separator: "|", omittingEmptySubsequences: false).map {
    Clause(kind: .paragraph, text: String($0))
  }
  for date in DeclaredDateParser.find(in: clauses, language: language) {
    checkISO(date, text)
    precondition(date.clauseIndex.map { clauses.indices.contains($0) } == true, "clause index \(date)")
  }
  return 0
}
