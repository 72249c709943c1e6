import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchDiff
@testable import PolicyWatchText

/// The optimised parts of the clause diff (token ids hashed from UTF-8 bytes and Myers in reused buffers for word
/// diffs, byte-table word hashing for fingerprints, the open-addressing key interner, the flat sample index)
/// checked against straightforward reference computations on a generated pair of documents: 2,000 clauses with
/// word edits, typography, inserted, deleted, moved, split and merged clauses, a renamed heading and a rewritten
/// block large enough for the windowed pairing.
@Suite struct DiffReferenceTests {
  let pair = ReferenceDocuments.generate(seed: 42, clauses: 2_000)

  @Test func everyClauseIsAccountedForOnce() {
    let diff = ClauseDiff.compare(old: pair.old, new: pair.new)
    #expect(diff.changes.flatMap(\.oldIndices).sorted() == Array(pair.old.indices))
    #expect(diff.changes.flatMap(\.newIndices).sorted() == Array(pair.new.indices))
    // The fixture exercises every kind the generator makes.
    #expect(diff.counts.modified > 100 && diff.counts.moved > 0 && diff.counts.split > 0 && diff.counts.merged > 0)
    #expect(diff.counts.added > 0 && diff.counts.removed > 0 && diff.counts.headingRenamed > 0)
    for change in diff.changes where change.kind == .unchanged || change.kind == .moved {
      #expect(pair.old[change.oldIndices[0]].key == pair.new[change.newIndices[0]].key)
    }
  }

  @Test func wordDiffsEqualTheReference() {
    let diff = ClauseDiff.compare(old: pair.old, new: pair.new)
    var compared = 0
    var mismatches: [String] = []
    for change in diff.changes where !change.words.isEmpty {
      let oldText = change.oldIndices.map { pair.old[$0].text }.joined(separator: "\n")
      let newText = change.newIndices.map { pair.new[$0].text }.joined(separator: "\n")
      let reference = ReferenceWordDiff.diff(oldText, newText)
      if change.words != reference.edits { mismatches.append("\(change.oldIndices) → \(change.newIndices)") }
      if change.kind == .modified {
        // Either pairing path: the Dice coefficient of the word multisets, or (a clause rewritten alone between
        // unchanged neighbours) the share of tokens the word diff keeps.
        let dice = ReferenceWords.dice(pair.old[change.oldIndices[0]].key, pair.new[change.newIndices[0]].key)
        let total = reference.oldCount + reference.newCount
        let kept = Double(2 * reference.equal) / Double(total)
        if change.similarity != dice && change.similarity != kept {
          mismatches.append("similarity \(change.similarity) of \(change.oldIndices) → \(change.newIndices)")
        }
      }
      compared += 1
    }
    #expect(compared > 100)
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    // And directly, texts the generator does not make: typography, ellipses, other scripts, combining marks.
    let samples = [
      ("We don't sell data - ever...", "We don\u{2019}t sell data \u{2014} ever\u{2026} Never."),
      ("Caf\u{00E9} cr\u{00E8}me: 5\u{00A0}%, \u{FB01}ne print.", "Cafe\u{0301} cr\u{00E8}me: 6 %, fine print!"),
      ("  Leading and trailing  ", "Leading, and trailing."),
      ("Данные не продаются.", "Данные продаются партнёрам."),
      ("", "New."),
      ("Old.", ""),
    ]
    for (old, new) in samples {
      #expect(WordDiff.diff(old, new) == ReferenceWordDiff.diff(old, new).edits, "\(old) → \(new)")
    }
  }

  @Test func fingerprintsEqualReferenceWordMultisets() {
    var scratch: [UInt64] = []
    let olds = pair.old.map { WordFingerprint($0.key, scratch: &scratch) }
    let news = pair.new.map { WordFingerprint($0.key, scratch: &scratch) }
    var mismatches = 0
    for (i, clause) in pair.old.enumerated() {
      let words = ReferenceWords.multiset(clause.key)
      if olds[i].count != words.values.reduce(0, +) { mismatches += 1 }
      // The reused scratch leaves nothing behind.
      if !sameFingerprint(olds[i], WordFingerprint(clause.key)) { mismatches += 1 }
      // Against the clause at the same position and a distant one.
      for j in [i % pair.new.count, (i * 7 + 13) % pair.new.count] {
        let expected = ReferenceWords.common(words, ReferenceWords.multiset(pair.new[j].key))
        if olds[i].commonCount(with: news[j]) != expected { mismatches += 1 }
      }
    }
    #expect(mismatches == 0)
  }

