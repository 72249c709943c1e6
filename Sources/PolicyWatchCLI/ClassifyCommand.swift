import ArgumentParser
import Foundation
import PolicyWatchDataUse

/// `policywatch classify [FILE|-]`: label clauses from outside the store with the data-use rules.
struct ClassifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "classify",
    abstract: "Label clauses with data-use categories (AI training, sharing, sale, tracking…).",
    discussion: """
      Reads lines `id<TAB>text` (a line without a tab is all text, and its line number is its id) and writes \
      one line per input line. TSV: `id<TAB>LABEL|LABEL…`, with negated statements prefixed NOT_ (e.g. \
      NOT_SALE_OF_DATA), nothing after the tab when nothing matched. JSON: one object per line with the id, the \
      labels and every match (category, polarity, the words that matched, the rule id).

      The rules are a JSON file: --print-rules prints the built-in set, to copy and edit; --rules FILE uses yours.
      """
  )

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case tsv, json
  }

  @Argument(help: "The input file, or - for standard input (the default).")
  var input: String = "-"

  @Option(help: "Output format: tsv or json.")
  var format: Format = .tsv

  @Option(
    help: """
      A rules file (JSON) of your own phrases, merged with the built-in rules (or replacing them with \
      "replaceBuiltIn": true).
      """)
  var rules: String?

  @Flag(help: "Use the rules alone, without the learned model.")
  var noModel = false

  @Flag(help: "Print the built-in rules (JSON) and exit.")
  var printRules = false

  @Flag(
    help: """
      For each input line, print why it got its labels: every rule that matched, its words, how polarity was \
      decided, and what was kept, vetoed or overridden.
      """)
  var explain = false

  func run() throws {
    if printRules {
      FileHandle.standardOutput.write(Data((DataUseRules.builtInJSON + "\n").utf8))
      return
    }
    let ruleSet: DataUseRules
    do {
      ruleSet = try rules.map { try DataUseRules(contentsOf: $0) } ?? .builtIn
    } catch let error as DataUseRulesError {
      throw ValidationError(error.description)
    }
    let data: Data
    if input == "-" {
      data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
      do {
        data = try Data(contentsOf: URL(fileURLWithPath: input))
      } catch {
        throw ValidationError("cannot read \(input): \(error.localizedDescription)")
      }
    }
    let classifier = DataUseClassifier(rules: ruleSet, model: noModel ? nil : .builtIn)
    var output = ""
    for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      guard let (id, text) = DataUseClassifyFormat.parseInputLine(line, fallbackID: String(number + 1)) else {
        continue
      }
      if explain {
        output += "\(id)\n" + classifier.explain(text).rendered + "\n\n"
        continue
      }
      let matches = classifier.classify(text)
      switch format {
      case .tsv: output += DataUseClassifyFormat.tsvLine(id: id, matches: matches)
      case .json: output += DataUseClassifyFormat.jsonLine(id: id, matches: matches)
      }
      output += "\n"
      if output.utf8.count > 1 << 16 {
        FileHandle.standardOutput.write(Data(output.utf8))
        output = ""
      }
    }
    FileHandle.standardOutput.write(Data(output.utf8))
  }
}
