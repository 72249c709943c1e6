import Foundation
import PolicyWatch

/// `policywatch-bench extract [--select CSS]... [--remove CSS]... [--runs N] FILE...`
/// For every file: the median time of libxml2's bare parse of the bytes, and of the whole extraction (decode +
/// parse + remove/select + clauses + declared dates), over N runs each; the two alternate run by run so that the
/// load of a busy machine weighs on both alike. Prints one line per file and the medians.
func runExtractBenchmark(_ arguments: [String]) async {
  var select: [String] = []
  var remove: [String] = []
  var runs = 15
  var files: [String] = []
  var index = 0
  while index < arguments.count {
    let argument = arguments[index]
    if ["--select", "--remove", "--runs"].contains(argument), index + 1 < arguments.count {
      let value = arguments[index + 1]
      if argument == "--select" { select.append(value) }
      if argument == "--remove" { remove.append(value) }
      if argument == "--runs" { runs = Int(value) ?? runs }
      index += 2
    } else {
      files.append(argument)
      index += 1
    }
  }
  let rules: (select: [ExtractionRule], remove: [ExtractionRule])
  do {
    rules = (try select.map(ExtractionRule.css), try remove.map(ExtractionRule.css))
  } catch {
    print("error: \(error)")
    exit(2)
  }
  var parseMedians: [Double] = []
  var extractMedians: [Double] = []
  var sizes: [Int] = []
  for file in files {
    guard let data = FileManager.default.contents(atPath: file) else { continue }
    let bytes = [UInt8](data)
    var clauses = 0
    var dates = 0
    var parseTimes: [Double] = []
    var extractTimes: [Double] = []
    for _ in 0..<max(1, runs) {
      parseTimes.append(median(1) { _ = try? HTMLDocument(bytes: bytes, encoding: "UTF-8") })
      extractTimes.append(
        median(1) {
          let page = try? PageExtractor.extract(bytes: bytes, select: rules.select, remove: rules.remove)
          clauses = page?.clauses.count ?? -1
          if let page { dates = DeclaredDateParser.find(in: page.clauses, language: page.language).count }
        })
    }
    let parse = parseTimes.sorted()[parseTimes.count / 2]
    let extract = extractTimes.sorted()[extractTimes.count / 2]
    parseMedians.append(parse)
    extractMedians.append(extract)
    sizes.append(bytes.count)
    print(
      String(
        format: "%@\t%d bytes\t%d clauses\t%d dates\tparse %.2f ms\textract %.2f ms\tratio %.2f",
        (file as NSString).lastPathComponent, bytes.count, clauses, dates, parse * 1000, extract * 1000,
        extract / parse))
  }
  guard !files.isEmpty, !parseMedians.isEmpty else { return }
  let parse = parseMedians.sorted()[parseMedians.count / 2]
  let extract = extractMedians.sorted()[extractMedians.count / 2]
  print(
    String(
      format: "files %d, median size %d bytes: bare parse %.2f ms, extraction %.2f ms, ratio %.2f",
      files.count, sizes.sorted()[sizes.count / 2], parse * 1000, extract * 1000, extract / parse))
}

/// The median wall time of `runs` calls, in seconds.
func median(_ runs: Int, _ body: () -> Void) -> Double {
  let clock = ContinuousClock()
  var times: [Double] = []
  for _ in 0..<max(1, runs) {
    let start = clock.now
    body()
    let elapsed = clock.now - start
    times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
  }
  return times.sorted()[times.count / 2]
}