  @Test func sampleIndexEqualsADictionaryOfPostings() {
    let samples = pair.new.map { WordFingerprint($0.key).sample(8) }
    var reference: [UInt64: [Int32]] = [:]
    for (rank, sample) in samples.enumerated() {
      for hash in Set(sample) { reference[hash, default: []].append(Int32(rank)) }
    }
    let index = SampleIndex(samples: samples)
    var mismatches = 0
    for (hash, ranks) in reference {
      guard let list = index.list(hash) else {
        mismatches += 1
        continue
      }
      if Array(index.ranks[list]) != ranks { mismatches += 1 }
    }
    #expect(mismatches == 0)
    #expect(index.ranks.count == reference.values.reduce(0) { $0 + $1.count })
    for clause in pair.old.prefix(200) {
      for hash in WordFingerprint(clause.key).hashes where reference[hash] == nil { #expect(index.list(hash) == nil) }
    }
  }

  @Test func internedIdsEqualADictionaryOfKeys() {
    var interner = KeyInterner(capacity: pair.old.count + pair.new.count)  // the capacity bounds the distinct keys
    var reference: [String: Int] = [:]
    var mismatches = 0
    for clause in pair.old + pair.new {
      let expected = reference[clause.key] ?? reference.count
      reference[clause.key] = expected
      if interner.id(clause.key) != expected { mismatches += 1 }
    }
    #expect(mismatches == 0)
    #expect(interner.count == reference.count)
  }
}

private func sameFingerprint(_ a: WordFingerprint, _ b: WordFingerprint) -> Bool {
  a.hashes == b.hashes && a.signature == b.signature && a.repeats == b.repeats
}

/// Words of a comparison key as Strings: runs of ASCII letters and digits and non-ASCII characters, ASCII case
/// folded (the definition `WordFingerprint` hashes).
enum ReferenceWords {
  /// Words as their UTF-8 bytes (String equality would also equate canonically equivalent spellings).
  static func multiset(_ key: String) -> [[UInt8]: Int] {
    var counts: [[UInt8]: Int] = [:]
    var word = ""
    for scalar in key.unicodeScalars {
      let value = scalar.value
      let isWord = value >= 0x80 || (value >= 0x30 && value <= 0x39) || (value | 0x20 >= 0x61 && value | 0x20 <= 0x7A)
      if isWord {
        word.unicodeScalars.append(value < 0x80 && value >= 0x41 ? Unicode.Scalar(value | 0x20)! : scalar)
      } else if !word.isEmpty {
        counts[Array(word.utf8), default: 0] += 1
        word = ""
      }
    }
    if !word.isEmpty { counts[Array(word.utf8), default: 0] += 1 }
    return counts
  }

  static func common(_ a: [[UInt8]: Int], _ b: [[UInt8]: Int]) -> Int {
    a.reduce(0) { $0 + min($1.value, b[$1.key] ?? 0) }
  }

  static func dice(_ a: String, _ b: String) -> Double {
    let x = multiset(a)
    let y = multiset(b)
    let total = x.values.reduce(0, +) + y.values.reduce(0, +)
    return Double(2 * common(x, y)) / Double(total)
  }
}

/// The word diff computed the plain way: tokens as Strings (whitespace before each kept as a String), compared by
/// `TextNormalization.key` of every token, Myers' greedy algorithm with a copy of V saved per step, runs built by
/// concatenating Strings under the documented whitespace rules.
enum ReferenceWordDiff {
  struct Token {
    var space: String
    var text: String
    var key: String
  }

  enum Class { case space, word, dot, punctuation }

