import PolicyWatchText

/// What happened to a clause between two versions.
public enum ClauseChangeKind: String, Sendable, Codable, CaseIterable {
  /// Same text, same place (its section path may differ when a heading above it was renamed, added or removed).
  case unchanged
  case added
  case removed
  /// Rewritten in place: paired by word similarity; `words` holds the word diff.
  case modified
  /// Same text at another position (out of order), or in another section that exists in both versions.
  case moved
  /// One old clause became two adjacent new clauses.
  case split
  /// Two adjacent old clauses became one new clause.
  case merged
  /// A heading whose text changed; the clauses below it are not reported as changed.
  case headingRenamed
}

/// One entry of a clause diff.
public struct ClauseChange: Sendable, Hashable, Codable {
  public var kind: ClauseChangeKind
  /// Positions in the old clause list (empty for `added`; two for `merged`).
  public var oldIndices: [Int]
  /// Positions in the new clause list (empty for `removed`; two for `split`).
  public var newIndices: [Int]
  public var oldSection: [String]
  public var newSection: [String]
  /// Word diff old → new for `modified`, `split`, `merged` and `headingRenamed` (split/merged parts are joined
  /// with "\n"); empty otherwise.
  public var words: [WordEdit]
  /// Similarity 0…1: 1 for `unchanged` and `moved`, 0 for `added` and `removed`; otherwise the Dice coefficient of
  /// the word multisets, or, for a clause rewritten alone between unchanged neighbours, the share of tokens its
  /// word diff keeps (2·equal / (old + new)).
  public var similarity: Double

  public init(
    kind: ClauseChangeKind, oldIndices: [Int], newIndices: [Int], oldSection: [String], newSection: [String],
    words: [WordEdit] = [], similarity: Double
  ) {
    self.kind = kind
    self.oldIndices = oldIndices
    self.newIndices = newIndices
    self.oldSection = oldSection
    self.newSection = newSection
    self.words = words
    self.similarity = similarity
  }

  /// True when the section path differs between the versions.
  public var sectionChanged: Bool { !oldIndices.isEmpty && !newIndices.isEmpty && oldSection != newSection }
}

/// How many changes of each kind a diff holds.
public struct ClauseDiffCounts: Sendable, Hashable, Codable {
  public var unchanged = 0
  public var added = 0
  public var removed = 0
  public var modified = 0
  public var moved = 0
  public var split = 0
  public var merged = 0
  public var headingRenamed = 0

  public init() {}

  mutating func add(_ kind: ClauseChangeKind) {
    switch kind {
    case .unchanged: unchanged += 1
    case .added: added += 1
    case .removed: removed += 1
    case .modified: modified += 1
    case .moved: moved += 1
    case .split: split += 1
    case .merged: merged += 1
    case .headingRenamed: headingRenamed += 1
    }
  }
}

/// Clause-by-clause comparison of two versions of a document.
///
/// `changes` lists every clause (unchanged ones too) in new-document order; a removed clause is placed after the
/// change of the old clause that preceded it.
///
/// The steps and why:
/// 1. **Alignment** on comparison keys (`Clause.key`, so whitespace and typography never count) with patience
///    diff and a bounded Myers fallback (`SequenceAlignment`). Aligned pairs are `unchanged`.
/// 2. **Moves**: an unaligned old clause and an unaligned new clause with the same key (anywhere in the
///    document) are `moved`, never counted as removed + added. Hash lookup: O(n).
/// 3. **Gaps**: what is left lies in gaps between aligned clauses. Rewriting happens in place, so pairing by
///    similarity is done per gap, which already bounds it by the gap sizes.
/// 4. **Heading renames** (per gap): an old and a new heading of the same level are one `headingRenamed` when the
///    clause right below them is the same aligned clause, or when their words are similar enough. Clauses below
///    a renamed heading stay `unchanged` although their section path changed.
/// 5. **Similarity pairing** (per gap, non-heading clauses): word fingerprints and Dice similarity
///    (`WordFingerprint`). A small gap (≤ `exhaustiveLimit` old × new pairs) is compared exhaustively. In a large
///    gap (a rewrite) an old clause is compared with the new clauses in a small window around its proportional
///    position in the gap and, only when none of those is a good match, with a few new clauses sharing its
///    rarest sampled words (a MinHash-style sample of each new clause's words is indexed; a few postings per
///    word, nearest to the proportional position). So an n-clause rewrite costs O(n · (window + rare words ×
///    postings)) comparisons, never n², and a 256-bit word signature rejects most hopeless pairs before the exact
///    merge. Candidates are 1:1 (`modified`), 1:2 (`split`: two adjacent new clauses, the second mostly made of
///    the old clause's words and bringing back a real part of it that the first lacks) and 2:1 (`merged`, the
///    reverse); they are accepted greedily by score. Each accepted pair gets a word diff.
/// 6. **Sections**: an aligned clause whose section path changed is `moved` only when it went from one section
///    to another that both exist in both versions (after heading renames); a section path that changed because
///    a heading was renamed, added or removed leaves it `unchanged`, with both paths reported.
public struct ClauseDiff: Sendable {
  public var changes: [ClauseChange]
  public var counts: ClauseDiffCounts
  public var hasChanges: Bool { counts.unchanged != changes.count }

