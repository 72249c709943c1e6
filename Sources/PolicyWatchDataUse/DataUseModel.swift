import Foundation

/// A problem in a data-use model file.
public struct DataUseModelError: Error, Sendable, Equatable, CustomStringConvertible {
  public var line: Int
  public var message: String
  public var description: String { "data-use model, line \(line): \(message)" }
}

/// A learned data-use model: one logistic regression per label over `DataUseFeatures` (words and word pairs weighted
/// tf-idf, the rules' concept lists, the rules' own findings), trained by `Scripts/train-classifier.py` on the
/// development data only (see `DataUse/MODEL.md` for the data, its licences and the figures).
///
/// It decides, for each label it knows, whether a clause states it: a match the rules found is kept when the model's
/// probability reaches the label's `keep` threshold and dropped below it; a label the rules did not find is added when
/// the probability reaches its (higher) `threshold`, with the words that weighed most as evidence, unless the rules
/// found the same category with the other polarity (a clause never gets both X and NOT_X). Labels it does not know (AI training among them: there is no training
/// data for it) are the rules' alone.
///
/// The format is text, one item per line: `format policywatch-datause-model 1`, `ruleWeight W`, `conceptWeight W`,
/// `label NAME bias B threshold T keep K` (one per label, in order), then `f FEATURE IDF I:W I:W …` (a feature, its idf — 0
/// for rule and concept features — and its weight for each label index). Lines starting with `#` are comments.
public struct DataUseModel: Sendable {
  struct Label: Sendable {
    var name: String
    var category: String
    var polarity: DataUsePolarity
    var bias: Double
    /// The probability from which the model adds the label when the rules did not find it.
    var threshold: Double
    /// The probability from which a match the rules found is kept (below it, the model drops it).
    var keep: Double
  }

  struct Feature: Sendable {
    var idf: Double
    var weights: [(label: Int, weight: Double)]
  }

  var labels: [Label]
  var labelIndex: [String: Int]
  var features: [String: Feature]
  /// The value of a rule feature (`r:`, `l:`); concept features (`x:`) are `conceptWeight × log(1 + count)`.
  var ruleWeight: Double
  var conceptWeight: Double

  /// The labels the model decides, e.g. `THIRD_PARTY_SHARING`, `NOT_THIRD_PARTY_SHARING`.
  public var labelNames: [String] { labels.map(\.name) }

  /// The model shipped with PolicyWatch (`BuiltInModel.swift`, written by `Scripts/train-classifier.py`).
  public static let builtIn: DataUseModel = {
    do {
      return try DataUseModel(text: builtInDataUseModelText)
    } catch {
      fatalError("the built-in data-use model is invalid: \(error)")
    }
  }()

  /// Reads a model file's text.
  /// - Throws: `DataUseModelError` naming the line.
  public init(text: String) throws(DataUseModelError) {
    labels = []
    labelIndex = [:]
    features = [:]
    ruleWeight = 1
    conceptWeight = 1
    var sawFormat = false
    for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard let head = fields.first, !head.hasPrefix("#") else { continue }
      func fail(_ message: String) -> DataUseModelError { DataUseModelError(line: lineIndex + 1, message: message) }
      func number(_ field: Substring) throws(DataUseModelError) -> Double {
        guard let value = Double(field), value.isFinite else { throw fail("\"\(field)\" is not a number") }
        return value
      }
      switch head {
      case "format":
        guard fields.count == 3, fields[1] == "policywatch-datause-model", fields[2] == "1" else {
          throw fail("unknown format (expected \"format policywatch-datause-model 1\")")
        }
        sawFormat = true
      case "ruleWeight", "conceptWeight":
        guard fields.count == 2 else { throw fail("expected \"\(head) NUMBER\"") }
        if head == "ruleWeight" { ruleWeight = try number(fields[1]) } else { conceptWeight = try number(fields[1]) }
      case "label":
        guard fields.count == 8, fields[2] == "bias", fields[4] == "threshold", fields[6] == "keep" else {
          throw fail("expected \"label NAME bias B threshold T keep K\"")
        }
        let name = String(fields[1])
        let negated = name.hasPrefix("NOT_")
        labelIndex[name] = labels.count
        labels.append(
          Label(
            name: name, category: negated ? String(name.dropFirst(4)) : name,
            polarity: negated ? .negated : .affirmative,
            bias: try number(fields[3]), threshold: try number(fields[5]), keep: try number(fields[7])))
      case "f":
        guard fields.count >= 3 else { throw fail("expected \"f FEATURE IDF I:W …\"") }
        var weights: [(label: Int, weight: Double)] = []
        for pair in fields.dropFirst(3) {
          let parts = pair.split(separator: ":")
          guard parts.count == 2, let index = Int(parts[0]), labels.indices.contains(index) else {
            throw fail("\"\(pair)\" is not LABEL_INDEX:WEIGHT for a declared label")
          }
          weights.append((index, try number(parts[1])))
        }
        features[String(fields[1])] = Feature(idf: try number(fields[2]), weights: weights)
      default:
        throw fail("unknown line \"\(head)\"")
      }
    }
    guard sawFormat else { throw DataUseModelError(line: 1, message: "missing \"format\" line") }
  }

  /// What the model says of one clause: per label, the probability and each feature's contribution.
  struct Verdict {
    var probabilities: [Double]
    /// Per label: (feature, value × weight), for the features present.
    var contributions: [[(feature: String, contribution: Double)]]
  }

  /// - Parameters:
  ///   - words: `DataUseFeatures.words` of the clause.
  ///   - concepts: `DataUseFeatures.concepts` of the clause.
  ///   - ruleFeatures: `DataUseFeatures.rules` of the rules' matches.
  ///   - explain: whether to keep every contribution (for evidence and `--explain`).
  func verdict(words: [String: Int], concepts: [String: Int], ruleFeatures: [String], explain: Bool) -> Verdict {
    var scores = labels.map(\.bias)
    var contributions: [[(feature: String, contribution: Double)]] = explain ? labels.map { _ in [] } : []
    // Word features: (1 + log count) × idf, normalised to unit length over the clause's known words.
    var wordValues: [(String, Feature, Double)] = []
    var squares = 0.0
    for (name, count) in words {
      guard let feature = features[name] else { continue }
      let value = (1 + log(Double(count))) * feature.idf
      wordValues.append((name, feature, value))
      squares += value * value
    }
    let norm = squares > 0 ? squares.squareRoot() : 1
    func add(_ name: String, _ feature: Feature, _ value: Double) {
      for (label, weight) in feature.weights {
        scores[label] += value * weight
        if explain { contributions[label].append((name, value * weight)) }
      }
    }
    for (name, feature, value) in wordValues { add(name, feature, value / norm) }
    for (name, count) in concepts {
      guard let feature = features[name] else { continue }
      add(name, feature, conceptWeight * log(1 + Double(count)))
    }
    for name in Set(ruleFeatures) {
      guard let feature = features[name] else { continue }
      add(name, feature, ruleWeight)
    }
    return Verdict(probabilities: scores.map { 1 / (1 + exp(-$0)) }, contributions: contributions)
  }
}