  static func classify(_ scalar: Unicode.Scalar) -> Class {
    let value = scalar.value
    if value < 0x80 {
      let byte = UInt8(value)
      if (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) { return .word }
      if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return .space }
      return byte == 0x2E ? .dot : .punctuation
    }
    if value == 0x2026 { return .dot }
    if TextNormalization.invisible.contains(value) || scalar.properties.isWhitespace { return .space }
    if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return .word }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark: return .word
    default: return .punctuation
    }
  }

  static func tokenize(_ text: String) -> [Token] {
    var tokens: [Token] = []
    var space = ""
    var current = ""
    var currentClass = Class.space
    func flush() {
      guard !current.isEmpty else { return }
      tokens.append(Token(space: tokens.isEmpty ? "" : space, text: current, key: TextNormalization.key(current)))
      current = ""
      space = ""
    }
    for scalar in text.unicodeScalars {
      let kind = classify(scalar)
      if kind == .space {
        flush()
        space.unicodeScalars.append(scalar)
        currentClass = .space
      } else if kind == currentClass && (kind == .word || kind == .dot) {
        current.unicodeScalars.append(scalar)
      } else {
        flush()
        current.unicodeScalars.append(scalar)
        currentClass = kind
      }
    }
    flush()
    return tokens
  }

  /// Matched (old, new) token positions.
  static func myers<Element: Equatable>(_ a: [Element], _ b: [Element]) -> [(Int, Int)] {
    let n = a.count
    let m = b.count
    if n == 0 || m == 0 { return [] }
    var v: [Int: Int] = [1: 0]
    var history: [[Int: Int]] = []
    var final = 0
    search: for d in 0...(n + m) {
      history.append(v)
      for k in stride(from: -d, through: d, by: 2) {
        var x =
          (k == -d || (k != d && v[k - 1, default: 0] < v[k + 1, default: 0]))
          ? v[k + 1, default: 0] : v[k - 1, default: 0] + 1
        var y = x - k
        while x < n, y < m, a[x] == b[y] {
          x += 1
          y += 1
        }
        v[k] = x
        if x >= n, y >= m {
          final = d
          break search
        }
      }
    }
    var matches: [(Int, Int)] = []
    var x = n
    var y = m
    for d in stride(from: final, through: 0, by: -1) {
      let saved = history[d]
      let k = x - y
      let prevK =
        d == 0 ? 0 : (k == -d || (k != d && saved[k - 1, default: 0] < saved[k + 1, default: 0])) ? k + 1 : k - 1
      let prevX = d == 0 ? 0 : saved[prevK, default: 0]
      let prevY = prevX - prevK
      while x > prevX, y > prevY {
        x -= 1
        y -= 1
        matches.append((x, y))
      }
      x = prevX
      y = prevY
    }
    return matches.reversed()
  }

  static func diff(_ old: String, _ new: String) -> (edits: [WordEdit], equal: Int, oldCount: Int, newCount: Int) {
    let a = tokenize(old)
    let b = tokenize(new)
    let matches = myers(a.map { Array($0.key.utf8) }, b.map { Array($0.key.utf8) })
    var runs: [WordEdit] = []
    func append(_ kind: WordEditKind, _ text: String) {
      if text.isEmpty { return }
      if let last = runs.last, last.kind == kind {
        runs[runs.count - 1].text += text
      } else {
        runs.append(WordEdit(kind: kind, text: text))
      }
    }
    func joined(_ tokens: ArraySlice<Token>) -> String {
      tokens.dropFirst().reduce(tokens.first!.text) { $0 + $1.space + $1.text }
    }
    func change(_ deleted: ArraySlice<Token>, _ inserted: ArraySlice<Token>, nextOld: Token?) {
      if deleted.isEmpty {
        if let first = inserted.first { append(.inserted, first.space + joined(inserted)) }
      } else if let first = inserted.first {
        if runs.isEmpty {
          append(.deleted, joined(deleted))
          append(.inserted, first.space + joined(inserted))
        } else if deleted.first!.space.isEmpty == first.space.isEmpty {
          append(.equal, first.space)
          append(.deleted, joined(deleted))
          append(.inserted, joined(inserted))
        } else {
          // Whitespace before the block on one side only: each run keeps its own.
          append(.deleted, deleted.first!.space + joined(deleted))
          append(.inserted, first.space + joined(inserted))
        }
      } else if runs.isEmpty, let nextOld {
        append(.deleted, joined(deleted) + nextOld.space)
      } else {
        append(.deleted, (runs.isEmpty ? "" : deleted.first!.space) + joined(deleted))
      }
    }
    var i = 0
    var j = 0
    for (x, y) in matches {
      change(a[i..<x], b[j..<y], nextOld: a[x])
      append(.equal, b[y].space + b[y].text)
      i = x + 1
      j = y + 1
    }
    change(a[i...], b[j...], nextOld: nil)
    return (runs, matches.count, a.count, b.count)
  }
}