  /// Tuning of the similarity pairing; the defaults suit policy texts.
  public struct Options: Sendable, Hashable {
    /// Minimum Dice similarity for a removed and an added clause to be one `modified` clause.
    public var modifiedThreshold = 0.5
    /// Minimum similarity of a clause to two joined clauses for `split`/`merged`.
    public var splitThreshold = 0.6
    /// Minimum similarity of two headings at the same level to be one `headingRenamed` when the content below
    /// them is not the same.
    public var headingThreshold = 0.4
    /// Gaps with at most this many (old × new) pairs are compared exhaustively.
    public var exhaustiveLimit = 4_096
    /// Half-width of the positional window in large gaps.
    public var window = 2
    /// Large gaps index a sample of each clause's words (its `sampleSize` smallest word hashes, a MinHash-style
    /// sample, so similar clauses sample the same words); an old clause looks up its own sample and takes the
    /// `rareWords` rarest hits, `postingsPerWord` new clauses each, nearest to its proportional position.
    public var sampleSize = 8
    public var rareWords = 3
    public var postingsPerWord = 4

    public init() {}
  }

  public init(changes: [ClauseChange]) {
    self.changes = changes
    var counts = ClauseDiffCounts()
    for change in changes { counts.add(change.kind) }
    self.counts = counts
  }

  /// Aligns two versions clause by clause: which clauses are unchanged, modified (with word edits), moved, split,
  /// merged, added or removed, and which headings were renamed.
  /// - Parameters:
  ///   - old: the clauses of the earlier version.
  ///   - new: the clauses of the later version.
  ///   - options: thresholds of the alignment.
  /// - Returns: the changes.
  public static func compare(old: [Clause], new: [Clause], options: Options = Options()) -> ClauseDiff {
    var differ = ClauseDiffer(old: old, new: new, options: options)
    return ClauseDiff(changes: differ.run())
  }
}

/// A pairing of old and new clauses found by one of the steps.
private struct Pairing {
  var kind: ClauseChangeKind
  var olds: [Int]
  var news: [Int]
  var similarity: Double
  var inSequence = false
  /// The word diff when it was already computed while pairing.
  var words: [WordEdit]? = nil
}

/// A possible pairing; its one or two old and new clauses are stored inline (the second is -1 when absent), so
/// that collecting and sorting thousands of candidates allocates nothing per candidate.
private struct Candidate {
  var score: Double
  var similarity: Double
  var kind: ClauseChangeKind
  var old0: Int
  var old1 = -1
  var new0: Int
  var new1 = -1

  var size: Int { 2 + (old1 >= 0 ? 1 : 0) + (new1 >= 0 ? 1 : 0) }
  var olds: [Int] { old1 >= 0 ? [old0, old1] : [old0] }
  var news: [Int] { new1 >= 0 ? [new0, new1] : [new0] }
}

private struct ClauseDiffer {
  let old: [Clause]
  let new: [Clause]
  let options: ClauseDiff.Options
  var pairings: [Pairing] = []
  var oldPairing: [Int]  // index into pairings, -1 when unpaired
  var newPairing: [Int]
  var oldFingerprints: [WordFingerprint?]
  var newFingerprints: [WordFingerprint?]
  var sectionKeys: [String: String] = [:]
  /// Buffers shared by all the word diffs of this comparison.
  var wordScratch = WordDiffScratch()
  var hashScratch: [UInt64] = []
  // Step 6: heading renames (old key → new key), the sections of each version (built when first needed), and
  // how many pairings (the first ones) are aligned pairs.
  var renamedHeadings: [String: String] = [:]
  var oldSectionSet: Set<[String]>? = nil
  var newSectionSet: Set<[String]>? = nil
  var alignedCount = 0

