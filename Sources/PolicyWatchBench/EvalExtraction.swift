import Foundation
import PolicyWatch

/// `policywatch-bench extract-text --declaration DIR/declaration.json --out OUTDIR SNAPSHOT...`
///
/// The Swift side of `Scripts/eval-extraction.sh`: extracts every single-page snapshot with the rules in force when
/// it was fetched (its file name is the fetch time, `YYYY-MM-DDTHH-MM-SSZ.html`) and writes the visible text, one
/// clause per line, to `OUTDIR/<snapshot name>.txt`; a snapshot that cannot be extracted gets
/// `OUTDIR/<snapshot name>.error` with the reason. Prints one line per snapshot.
///
/// `SNAPSHOT@DATE` (ISO 8601) extracts with the rules in force at DATE instead. When the rules in force match
/// nothing, the later recorded rules are tried, oldest first: declaration commits are recorded hours or days after
/// OTA starts using them (the same lag `ReplayDeclaration.declaration(at:pageIDs:)` allows for).
func runExtractText(_ arguments: [String]) async {
  var declarationPath: String?
  var outDirectory: String?
  var files: [String] = []
  var index = 0
  while index < arguments.count {
    let argument = arguments[index]
    if ["--declaration", "--out"].contains(argument), index + 1 < arguments.count {
      if argument == "--declaration" { declarationPath = arguments[index + 1] }
      if argument == "--out" { outDirectory = arguments[index + 1] }
      index += 2
    } else {
      files.append(argument)
      index += 1
    }
  }
  guard let declarationPath, let outDirectory else {
    FileHandle.standardError.write(
      Data("usage: policywatch-bench extract-text --declaration FILE --out DIR SNAPSHOT...\n".utf8))
    exit(64)
  }
  let replay: ReplayDeclaration
  do {
    replay = try DeclarationLoader.loadReplayDeclaration(at: declarationPath)
  } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
  }
  try? FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
  let parser = ISO8601DateFormatter()
  for argument in files {
    var file = argument
    var rulesDate: Date?
    if let at = argument.lastIndex(of: "@"),
      let date = parser.date(from: String(argument[argument.index(after: at)...]))
    {
      file = String(argument[..<at])
      rulesDate = date
    }
    let name = (file as NSString).lastPathComponent
    let stem = (name as NSString).deletingPathExtension
    let out = (outDirectory as NSString).appendingPathComponent(name)
    func fail(_ reason: String) {
      try? Data((reason + "\n").utf8).write(to: URL(fileURLWithPath: out + ".error"))
      print("\(name)\terror\t\(reason)")
    }
    // "2025-11-11T15-22-33Z" → "2025-11-11T15:22:33Z".
    let parts = stem.split(separator: "T", maxSplits: 1)
    guard parts.count == 2,
      let date = parser.date(from: parts[0] + "T" + parts[1].replacingOccurrences(of: "-", with: ":"))
    else {
      fail("the file name is not a snapshot time")
      continue
    }
    let inForce = replay.declaration(at: rulesDate ?? date, pageIDs: [])
    let later = replay.gitHistory.filter { $0.from > (rulesDate ?? date) }.compactMap(\.declaration)
    let candidates = ([inForce] + later).filter { !$0.isCombined && !$0.pages.isEmpty }
    guard !candidates.isEmpty else {
      fail("a combine declaration; single-page snapshots only")
      continue
    }
    guard let data = FileManager.default.contents(atPath: file) else {
      fail("unreadable")
      continue
    }
    var firstError: String?
    for (index, declaration) in candidates.enumerated() {
      let page = declaration.pages[0]
      do {
        let select = try page.select.map { spec throws(CSSSelectorError) in try ExtractionRule(spec) }
        let remove = try page.remove.map { spec throws(CSSSelectorError) in try ExtractionRule(spec) }
        let extracted = try PageExtractor.extract(bytes: [UInt8](data), select: select, remove: remove)
        let text = extracted.clauses.map(\.text).joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: out + ".txt"))
        let rules = index == 0 ? "rules in force" : "later rules (\(firstError ?? ""))"
        print("\(name)\tok\t\(extracted.clauses.count) clauses\t\(rules)")
        firstError = nil
        break
      } catch {
        if firstError == nil { firstError = "\(error)" }
      }
    }
    if let firstError { fail(firstError) }
  }
}
