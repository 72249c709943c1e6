import Foundation
import PolicyWatch

/// `policywatch-bench strip-check [--select CSS]… [--remove CSS]… FILE|DIR…`: extracts every HTML file twice, with
/// and without cutting script contents and unread attribute values out before parsing
/// (`PageExtractor.extract(stripScripts:)`), with the rules given, and checks the results are identical (clauses
/// with their text, sections, kinds, levels and links; title; language; or the same error). Prints the files that
/// differ, the totals and both extraction times. Exit status 1 when any file differs.
func runStripCheck(_ arguments: [String]) async {
  var files: [String] = []
  var select: [ExtractionRule] = []
  var remove: [ExtractionRule] = []
  var index = 0
  while index < arguments.count {
    let argument = arguments[index]
    index += 1
    if argument == "--select" || argument == "--remove", index < arguments.count {
      do {
        let rule = try ExtractionRule.css(arguments[index])
        if argument == "--select" { select.append(rule) } else { remove.append(rule) }
      } catch {
        print("error: \(arguments[index]): \(error)")
        exit(2)
      }
      index += 1
      continue
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else { continue }
    if isDirectory.boolValue {
      let walker = FileManager.default.enumerator(atPath: argument)
      while let name = walker?.nextObject() as? String {
        if name.hasSuffix(".html") { files.append("\(argument)/\(name)") }
      }
    } else {
      files.append(argument)
    }
  }
  files.sort()
  var differing = 0
  var bytes = 0
  var stripped = 0.0
  var plain = 0.0
  let clock = ContinuousClock()
  for file in files {
    guard let data = FileManager.default.contents(atPath: file) else { continue }
    let raw = [UInt8](data)
    bytes += raw.count
    let start = clock.now
    let fast = Result { try PageExtractor.extract(bytes: raw, select: select, remove: remove, stripScripts: true) }
    let middle = clock.now
    let slow = Result { try PageExtractor.extract(bytes: raw, select: select, remove: remove, stripScripts: false) }
    let end = clock.now
    func seconds(_ elapsed: Duration) -> Double {
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    stripped += seconds(start.duration(to: middle))
    plain += seconds(middle.duration(to: end))
    let (a, b) = ((try? fast.get())?.clauses ?? [], (try? slow.get())?.clauses ?? [])
    let same: Bool
    switch (fast, slow) {
    case (.success(let fast), .success(let slow)):
      same = fast.clauses == slow.clauses && fast.title == slow.title && fast.language == slow.language
    case (.failure(let fast), .failure(let slow)):
      same = "\(fast)" == "\(slow)"
    default:
      same = false
    }
    if !same {
      differing += 1
      let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
      print("DIFFERS \(file): \(a.count) vs \(b.count) clauses; first difference at clause \(first)")
    }
  }
  print("files: \(files.count), \(bytes) bytes; differing: \(differing)")
  print(String(format: "extract with scripts cut: %.2f s (%.1f MB/s)", stripped, Double(bytes) / 1e6 / stripped))
  print(String(format: "extract as served:        %.2f s (%.1f MB/s)", plain, Double(bytes) / 1e6 / plain))
  if differing > 0 { exit(1) }
}
