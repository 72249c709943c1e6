import Foundation
import PolicyWatch

/// `policywatch-bench fetch URL_TEMPLATE COUNT [--hosts H] [--concurrency N] [--per-host N] [--conditional]`
/// Fetches COUNT URLs made from the template (`{i}` → 0…COUNT-1, `{h}` → 1…H in turn) in one batch and prints
/// wall time and outcome counts.
/// With --conditional it first fetches once to learn validators, then times the conditional batch.
func runFetchBenchmark(_ arguments: [String]) async {
  guard arguments.count >= 2, let count = Int(arguments[1]) else {
    FileHandle.standardError.write(
      Data(
        "usage: policywatch-bench fetch URL_TEMPLATE COUNT [--hosts H] [--concurrency N] [--per-host N] [--conditional]\n"
          .utf8))
    exit(64)
  }
  let base = arguments[0]
  var configuration = FetchConfiguration()
  if let index = arguments.firstIndex(of: "--concurrency"), index + 1 < arguments.count,
    let value = Int(arguments[index + 1])
  {
    configuration.maxConcurrent = value
  }
  if let index = arguments.firstIndex(of: "--per-host"), index + 1 < arguments.count,
    let value = Int(arguments[index + 1])
  {
    configuration.maxPerHost = value
  }
  let fetcher = Fetcher(configuration: configuration)
  var hosts = 1
  if let index = arguments.firstIndex(of: "--hosts"), index + 1 < arguments.count,
    let value = Int(arguments[index + 1])
  {
    hosts = max(1, value)
  }
  var requests = (0..<count).map { index in
    FetchRequest(
      url: base.replacingOccurrences(of: "{i}", with: String(index))
        .replacingOccurrences(of: "{h}", with: String(index % hosts + 1)))
  }
  if arguments.contains("--conditional") {
    let first = await fetcher.fetch(requests)
    requests = first.map {
      FetchRequest(id: $0.request.id, url: $0.request.url, validators: $0.response?.validators ?? Validators())
    }
  }
  let clock = ContinuousClock()
  let start = clock.now
  let results = await fetcher.fetch(requests)
  let elapsed = clock.now - start
  var fetched = 0
  var notModified = 0
  var failed = 0
  var bytes = 0
  for result in results {
    switch result.outcome {
    case .fetched(let response):
      fetched += 1
      bytes += response.body.count
    case .notModified: notModified += 1
    case .failed: failed += 1
    }
  }
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  print("urls \(count)")
  print("concurrency \(configuration.maxConcurrent) per-host \(configuration.maxPerHost)")
  print(String(format: "wall %.3f s", seconds))
  print("fetched \(fetched) not-modified \(notModified) failed \(failed)")
  print(String(format: "bytes %d (%.1f MB/s)", bytes, Double(bytes) / seconds / 1e6))
}