  init(old: [Clause], new: [Clause], options: ClauseDiff.Options) {
    self.old = old
    self.new = new
    self.options = options
    oldPairing = [Int](repeating: -1, count: old.count)
    newPairing = [Int](repeating: -1, count: new.count)
    // Filled on first use: a diff whose gaps are all single rewritten clauses never needs fingerprints.
    oldFingerprints = []
    newFingerprints = []
  }

  mutating func run() -> [ClauseChange] {
    // Keys are interned to small ids through a fast 64-bit hash of their bytes; equal hashes are confirmed by
    // comparing the strings, so a collision can never make two different clauses equal.
    var interner = KeyInterner(capacity: old.count + new.count)
    // Index loops, not `map`: a closure receives each Clause by value, and copying a Clause retains five fields.
    var oldIds = [Int](repeating: 0, count: old.count)
    for i in old.indices { oldIds[i] = interner.id(old[i].key) }
    var newIds = [Int](repeating: 0, count: new.count)
    for j in new.indices { newIds[j] = interner.id(new[j].key) }
    let idCount = interner.count

    // 1. Alignment.
    let matches = SequenceAlignment.matches(old: oldIds, new: newIds, idCount: idCount)
    for match in matches {
      record(Pairing(kind: .unchanged, olds: [match.old], news: [match.new], similarity: 1, inSequence: true))
    }

    // 2. Moves: equal keys among the unaligned clauses, first come first paired.
    if matches.count < max(old.count, new.count) {
      // Per key, a linked list of the unaligned old clauses in increasing order (built from the end), so taking
      // the head gives the earliest old clause with that key. Indexed by key id: no hashing.
      var head = [Int32](repeating: -1, count: idCount)
      var next = [Int32](repeating: -1, count: old.count)
      var any = false
      for i in old.indices.reversed() where oldPairing[i] < 0 {
        next[i] = head[oldIds[i]]
        head[oldIds[i]] = Int32(i)
        any = true
      }
      if any {
        for j in new.indices where newPairing[j] < 0 {
          let i = Int(head[newIds[j]])
          guard i >= 0 else { continue }
          head[newIds[j]] = next[i]
          record(Pairing(kind: .moved, olds: [i], news: [j], similarity: 1))
        }
      }
    }

    // 3.–5. Gaps between aligned clauses.
    var previousOld = 0
    var previousNew = 0
    for index in 0...matches.count {
      let match = index < matches.count ? matches[index] : SequenceAlignment.Match(old: old.count, new: new.count)
      if previousOld < match.old, previousNew < match.new {
        var removed: [Int] = []
        var added: [Int] = []
        for i in previousOld..<match.old where oldPairing[i] < 0 { removed.append(i) }
        for j in previousNew..<match.new where newPairing[j] < 0 { added.append(j) }
        if !removed.isEmpty, !added.isEmpty { pairInGap(removed: removed, added: added) }
      }
      previousOld = match.old + 1
      previousNew = match.new + 1
    }

    // 6. Sections of aligned clauses (the first `matches.count` pairings), during the output.
    prepareSectionChanges(alignedCount: matches.count)
    return buildChanges()
  }

  mutating func record(_ pairing: Pairing) {
    let index = pairings.count
    pairings.append(pairing)
    for i in pairing.olds { oldPairing[i] = index }
    for j in pairing.news { newPairing[j] = index }
  }

  mutating func oldFingerprint(_ i: Int) -> WordFingerprint {
    if oldFingerprints.isEmpty { oldFingerprints = [WordFingerprint?](repeating: nil, count: old.count) }
    if let fingerprint = oldFingerprints[i] { return fingerprint }
    let fingerprint = WordFingerprint(old[i].key, scratch: &hashScratch)
    oldFingerprints[i] = fingerprint
    return fingerprint
  }

  mutating func newFingerprint(_ j: Int) -> WordFingerprint {
    if newFingerprints.isEmpty { newFingerprints = [WordFingerprint?](repeating: nil, count: new.count) }
    if let fingerprint = newFingerprints[j] { return fingerprint }
    let fingerprint = WordFingerprint(new[j].key, scratch: &hashScratch)
    newFingerprints[j] = fingerprint
    return fingerprint
  }

