import Foundation
import PolicyWatch

/// `policywatch-bench diff [--runs N] [--seed S] [--dump DIR] [--case edit10|rewrite|replace]`
///
/// Times `ClauseDiff.compare` (alignment, moves, similarity pairing and the word diffs of every paired clause) on
/// generated documents, median of N runs (after one warm-up run):
/// - `edit10`: a 5,000-clause document and a copy with 10% of its clauses modified by 1–3 word edits;
/// - `rewrite`: a 20,000-clause document fully rewritten: every clause changed, half of them reworded (about a
///   third of the words replaced, so they pair as modified and get word diffs), half replaced by unrelated text;
/// - `replace`: a 20,000-clause document replaced by unrelated text (nothing pairs).
/// The documents are generated from a seeded SplitMix64 generator, so every run sees the same clauses.
/// With `--dump DIR` the clause texts are written to DIR/diff-<case>-{old,new}.txt, one clause per line, for
/// Scripts/bench-diff.py to run Python's difflib on the same data.
func runDiffBenchmark(_ arguments: [String]) async {
  var runs = 9
  var seed: UInt64 = 2_024
  var dumpDirectory: String? = nil
  var only: String? = nil
  var index = 0
  while index < arguments.count {
    let value = index + 1 < arguments.count ? arguments[index + 1] : nil
    switch arguments[index] {
    case "--runs": runs = max(1, Int(value ?? "") ?? runs)
    case "--seed": seed = UInt64(value ?? "") ?? seed
    case "--dump": dumpDirectory = value
    case "--case": only = value
    default:
      FileHandle.standardError.write(
        Data("usage: policywatch-bench diff [--runs N] [--seed S] [--dump DIR] [--case edit10|rewrite|replace]\n".utf8))
      exit(64)
    }
    index += 2
  }

  var generator = DiffTextGenerator(seed: seed)
  var cases: [(name: String, old: [Clause], new: [Clause])] = []
  let base5k = generator.document(clauses: 5_000)
  let edited5k = generator.edited(base5k, fraction: 0.10)
  cases.append(("edit10", base5k, edited5k))
  if only != "edit10" {
    let base20k = generator.document(clauses: 20_000)
    cases.append(("rewrite", base20k, generator.rewritten(base20k)))
    cases.append(("replace", base20k, generator.document(clauses: 20_000)))
  }

  if let dumpDirectory {
    do {
      try FileManager.default.createDirectory(atPath: dumpDirectory, withIntermediateDirectories: true)
      for item in cases {
        for (side, clauses) in [("old", item.old), ("new", item.new)] {
          let text = clauses.map(\.text).joined(separator: "\n") + "\n"
          try text.write(toFile: "\(dumpDirectory)/diff-\(item.name)-\(side).txt", atomically: true, encoding: .utf8)
        }
      }
    } catch {
      FileHandle.standardError.write(Data("policywatch-bench diff: cannot write to \(dumpDirectory): \(error)\n".utf8))
      exit(73)
    }
  }

  let clock = ContinuousClock()
  for item in cases where only == nil || only == item.name {
    var times: [Double] = []
    var cpuTimes: [Double] = []
    var diff = ClauseDiff.compare(old: item.old, new: item.new)  // warm-up
    for _ in 0..<runs {
      let cpuStart = threadCPUMilliseconds()
      let start = clock.now
      diff = ClauseDiff.compare(old: item.old, new: item.new)
      let elapsed = clock.now - start
      cpuTimes.append(threadCPUMilliseconds() - cpuStart)
      times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
    }
    times.sort()
    cpuTimes.sort()
    let counts = diff.counts
    let wordDiffs = diff.changes.filter { !$0.words.isEmpty }.count
    print(
      "swift \(item.name) clauses \(item.old.count)->\(item.new.count): "
        + String(
          format: "median %.2f ms (min %.2f, max %.2f; thread CPU median %.2f ms; %d runs)", times[times.count / 2],
          times[0], times.last!, cpuTimes[cpuTimes.count / 2], runs))
    print(
      "  unchanged \(counts.unchanged) modified \(counts.modified) added \(counts.added) removed \(counts.removed) "
        + "moved \(counts.moved) split \(counts.split) merged \(counts.merged) "
        + "headingRenamed \(counts.headingRenamed); word diffs \(wordDiffs); digest \(diffDigest(diff))")
  }
}

/// A 64-bit FNV-1a digest of every field of every change (similarities by their bit patterns), printed so that two
/// builds can be checked to give exactly the same diff.
func diffDigest(_ diff: ClauseDiff) -> String {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  func mix(_ text: String) {
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01b3
  }
  for change in diff.changes {
    mix(change.kind.rawValue)
    mix(change.oldIndices.map(String.init).joined(separator: ","))
    mix(change.newIndices.map(String.init).joined(separator: ","))
    change.oldSection.forEach(mix)
    mix("|")
    change.newSection.forEach(mix)
    mix(String(change.similarity.bitPattern))
    for edit in change.words {
      mix(edit.kind.rawValue)
      mix(edit.text)
    }
  }
  return String(hash, radix: 16)
}

