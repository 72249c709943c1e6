// `policywatch-bench`: the benchmarks behind the figures in closing notes. Run through the scripts in Scripts/,
// built in release mode. Each subcommand prints its measurements as text, one figure per line.
import Foundation
import PolicyWatch

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first else {
  FileHandle.standardError.write(Data("usage: policywatch-bench BENCHMARK [ARGS…]\n".utf8))
  exit(64)
}
let rest = Array(arguments.dropFirst())
switch name {
case "fetch":
  await runFetchBenchmark(rest)
case "extract":
  await runExtractBenchmark(rest)
case "diff": await runDiffBenchmark(rest)
case "extract-text": await runExtractText(rest)
case "strip-check": await runStripCheck(rest)
case "classifier-features": runClassifierFeatures(rest)
case "classifier-load": runClassifierLoad()
default:
  FileHandle.standardError.write(Data("policywatch-bench: unknown benchmark \(name)\n".utf8))
  exit(64)
}