  // MARK: Pairing inside one gap

  mutating func pairInGap(removed: [Int], added: [Int]) {
    // Fast path for the commonest gap, one clause rewritten in place: the word diff is needed anyway if they pair,
    // so it is computed first and its share of kept tokens serves as the similarity (no fingerprints).
    if removed.count == 1, added.count == 1, old[removed[0]].kind != .heading, new[added[0]].kind != .heading {
      let diff = WordDiff.diffWithCounts(old[removed[0]].text, new[added[0]].text, scratch: &wordScratch)
      let total = diff.oldCount + diff.newCount
      let similarity = total == 0 ? 0 : Double(2 * diff.equal) / Double(total)
      if similarity >= options.modifiedThreshold {
        record(Pairing(kind: .modified, olds: removed, news: added, similarity: similarity, words: diff.edits))
      }
      return
    }
    var removedHeadings: [Int] = []
    var addedHeadings: [Int] = []
    for i in removed where old[i].kind == .heading { removedHeadings.append(i) }
    for j in added where new[j].kind == .heading { addedHeadings.append(j) }
    pairHeadings(removed: removedHeadings, added: addedHeadings)
    var removedText: [Int] = []
    var addedText: [Int] = []
    for i in removed where oldPairing[i] < 0 && old[i].kind != .heading { removedText.append(i) }
    for j in added where newPairing[j] < 0 && new[j].kind != .heading { addedText.append(j) }
    if removedText.isEmpty || addedText.isEmpty { return }
    pairBySimilarity(removed: removedText, added: addedText)
  }

  mutating func pairHeadings(removed: [Int], added: [Int]) {
    if removed.isEmpty || added.isEmpty { return }
    var candidates: [Candidate] = []
    for (p, i) in removed.enumerated() {
      // Bounded: with many headings in one gap, only headings of nearby rank are compared.
      let center = p * added.count / removed.count
      let ranks =
        removed.count * added.count <= options.exhaustiveLimit
        ? 0..<added.count : max(0, center - options.window)..<min(added.count, center + options.window + 1)
      for q in ranks {
        let j = added[q]
        guard old[i].level == new[j].level else { continue }
        let similarity = oldFingerprint(i).dice(newFingerprint(j))
        let sameContentBelow =
          i + 1 < old.count && j + 1 < new.count && oldPairing[i + 1] >= 0
          && oldPairing[i + 1] == newPairing[j + 1] && pairings[oldPairing[i + 1]].inSequence
        guard sameContentBelow || similarity >= options.headingThreshold else { continue }
        candidates.append(
          Candidate(
            score: similarity + (sameContentBelow ? 1 : 0), similarity: similarity, kind: .headingRenamed,
            old0: i, new0: j))
      }
    }
    accept(candidates)
  }

