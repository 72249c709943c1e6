/// Alignment of two sequences of small integer ids (interned clause keys or word tokens).
///
/// Algorithm: patience diff with a bounded Myers fallback.
/// 1. Common prefix and suffix are matched directly.
/// 2. Elements that occur exactly once in both sides of the current range are candidate anchors; the longest
///    increasing subsequence of them (by position on the new side) becomes the anchors, and the ranges between
///    anchors are aligned the same way. Policy documents consist mostly of unique clauses, so this is
///    O(n log n) in practice and never produces the "aligned on blank/boilerplate lines" artefacts of plain LCS.
/// 3. A range without unique common elements falls back to Myers' O((N+M)·D) algorithm, capped at `maxCost`
///    edit steps. Beyond the cap the range is left unmatched (all deleted/inserted): the clause diff then finds
///    equal keys among the unmatched clauses as moves, so the cap costs precision of the order, never content.
/// 4. A range whose sides share no element at all is unmatched immediately (the fully rewritten document).
enum SequenceAlignment {
  struct Match: Hashable {
    var old: Int
    var new: Int
  }

  /// Matched positions, in increasing order on both sides. `idCount` bounds the ids (all ids are `0..<idCount`).
  static func matches(old: [Int], new: [Int], idCount: Int, maxCost: Int = 1_000) -> [Match] {
    var aligner = Aligner(old: old, new: new, idCount: idCount, maxCost: maxCost)
    aligner.run()
    // Each old position is matched at most once: placing the matches by old position sorts them in O(n).
    var newByOld = [Int](repeating: -1, count: old.count)
    for match in aligner.result { newByOld[match.old] = match.new }
    var sorted: [Match] = []
    sorted.reserveCapacity(aligner.result.count)
    for i in old.indices where newByOld[i] >= 0 { sorted.append(Match(old: i, new: newByOld[i])) }
    return sorted
  }

  /// Plain Myers diff of two ranges. Returns nil when the edit distance exceeds `maxD`.
  static func myers(
    _ old: [Int], _ oldRange: Range<Int>, _ new: [Int], _ newRange: Range<Int>, maxD: Int
  ) -> [Match]? {
    var v: [Int] = []
    var trace: [Int] = []
    var matches: [Match] = []
    let found = old.withUnsafeBufferPointer { oldBuffer in
      new.withUnsafeBufferPointer { newBuffer in
        myers(
          UnsafeBufferPointer(rebasing: oldBuffer[oldRange]), UnsafeBufferPointer(rebasing: newBuffer[newRange]),
          maxD: maxD, v: &v, trace: &trace, matches: &matches)
      }
    }
    guard found else { return nil }
    for index in matches.indices {
      matches[index].old += oldRange.lowerBound
      matches[index].new += newRange.lowerBound
    }
    return matches
  }

  /// Myers' greedy O((N+M)·D) diff (used for word tokens, where sequences are short), with caller-owned buffers
  /// so that many small diffs allocate nothing: `v` and `trace` are scratch, the matched positions (relative to
  /// the buffers) are appended to `matches` in increasing order. Returns false, appending nothing, when the edit
  /// distance exceeds `maxD`.
  static func myers(
    _ old: UnsafeBufferPointer<Int>, _ new: UnsafeBufferPointer<Int>, maxD: Int, v: inout [Int], trace: inout [Int],
    matches: inout [Match]
  ) -> Bool {
    let n = old.count
    let m = new.count
    if n == 0 || m == 0 { return true }
    let limit = min(n + m, maxD)
    let offset = limit + 1
    v.removeAll(keepingCapacity: true)
    v.append(contentsOf: repeatElement(0, count: 2 * limit + 3))
    // The V slices of every step in one flat array: step d's slice (diagonals -d…d) starts at d².
    trace.removeAll(keepingCapacity: true)
    var finalD = -1
    v.withUnsafeMutableBufferPointer { v in
      outer: for d in 0...limit {
        // Keep the part of V this step can read: diagonals -d…d (stored at offset-d…offset+d).
        trace.append(contentsOf: UnsafeBufferPointer(rebasing: v[(offset - d)...(offset + d)]))
        var k = -d
        while k <= d {
          var x: Int
          if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
            x = v[offset + k + 1]
          } else {
            x = v[offset + k - 1] + 1
          }
          var y = x - k
          while x < n, y < m, old[x] == new[y] {
            x += 1
            y += 1
          }
          v[offset + k] = x
          if x >= n, y >= m {
            finalD = d
            break outer
          }
          k += 2
        }
      }
    }
    guard finalD >= 0 else { return false }
    // Backtrack through the saved V slices.
    let first = matches.count
    trace.withUnsafeBufferPointer { trace in
      var x = n
      var y = m
      var d = finalD
      while d >= 0 {
        let base = d * d + d
        let k = x - y
        var prevK: Int
        if d == 0 {
          prevK = 0
        } else if k == -d || (k != d && trace[base + k - 1] < trace[base + k + 1]) {
          prevK = k + 1
        } else {
          prevK = k - 1
        }
        let prevX = d == 0 ? 0 : trace[base + prevK]
        let prevY = prevX - prevK
        while x > prevX, y > prevY {
          x -= 1
          y -= 1
          matches.append(Match(old: x, new: y))
        }
        if d == 0 { break }
        x = prevX
        y = prevY
        d -= 1
      }
    }
    matches[first...].reverse()
    return true
  }
}