/// A seeded pair of policy-like documents with every kind of change.
enum ReferenceDocuments {
  static func generate(seed: UInt64, clauses count: Int) -> (old: [Clause], new: [Clause]) {
    var random = SplitMix64(seed: seed)
    let typography = [
      "don\u{2019}t", "\u{201C}data\u{201D}", "\u{2014}", "\u{2026}", "caf\u{00E9}", "e\u{0301}t\u{00E9}",
    ]
    func sentence(_ words: Int) -> String {
      var parts = (0..<words).map { _ in random.word() }
      for index in parts.indices where random.next() % 11 == 0 { parts[index] += "," }
      if random.next() % 5 == 0 { parts.insert(typography[Int(random.next() % 6)], at: Int(random.next() % 3)) }
      return parts.joined(separator: " ") + "."
    }
    var oldLines: [String] = []
    for index in 0..<count {
      if index % 40 == 0 {
        oldLines.append("## Section \(index / 40) " + random.word())
      } else {
        oldLines.append((random.next() % 4 == 0 ? "- " : "") + sentence(8 + Int(random.next() % 30)))
      }
    }
    var newLines: [String] = []
    var moved: [String] = []
    var index = 0
    while index < oldLines.count {
      let line = oldLines[index]
      let isHeading = line.hasPrefix("#")
      let roll = random.next() % 100
      if index >= 1_000 && index < 1_200 && isHeading {
        newLines.append(line + " " + random.word())
      } else if index >= 1_000 && index < 1_200 {
        // A rewritten block (headings renamed too, so nothing anchors inside it): every clause reworded (about a
        // quarter of its words), one gap far beyond the exhaustive limit.
        var words = line.split(separator: " ").map(String.init)
        for _ in 0..<max(2, words.count / 4) { words[Int(random.next() % UInt64(words.count))] = random.word() }
        newLines.append(words.joined(separator: " "))
      } else if isHeading {
        newLines.append(roll < 10 ? line + " " + random.word() : line)
      } else if roll < 12 {
        var words = line.split(separator: " ").map(String.init)
        for _ in 0..<(1 + Int(random.next() % 3)) {
          let position = 1 + Int(random.next() % UInt64(words.count - 1))
          switch random.next() % 3 {
          case 0: words[position] = random.word()
          case 1: words.insert(random.word(), at: position)
          default: words.remove(at: position)
          }
        }
        newLines.append(words.joined(separator: " "))
      } else if roll < 14 {
        // Deleted.
      } else if roll < 16 {
        newLines.append(sentence(12))  // inserted before
        newLines.append(line)
      } else if roll < 18 {
        moved.append(line)
      } else if roll < 20 {
        // Split in two at a word boundary.
        let words = line.split(separator: " ")
        let cut = words.count / 2
        newLines.append(words[..<cut].joined(separator: " ") + ".")
        newLines.append(words[cut...].joined(separator: " "))
      } else if roll < 22, index + 1 < oldLines.count, !oldLines[index + 1].hasPrefix("#") {
        // Merged with the next clause.
        newLines.append(line.dropLast().description + " and " + oldLines[index + 1].replacingPrefix("- "))
        index += 1
      } else {
        newLines.append(line)
      }
      index += 1
      if index % 500 == 0 {
        newLines.append(contentsOf: moved)
        moved.removeAll()
      }
    }
    newLines.append(contentsOf: moved)
    return (diffDocument(oldLines), diffDocument(newLines))
  }
}

extension String {
  fileprivate func replacingPrefix(_ prefix: String) -> String {
    hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
  }
}