  mutating func pairBySimilarity(removed: [Int], added: [Int]) {
    let removedPrints = removed.map { oldFingerprint($0) }
    let addedPrints = added.map { newFingerprint($0) }
    let exhaustive = removed.count * added.count <= options.exhaustiveLimit
    let postings = exhaustive ? nil : SampleIndex(samples: addedPrints.map { $0.sample(options.sampleSize) })
    var candidates: [Candidate] = []
    var ranks: [Int] = []
    for (p, i) in removed.enumerated() {
      let r = removedPrints[p]
      ranks.removeAll(keepingCapacity: true)
      if exhaustive {
        ranks.append(contentsOf: 0..<added.count)
      } else {
        let center = p * added.count / removed.count
        ranks.append(contentsOf: max(0, center - options.window)..<min(added.count, center + options.window + 1))
      }
      var best = 0.0
      var evaluated = 0
      while true {
        for q in ranks[evaluated...] {
          let a = addedPrints[q]
          let j = added[q]
          // Cheap rejection: skip the exact comparison when even an optimistic estimate of the common words can
          // reach neither the modified threshold nor the containment a split/merge needs.
          let estimate = r.commonEstimate(a)
          if Double(2 * estimate) < options.modifiedThreshold * Double(r.count + a.count),
            2 * estimate < min(r.count, a.count)
          {
            continue
          }
          let common = r.commonCount(with: a)
          let similarity = r.count + a.count == 0 ? 0 : Double(2 * common) / Double(r.count + a.count)
          best = max(best, similarity)
          if similarity >= options.modifiedThreshold {
            candidates.append(
              Candidate(score: similarity, similarity: similarity, kind: .modified, old0: i, new0: j))
          }
          // Split: this new clause and the next one (adjacent in the new document) both come from `i`.
          if q + 1 < added.count, added[q + 1] == j + 1, a.count > 0, Double(common) >= 0.5 * Double(a.count) {
            let b = addedPrints[q + 1]
            if let score = joinedScore(whole: r, first: a, second: b, firstSimilarity: similarity) {
              candidates.append(Candidate(score: score, similarity: score, kind: .split, old0: i, new0: j, new1: j + 1))
            }
          }
          // Merged: this old clause and the next one (adjacent in the old document) became `j`.
          if p + 1 < removed.count, removed[p + 1] == i + 1, r.count > 0, Double(common) >= 0.5 * Double(r.count) {
            let b = removedPrints[p + 1]
            if let score = joinedScore(whole: a, first: r, second: b, firstSimilarity: similarity) {
              candidates.append(
                Candidate(score: score, similarity: score, kind: .merged, old0: i, old1: i + 1, new0: j))
            }
          }
        }
        // A clause rewritten in place is found in the window; only otherwise look further, by rare words.
        guard !exhaustive, evaluated == 0, best < options.modifiedThreshold + 0.1 else { break }
        evaluated = ranks.count
        let center = p * added.count / removed.count
        rareWordCandidates(r, center: center, postings: postings!, into: &ranks)
        if ranks.count == evaluated { break }
      }
    }
    accept(candidates)
  }

  /// The score of reading `first`+`second` as one clause that corresponds to `whole`, when it qualifies as a
  /// split/merge: `second` is mostly made of words of `whole`, it brings back a real part of `whole` that `first`
  /// lacks (≥ 15% of its words, at least 2), and the joined text is similar enough. A qualifying split beats the
  /// 1:1 pairing of `whole` and `first` (that is the point of the test), hence the score just above it.
  func joinedScore(
    whole: WordFingerprint, first: WordFingerprint, second: WordFingerprint, firstSimilarity: Double
  ) -> Double? {
    guard second.count > 0 else { return nil }
    guard Double(whole.commonCount(with: second)) >= 0.5 * Double(second.count) else { return nil }
    let joined = first.combined(with: second)
    let joinedCommon = whole.commonCount(with: joined)
    let gain = joinedCommon - whole.commonCount(with: first)
    guard gain >= 2, Double(gain) >= 0.15 * Double(whole.count) else { return nil }
    let similarity = Double(2 * joinedCommon) / Double(whole.count + joined.count)
    guard similarity >= options.splitThreshold else { return nil }
    return max(similarity, firstSimilarity + 0.001)
  }

  /// Adds the ranks of new clauses sharing the rarest words of `fingerprint`, nearest to `center` first.
  func rareWordCandidates(
    _ fingerprint: WordFingerprint, center: Int, postings: SampleIndex, into ranks: inout [Int]
  ) {
    var rarest: [(count: Int, list: Range<Int>)] = []
    var previous: UInt64? = nil
    for hash in fingerprint.sample(options.sampleSize) where hash != previous {
      previous = hash
      guard let list = postings.list(hash) else { continue }
      if rarest.count < options.rareWords {
        rarest.append((list.count, list))
      } else if let worst = rarest.indices.max(by: { rarest[$0].count < rarest[$1].count }),
        list.count < rarest[worst].count
      {
        rarest[worst] = (list.count, list)
      }
    }
    let all = postings.ranks
    for (_, list) in rarest {
      // Postings are in rank order: binary search the center, then take the nearest on both sides.
      var low = list.lowerBound
      var high = list.upperBound
      while low < high {
        let mid = (low + high) / 2
        if Int(all[mid]) < center { low = mid + 1 } else { high = mid }
      }
      let half = options.postingsPerWord / 2
      for k in max(list.lowerBound, low - half)..<min(list.upperBound, low + half) where !ranks.contains(Int(all[k])) {
        ranks.append(Int(all[k]))
      }
    }
  }