private struct Aligner {
  let old: [Int]
  let new: [Int]
  let maxCost: Int
  var result: [SequenceAlignment.Match] = []
  // Scratch tables indexed by id, reset after each use (only touched entries), so each level is linear.
  var countOld: [Int32]
  var countNew: [Int32]
  var positionNew: [Int32]

  init(old: [Int], new: [Int], idCount: Int, maxCost: Int) {
    self.old = old
    self.new = new
    self.maxCost = maxCost
    countOld = [Int32](repeating: 0, count: idCount)
    countNew = countOld
    positionNew = countOld
    result.reserveCapacity(min(old.count, new.count))
  }

  mutating func run() {
    // Explicit work stack instead of recursion: deep nesting of ranges cannot overflow the call stack.
    var stack: [(Range<Int>, Range<Int>)] = [(0..<old.count, 0..<new.count)]
    while let (oldRange, newRange) = stack.popLast() {
      var lowOld = oldRange.lowerBound
      var lowNew = newRange.lowerBound
      var highOld = oldRange.upperBound
      var highNew = newRange.upperBound
      while lowOld < highOld, lowNew < highNew, old[lowOld] == new[lowNew] {
        result.append(.init(old: lowOld, new: lowNew))
        lowOld += 1
        lowNew += 1
      }
      while lowOld < highOld, lowNew < highNew, old[highOld - 1] == new[highNew - 1] {
        result.append(.init(old: highOld - 1, new: highNew - 1))
        highOld -= 1
        highNew -= 1
      }
      if lowOld == highOld || lowNew == highNew { continue }
      let anchors = uniqueAnchors(lowOld..<highOld, lowNew..<highNew)
      if anchors.isEmpty {
        if sharesElement(lowOld..<highOld, lowNew..<highNew),
          let matches = SequenceAlignment.myers(old, lowOld..<highOld, new, lowNew..<highNew, maxD: maxCost)
        {
          result.append(contentsOf: matches)
        }
        continue
      }
      var previousOld = lowOld
      var previousNew = lowNew
      for anchor in anchors {
        result.append(anchor)
        stack.append((previousOld..<anchor.old, previousNew..<anchor.new))
        previousOld = anchor.old + 1
        previousNew = anchor.new + 1
      }
      stack.append((previousOld..<highOld, previousNew..<highNew))
    }
  }

  /// Elements unique on both sides, longest increasing subsequence by new position (patience sorting).
  mutating func uniqueAnchors(_ oldRange: Range<Int>, _ newRange: Range<Int>) -> [SequenceAlignment.Match] {
    for i in oldRange {
      countOld[old[i]] += 1
    }
    for j in newRange {
      countNew[new[j]] += 1
      positionNew[new[j]] = Int32(j)
    }
    var candidates: [SequenceAlignment.Match] = []
    for i in oldRange {
      let id = old[i]
      if countOld[id] == 1, countNew[id] == 1 {
        candidates.append(.init(old: i, new: Int(positionNew[id])))
      }
    }
    for i in oldRange { countOld[old[i]] = 0 }
    for j in newRange { countNew[new[j]] = 0 }
    if candidates.isEmpty { return [] }
    // Patience LIS: tails[k] = index (in candidates) of the smallest tail of an increasing run of length k+1.
    var tails: [Int] = []
    var previous = [Int](repeating: -1, count: candidates.count)
    for (index, candidate) in candidates.enumerated() {
      var low = 0
      var high = tails.count
      while low < high {
        let mid = (low + high) / 2
        if candidates[tails[mid]].new < candidate.new { low = mid + 1 } else { high = mid }
      }
      if low > 0 { previous[index] = tails[low - 1] }
      if low == tails.count { tails.append(index) } else { tails[low] = index }
    }
    var chain: [SequenceAlignment.Match] = []
    var cursor = tails.last ?? -1
    while cursor >= 0 {
      chain.append(candidates[cursor])
      cursor = previous[cursor]
    }
    chain.reverse()
    return chain
  }

  mutating func sharesElement(_ oldRange: Range<Int>, _ newRange: Range<Int>) -> Bool {
    for i in oldRange { countOld[old[i]] = 1 }
    var shared = false
    for j in newRange where countOld[new[j]] != 0 {
      shared = true
      break
    }
    for i in oldRange { countOld[old[i]] = 0 }
    return shared
  }
}