/// CPU time of the calling thread, in milliseconds: less sensitive than wall time to other processes on the machine.
func threadCPUMilliseconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
}

/// Seeded generator of policy-like clause lists: headings every dozen clauses or so, paragraphs and list items of
/// 8–47 words drawn from a skewed vocabulary (a few hundred frequent words, thousands of rare ones).
struct DiffTextGenerator {
  var state: UInt64
  let vocabulary: [String]

  init(seed: UInt64) {
    state = seed
    let common = """
      we you your our the a an and or of to in for with on by may use share collect data information personal \
      service services account content provide improve develop train models partners affiliates third parties \
      advertising marketing cookies device location retain delete request access consent opt out law legal \
      process processing purposes security store transfer countries children age users including such as \
      other this that these policy terms privacy rights choices contact us when if not do will can any all \
      about from how what which who time period necessary business sale sell analytics measure performance
      """.split(whereSeparator: \.isWhitespace).map(String.init)
    var words = common
    let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "da", "fe", "gi", "ho", "ju", "pe", "qua", "ze"]
    var local = DiffSplitMix(state: seed ^ 0x5DEE_CE66)
    for _ in 0..<6_000 {
      let count = 2 + Int(local.next() % 3)
      words.append((0..<count).map { _ in syllables[Int(local.next() % UInt64(syllables.count))] }.joined())
    }
    vocabulary = words
  }

  mutating func next() -> UInt64 {
    var generator = DiffSplitMix(state: state)
    let value = generator.next()
    state = generator.state
    return value
  }

  mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

  mutating func word() -> String {
    // Skewed towards the front of the vocabulary (frequent words), with a long tail of rare ones.
    vocabulary[min(vocabulary.count - 1, Int(pow(unit(), 2.2) * Double(vocabulary.count)))]
  }

  mutating func sentence(words count: Int) -> String {
    var words = (0..<count).map { _ in word() }
    for index in words.indices.dropLast() where next() % 9 == 0 { words[index] += "," }
    words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
    return words.joined(separator: " ") + "."
  }

  mutating func document(clauses count: Int) -> [Clause] {
    var lines: [(kind: ClauseKind, level: Int, text: String)] = []
    for index in 0..<count {
      if index == 0 || next() % 13 == 0 {
        let level = index == 0 ? 1 : 2 + Int(next() % 2)
        lines.append((.heading, level, sentence(words: 2 + Int(next() % 4)).dropLast().description))
      } else if next() % 4 == 0 {
        lines.append((.listItem, 1, sentence(words: 6 + Int(next() % 20))))
      } else {
        lines.append((.paragraph, 0, sentence(words: 8 + Int(next() % 40))))
      }
    }
    return Self.clauses(lines)
  }

  /// Rebuilds clauses with section paths from (kind, level, text) lines.
  static func clauses(_ lines: [(kind: ClauseKind, level: Int, text: String)]) -> [Clause] {
    var headings: [(level: Int, text: String)] = []
    return lines.map { line in
      if line.kind == .heading {
        headings.removeAll { $0.level >= line.level }
        let clause = Clause(kind: .heading, text: line.text, section: headings.map(\.text), level: line.level)
        headings.append((line.level, line.text))
        return clause
      }
      return Clause(kind: line.kind, text: line.text, section: headings.map(\.text), level: line.level)
    }
  }

  /// 1–3 word edits (replace, insert, delete) in a clause.
  mutating func editWords(_ text: String, edits: Int) -> String {
    var words = text.split(separator: " ").map(String.init)
    for _ in 0..<edits {
      let position = Int(next() % UInt64(words.count))
      switch next() % 3 {
      case 0: words[position] = word()
      case 1: words.insert(word(), at: position)
      default: if words.count > 2 { words.remove(at: position) }
      }
    }
    return words.joined(separator: " ")
  }

  /// A copy with `fraction` of the non-heading clauses modified by word edits.
  mutating func edited(_ clauses: [Clause], fraction: Double) -> [Clause] {
    var lines = clauses.map { (kind: $0.kind, level: $0.level, text: $0.text) }
    let target = Int(Double(clauses.count) * fraction)
    var chosen = Set<Int>()
    while chosen.count < target {
      let index = Int(next() % UInt64(lines.count))
      if lines[index].kind != .heading { chosen.insert(index) }
    }
    for index in chosen.sorted() { lines[index].text = editWords(lines[index].text, edits: 1 + Int(next() % 3)) }
    return Self.clauses(lines)
  }

  /// Every clause changed: headings reworded, half the other clauses reworded heavily, half replaced.
  mutating func rewritten(_ clauses: [Clause]) -> [Clause] {
    var lines = clauses.map { (kind: $0.kind, level: $0.level, text: $0.text) }
    for index in lines.indices {
      let words = lines[index].text.split(separator: " ").count
      if lines[index].kind == .heading {
        lines[index].text = editWords(lines[index].text, edits: 1)
      } else if next() % 2 == 0 {
        lines[index].text = editWords(lines[index].text, edits: max(2, words / 3))
      } else {
        lines[index].text = sentence(words: 8 + Int(next() % 40))
      }
    }
    return Self.clauses(lines)
  }
}

struct DiffSplitMix {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