  /// Accepts candidates greedily by score (ties: earlier clauses first) when none of their clauses is taken.
  mutating func accept(_ candidates: [Candidate]) {
    let ordered = candidates.sorted { a, b in
      if a.score != b.score { return a.score > b.score }
      if a.old0 != b.old0 { return a.old0 < b.old0 }
      if a.new0 != b.new0 { return a.new0 < b.new0 }
      return a.size < b.size
    }
    for candidate in ordered {
      guard oldPairing[candidate.old0] < 0, candidate.old1 < 0 || oldPairing[candidate.old1] < 0,
        newPairing[candidate.new0] < 0, candidate.new1 < 0 || newPairing[candidate.new1] < 0
      else { continue }
      record(
        Pairing(
          kind: candidate.kind, olds: candidate.olds, news: candidate.news, similarity: candidate.similarity))
    }
  }

  // MARK: Sections

  mutating func sectionKey(_ heading: String) -> String {
    if let key = sectionKeys[heading] { return key }
    let key = TextNormalization.key(heading)
    sectionKeys[heading] = key
    return key
  }

  /// Step 6 is done while the output is built (`change(for:)`), where the section paths of each aligned pair are
  /// read anyway, rather than in a pass of its own; this prepares it.
  mutating func prepareSectionChanges(alignedCount: Int) {
    self.alignedCount = alignedCount
    for index in pairings.indices where pairings[index].kind == .headingRenamed {
      renamedHeadings[old[pairings[index].olds[0]].key] = new[pairings[index].news[0]].key
    }
  }

  /// Whether an aligned pair whose section paths differ went from one section to another that both exist in both
  /// versions (after heading renames), rather than being under a renamed, added or removed heading.
  mutating func sectionMoved(_ oldSection: [String], _ newSection: [String]) -> Bool {
    var mappedOld: [String] = []
    for heading in oldSection {
      let key = sectionKey(heading)
      mappedOld.append(renamedHeadings[key] ?? key)
    }
    let newPath = newSection.map { sectionKey($0) }
    if mappedOld == newPath { return false }
    // Sections that exist in a version: every heading opens one; the top level always exists.
    if oldSectionSet == nil {
      var sections: Set<[String]> = [[]]
      for clause in old where clause.kind == .heading {
        sections.insert((clause.section.map { sectionKey($0) } + [clause.key]).map { renamedHeadings[$0] ?? $0 })
      }
      oldSectionSet = sections
      sections = [[]]
      for clause in new where clause.kind == .heading {
        sections.insert(clause.section.map { sectionKey($0) } + [clause.key])
      }
      newSectionSet = sections
    }
    return newSectionSet!.contains(mappedOld) && oldSectionSet!.contains(newPath)
  }

  // MARK: Output

  mutating func buildChanges() -> [ClauseChange] {
    // Order: every change with new clauses sits at its first new index; a removed clause sits right after the
    // change of the nearest preceding old clause that was aligned or paired in its gap (moves do not count).
    // Linear: the new index a removed clause follows never decreases along the old list, so the removed clauses
    // are listed in old order with that index and consumed with one cursor.
    var removedClauses: [(after: Int, old: Int)] = []
    var lastNew = -1
    for i in old.indices {
      let index = oldPairing[i]
      if index < 0 {
        removedClauses.append((lastNew, i))
      } else if pairings[index].kind != .moved || pairings[index].inSequence {
        lastNew = max(lastNew, pairings[index].news[pairings[index].news.count - 1])
      }
    }
    var changes: [ClauseChange] = []
    changes.reserveCapacity(max(old.count, new.count) + removedClauses.count)
    var cursor = 0
    for j in -1..<new.count {
      if j >= 0 {
        let index = newPairing[j]
        if index < 0 {
          changes.append(
            ClauseChange(
              kind: .added, oldIndices: [], newIndices: [j], oldSection: [], newSection: new[j].section,
              similarity: 0))
        } else if !pairings[index].news.isEmpty {  // not yet output (its first new index is j)
          changes.append(change(for: index))
        }
      }
      while cursor < removedClauses.count, removedClauses[cursor].after == j {
        let i = removedClauses[cursor].old
        changes.append(
          ClauseChange(
            kind: .removed, oldIndices: [i], newIndices: [], oldSection: old[i].section, newSection: [],
            similarity: 0))
        cursor += 1
      }
    }
    return changes
  }

