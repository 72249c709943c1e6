import Foundation
import PolicyWatch

/// `policywatch-bench classifier-features FILE|-`: for each input line `id<TAB>text`, one line
/// `id<TAB>feature:count<SPACE>feature:count…` with the features the learned data-use model reads
/// (`DataUseFeatures`), rule features computed with the rules alone. `Scripts/train-classifier.py` trains on these.
func runClassifierFeatures(_ arguments: [String]) {
  let path = arguments.first ?? "-"
  let data: Data
  if path == "-" {
    data = FileHandle.standardInput.readDataToEndOfFile()
  } else if let contents = FileManager.default.contents(atPath: path) {
    data = contents
  } else {
    FileHandle.standardError.write(Data("classifier-features: cannot read \(path)\n".utf8))
    exit(66)
  }
  let classifier = DataUseClassifier(rules: .builtIn)
  var output = ""
  for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    .enumerated()
  {
    guard let (id, text) = DataUseClassifyFormat.parseInputLine(line, fallbackID: String(number + 1)) else { continue }
    let features = DataUseFeatures.all(text, classifier: classifier)
    output += id + "\t" + features.map { "\($0.feature)=\($0.count)" }.joined(separator: " ") + "\n"
    if output.utf8.count > 1 << 16 {
      FileHandle.standardOutput.write(Data(output.utf8))
      output = ""
    }
  }
  FileHandle.standardOutput.write(Data(output.utf8))
}

/// `policywatch-bench classifier-load`: how long reading the built-in rules and the built-in model takes (what every
/// `check`, `replay`, `diff` or `classify` pays once).
func runClassifierLoad() {
  let start = DispatchTime.now().uptimeNanoseconds
  let rules = DataUseRules.builtIn
  let rulesDone = DispatchTime.now().uptimeNanoseconds
  let model = DataUseModel.builtIn
  let modelDone = DispatchTime.now().uptimeNanoseconds
  print(
    "load: rules \(rules.ruleIDs.count) in \(Double(rulesDone - start) / 1e6) ms, model of \(model.labelNames.count) labels "
      + "in \(Double(modelDone - rulesDone) / 1e6) ms")
}
