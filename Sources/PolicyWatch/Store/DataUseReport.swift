/// The data-use language a change brings: for every added or modified clause, the matches that were not present
/// in the previous version (a new category, a new polarity, or a new matching phrase in that section); and removed
/// protections (a negated clause such as "we do not share…" that is gone).
public enum DataUseReport {
  public static func findings(old: [Clause], new: [Clause], diff: ClauseDiff, classifier: DataUseClassifier)
    -> [DataUseFinding]
  {
    struct Seen: Hashable {
      var section: String
      var category: String
      var polarity: DataUsePolarity
      var match: String
    }
    func top(_ section: [String]) -> String { section.first ?? "" }
    // Classifying is the costly step (most of a changed `check`), so it is done lazily and once per distinct
    // text: the changed clauses first; of the previous version only the clauses that could have said the same
    // thing (see `baselineContains`); the whole new version only when a removed clause was a protection. A change
    // without data-use language costs the classification of its changed clauses alone.
    var memo: [String: [DataUseMatch]] = [:]
    func classify(_ text: String) -> [DataUseMatch] {
      if let known = memo[text] { return known }
      let matches = classifier.classify(text)
      memo[text] = matches
      return matches
    }
    // Whether a clause of the previous version, in the same top section, had the same match (category,
    // polarity, matched words). A match's words are a slice of the clause's `TextNormalization.key`, and Swift
    // lowercases scalar by scalar, so a clause whose lowercased key does not hold the words (byte for byte) cannot
    // have had that match: only the clauses that hold them are classified. The answer is the one classifying the
    // whole section gives; `DataUseReportTests` compares both on generated versions.
    var oldIndicesBySection: [String: [Int]] = [:]
    for (index, clause) in old.enumerated() { oldIndicesBySection[top(clause.section), default: []].append(index) }
    var loweredKeys: [Int: [UInt8]] = [:]
    var baselines: [Seen: Bool] = [:]
    func baselineContains(_ seen: Seen) -> Bool {
      if let known = baselines[seen] { return known }
      let words = Array(seen.match.utf8)
      var found = false
      for index in oldIndicesBySection[seen.section] ?? [] {
        let lowered: [UInt8]
        if let known = loweredKeys[index] {
          lowered = known
        } else {
          lowered = Array(TextNormalization.key(old[index].text).lowercased().utf8)
          loweredKeys[index] = lowered
        }
        let holdsWords = lowered.withUnsafeBufferPointer { key in
          words.withUnsafeBufferPointer { key.contains(bytes: $0) }
        }
        guard holdsWords else { continue }
        if classify(old[index].text).contains(where: {
          $0.category == seen.category && $0.polarity == seen.polarity && $0.match.lowercased() == seen.match
        }) {
          found = true
          break
        }
      }
      baselines[seen] = found
      return found
    }
    var newCategoriesCache: Set<String>?
    func newCategories() -> Set<String> {
      if let known = newCategoriesCache { return known }
      var categories = Set<String>()
      for clause in new {
        for match in classify(clause.text) { categories.insert("\(match.category)/\(match.polarity.rawValue)") }
      }
      newCategoriesCache = categories
      return categories
    }
    var findings: [DataUseFinding] = []
    for change in diff.changes {
      switch change.kind {
      case .added, .modified, .split, .merged:
        for index in change.newIndices where new.indices.contains(index) {
          let clause = new[index]
          for match in classify(clause.text) {
            let seen = Seen(
              section: top(clause.section), category: match.category, polarity: match.polarity,
              match: match.match.lowercased())
            guard !baselineContains(seen) else { continue }
            // A modified clause whose old text already said the same thing (same category and polarity) brings
            // nothing new unless the matching words changed.
            if change.kind == .modified, let oldIndex = change.oldIndices.first, old.indices.contains(oldIndex) {
              let before = classify(old[oldIndex].text)
              if before.contains(where: {
                $0.category == match.category && $0.polarity == match.polarity
                  && $0.match.lowercased() == match.match.lowercased()
              }) {
                continue
              }
            }
            findings.append(
              DataUseFinding(
                category: match.category, polarity: match.polarity,
                change: change.kind == .added ? "added" : "modified",
                text: clause.text, section: clause.section, match: match.match))
          }
        }
      case .removed:
        for index in change.oldIndices where old.indices.contains(index) {
          let clause = old[index]
          for match in classify(clause.text) where match.polarity == .negated {
            // A protection is lost only if no clause of the new version still says it.
            guard !newCategories().contains("\(match.category)/\(match.polarity.rawValue)") else { continue }
            findings.append(
              DataUseFinding(
                category: match.category, polarity: match.polarity, change: "removed", text: clause.text,
                section: clause.section, match: match.match))
          }
        }
      default:
        break
      }
    }
    return findings
  }
}