  /// The change of a pairing. The pairing's arrays are moved into it (the pairing is left with empty ones, which
  /// also marks it as output): no copies, no retain/release per change.
  mutating func change(for index: Int) -> ClauseChange {
    var olds: [Int] = []
    var news: [Int] = []
    var computed: [WordEdit]? = nil
    swap(&olds, &pairings[index].olds)
    swap(&news, &pairings[index].news)
    swap(&computed, &pairings[index].words)
    var kind = pairings[index].kind
    var words: [WordEdit] = []
    switch kind {
    case .modified, .split, .merged, .headingRenamed:
      if let computed {
        words = computed
        break
      }
      let oldText = olds.count == 1 ? old[olds[0]].text : olds.map { old[$0].text }.joined(separator: "\n")
      let newText = news.count == 1 ? new[news[0]].text : news.map { new[$0].text }.joined(separator: "\n")
      words = WordDiff.diffWithCounts(oldText, newText, scratch: &wordScratch).edits
    default: break
    }
    let oldSection = old[olds[0]].section
    let newSection = new[news[0]].section
    if index < alignedCount, oldSection != newSection, sectionMoved(oldSection, newSection) { kind = .moved }
    return ClauseChange(
      kind: kind, oldIndices: olds, newIndices: news, oldSection: oldSection, newSection: newSection, words: words,
      similarity: pairings[index].similarity)
  }
}

/// Interns comparison keys as dense ids (in order of first appearance).
///
/// Open addressing on a fast 64-bit hash of the key's bytes (linear probing, load ≤ 1/2); a slot is taken only
/// when the stored hash is equal and the strings are equal, so a collision can never make two different keys
/// one id. The table does not grow: `capacity` must bound the number of distinct keys (the differ passes the
/// number of clauses of both versions).
struct KeyInterner {
  var slots: [Int32]  // id, or -1 when empty
  var mask: Int
  var hashes: [UInt64] = []
  var keys: [String] = []
  var count: Int { keys.count }

  init(capacity: Int) {
    var size = 16
    while size < 2 * capacity { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
    hashes.reserveCapacity(capacity)
    keys.reserveCapacity(capacity)
  }

  mutating func id(_ key: String) -> Int {
    let hash = Self.hash(key)
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let candidate = Int(slots[slot])
      if candidate < 0 { break }
      if hashes[candidate] == hash, keys[candidate] == key { return candidate }
      slot = (slot + 1) & mask
    }
    let id = keys.count
    keys.append(key)
    hashes.append(hash)
    slots[slot] = Int32(id)
    return id
  }

  /// A multiply-mix hash over the key's bytes: four independent 8-byte lanes per 32-byte block (so the multiplies
  /// overlap; the keys are long and byte-at-a-time hashing dominated), then 8 bytes at a time, then the tail.
  static func hash(_ key: String) -> UInt64 {
    var key = key
    return key.withUTF8 { buffer -> UInt64 in
      let raw = UnsafeRawBufferPointer(buffer)
      let k1: UInt64 = 0xBF58_476D_1CE4_E5B9
      let k2: UInt64 = 0x94D0_49BB_1331_11EB
      var lane0: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
      var lane1: UInt64 = 0xC2B2_AE3D_27D4_EB4F
      var lane2: UInt64 = 0x1656_67B1_9E37_79F9
      var lane3: UInt64 = 0x27D4_EB2F_1656_67C5
      var offset = 0
      while offset + 32 <= raw.count {
        lane0 = (lane0 ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* k1
        lane1 = (lane1 ^ raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)) &* k1
        lane2 = (lane2 ^ raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)) &* k1
        lane3 = (lane3 ^ raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)) &* k1
        lane0 ^= lane0 >> 29
        lane1 ^= lane1 >> 29
        lane2 ^= lane2 >> 29
        lane3 ^= lane3 >> 29
        offset += 32
      }
      var hash = lane0
      hash = (hash ^ lane1) &* k2
      hash = (hash ^ (hash >> 31) ^ lane2) &* k2
      hash = (hash ^ (hash >> 31) ^ lane3) &* k2
      while offset + 8 <= raw.count {
        hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* k1
        hash ^= hash >> 29
        offset += 8
      }
      var tail: UInt64 = 0
      var shift: UInt64 = 0
      while offset < raw.count {
        tail |= UInt64(raw[offset]) << shift
        shift += 8
        offset += 1
      }
      hash = (hash ^ tail) &* k2
      return hash ^ (hash >> 31)
    }
  }

}
