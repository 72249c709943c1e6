import Foundation
import PolicyWatch

/// `policywatch-bench strip-check FILE|DIR…`: extracts every HTML file twice, with and without cutting script
/// contents out before parsing (`PageExtractor.extract(stripScripts:)`), and checks the results are identical
/// (clauses with their text, sections, kinds, levels and links; title; language). Prints the files that differ,
/// the totals and both extraction times. Exit status 1 when any file differs.
func runStripCheck(_ arguments: [String]) async {
  var files: [String] = []
  for argument in arguments {
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
    let fast = try? PageExtractor.extract(bytes: raw, stripScripts: true)
    let middle = clock.now
    let slow = try? PageExtractor.extract(bytes: raw, stripScripts: false)
    let end = clock.now
    func seconds(_ elapsed: Duration) -> Double {
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    stripped += seconds(start.duration(to: middle))
    plain += seconds(middle.duration(to: end))
    let same =
      fast?.clauses == slow?.clauses && fast?.title == slow?.title && fast?.language == slow?.language
    if !same {
      differing += 1
      let a = fast?.clauses ?? []
      let b = slow?.clauses ?? []
      let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
      print("DIFFERS \(file): \(a.count) vs \(b.count) clauses; first difference at clause \(first)")
    }
  }
  print("files: \(files.count), \(bytes) bytes; differing: \(differing)")
  print(String(format: "extract with scripts cut: %.2f s (%.1f MB/s)", stripped, Double(bytes) / 1e6 / stripped))
  print(String(format: "extract as served:        %.2f s (%.1f MB/s)", plain, Double(bytes) / 1e6 / plain))
  if differing > 0 { exit(1) }
}
