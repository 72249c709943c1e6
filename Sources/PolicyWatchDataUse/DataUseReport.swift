import PolicyWatchDiff
import PolicyWatchText

/// What a change brings in data-use language: the practices the new text states that the text it replaced did not,
/// the practices it states materially wider, and the protections it takes away.
///
/// - A practice (category and polarity) found in an added or modified clause is new when the aligned old text (the
///   clauses the diff says it replaced) did not state it, and the same words are nowhere in the old version's same
///   top section. A clause added where another of the same section was removed (a rewrite the diff could not pair) is
///   compared with the removed ones.
/// - A practice the aligned old text already stated is reported only when the new text states it wider: the sentence
///   that states it names a party or a kind of data (the rules' `SCOPE` lexicon: "advertisers", "affiliates",
///   "voice recordings"…) that the old text did not name. The finding lists those words (`widened`).
/// - A protection ("we do not sell …") in a removed or modified clause that no clause of the new version states any
///   more is reported as removed.
/// - A list item (or a paragraph that starts "(a) ", "3. ", "• "…) is read with its lead-in, the paragraph ending in
///   ":" that introduces its list: under "You agree not to:" an item "use the service to build a facial-recognition
///   database" is a ban on the user, not a practice of the provider's, and under "We never:" an item "sell your
///   personal information" is a denial. What the lead-in states by itself belongs to the lead-in, not to each item.
/// Findings come in order of importance (`DataUseImportance`).
public enum DataUseReport {
  /// - Parameters:
  ///   - old: the previous version's clauses.
  ///   - new: the new version's clauses.
  ///   - diff: the clause diff from `old` to `new`.
  ///   - classifier: the data-use classifier (the rules and, when present, the model).
  /// - Returns: the findings, most consequential first.
  public static func findings(old: [Clause], new: [Clause], diff: ClauseDiff, classifier: DataUseClassifier)
    -> [DataUseFinding]
  {
    var report = Builder(old: old, new: new, classifier: classifier)
    return DataUseImportance.sorted(report.findings(diff))
  }

  private struct Seen: Hashable {
    var section: String
    var category: String
    var polarity: DataUsePolarity
    var match: String
  }

  private struct Builder {
    let old: [Clause]
    let new: [Clause]
    let classifier: DataUseClassifier
    // Classifying is the costly step (most of a changed `check`), so it is done lazily and once per distinct text:
    // the changed clauses and the clauses they replaced; of the rest of the previous version only the clauses that
    // could have said the same words (see `sectionHadWords`); the whole new version only when a protection may have
    // been removed. A change without data-use language costs the classification of its changed clauses alone.
    var memo: [String: [DataUseMatch]] = [:]
    var oldIndicesBySection: [String: [Int]] = [:]
    var loweredKeys: [Int: [UInt8]] = [:]
    var baselines: [Seen: Bool] = [:]
    var newLabelsCache: Set<String>?

    init(old: [Clause], new: [Clause], classifier: DataUseClassifier) {
      self.old = old
      self.new = new
      self.classifier = classifier
      for (index, clause) in old.enumerated() {
        oldIndicesBySection[Self.top(clause.section), default: []].append(index)
      }
    }

    static func top(_ section: [String]) -> String { section.first ?? "" }

    mutating func classify(_ text: String) -> [DataUseMatch] {
      if let known = memo[text] { return known }
      let matches = classifier.classifyWithEvidence(text)
      memo[text] = matches
      return matches
    }

    /// The matches of a clause read in its context: a list item with its lead-in (see `leadIn`) is classified as the
    /// lead-in followed by the item, less what the lead-in states by itself.
    mutating func classify(_ clauses: [Clause], _ index: Int) -> [DataUseMatch] {
      guard let leadIn = Self.leadIn(of: index, in: clauses) else { return classify(clauses[index].text) }
      let own = Set(classify(leadIn).map(\.label))
      return classify(Self.read(clauses[index].text, after: leadIn)).filter { !own.contains($0.label) }
    }

    /// The text a clause is classified as (see `classify(_:_:)`).
    static func contextText(_ clauses: [Clause], _ index: Int) -> String {
      guard let leadIn = leadIn(of: index, in: clauses) else { return clauses[index].text }
      return read(clauses[index].text, after: leadIn)
    }

    static func read(_ item: String, after leadIn: String) -> String {
      var leadIn = Substring(leadIn)
      while let last = leadIn.last, last == ":" || last == " " || last == "\u{2014}" { leadIn.removeLast() }
      return leadIn + " " + item
    }

    /// Whether a clause is an item of a list: a list item, or a paragraph that starts with a list marker or a bullet
    /// ("(a) ", "iv) ", "3. ", "• "), as `ListMarkers` (the comparison key's) defines them: its key lost it.
    static func isItem(_ clause: Clause) -> Bool {
      if clause.kind == .listItem { return true }
      guard clause.kind == .paragraph else { return false }
      return clause.key.utf8.count < TextNormalization.collapsedKey(clause.text).utf8.count
    }

    /// The paragraph that introduces the list a list item belongs to, when that paragraph ends in ":" (or a dash) and
    /// is in the same section; nil for other clauses. At most 500 clauses are walked back. (Its sentences before the
    /// last state what they state by themselves: `classify(_:_:)` subtracts them.)
    static func leadIn(of index: Int, in clauses: [Clause]) -> String? {
      guard isItem(clauses[index]) else { return nil }
      var previous = index - 1
      while previous >= 0, index - previous <= 500, isItem(clauses[previous]),
        clauses[previous].section == clauses[index].section
      {
        previous -= 1
      }
      guard previous >= 0, index - previous <= 500, clauses[previous].kind == .paragraph,
        clauses[previous].section == clauses[index].section
      else { return nil }
      let text = clauses[previous].text.trimmingCharacters(in: .whitespacesAndNewlines)
      return text.hasSuffix(":") || text.hasSuffix("\u{2014}") ? text : nil
    }

    /// Whether a clause of the previous version, in the same top section, had the same match (category, polarity,
    /// matched words). A match's words are a slice of the clause's `TextNormalization.key`, and Swift lowercases
    /// scalar by scalar, so a clause whose lowercased key does not hold the words (byte for byte) cannot have had
    /// that match: only the clauses that hold them are classified.
    mutating func sectionHadWords(_ seen: Seen) -> Bool {
      if let known = baselines[seen] { return known }
      let words = Array(seen.match.utf8)
      var found = false
      for index in oldIndicesBySection[seen.section] ?? [] {
        let lowered: [UInt8]
        if let known = loweredKeys[index] {
          lowered = known
        } else {
          lowered = Array(TextNormalization.key(Self.contextText(old, index)).lowercased().utf8)
          loweredKeys[index] = lowered
        }
        let holdsWords = lowered.withUnsafeBufferPointer { key in
          words.withUnsafeBufferPointer { key.contains(bytes: $0) }
        }
        guard holdsWords else { continue }
        if classify(old, index).contains(where: {
          $0.category == seen.category && $0.polarity == seen.polarity && $0.match.lowercased() == seen.match
        }) {
          found = true
          break
        }
      }
      baselines[seen] = found
      return found
    }

    /// Every label the new version states anywhere.
    mutating func newLabels() -> Set<String> {
      if let known = newLabelsCache { return known }
      var labels = Set<String>()
      for index in new.indices { for match in classify(new, index) { labels.insert(match.label) } }
      newLabelsCache = labels
      return labels
    }

    mutating func findings(_ diff: ClauseDiff) -> [DataUseFinding] {
      // Clauses removed by this change, by top section: an added clause may be their rewrite.
      var removedBySection: [String: [Int]] = [:]
      for change in diff.changes where change.kind == .removed {
        for index in change.oldIndices where old.indices.contains(index) {
          removedBySection[Self.top(old[index].section), default: []].append(index)
        }
      }
      var findings: [DataUseFinding] = []
      for change in diff.changes {
        switch change.kind {
        case .added, .modified, .split, .merged:
          var aligned = change.oldIndices.filter(old.indices.contains)
          let newClauses = change.newIndices.filter(new.indices.contains)
          if change.kind == .added, let first = newClauses.first {
            aligned = removedBySection[Self.top(new[first].section)] ?? []
          }
          let alignedText = aligned.map { Self.contextText(old, $0) }.joined(separator: "\n")
          let before = aligned.flatMap { classify(old, $0) }
          var after: [DataUseMatch] = []
          for index in newClauses {
            let clause = new[index]
            let matches = classify(new, index)
            after += matches
            for match in matches {
              let seen = Seen(
                section: Self.top(clause.section), category: match.category, polarity: match.polarity,
                match: match.match.lowercased())
              var widened: [String]?
              if before.contains(where: { $0.category == match.category && $0.polarity == match.polarity }) {
                // Stated before: new only if a practice is stated wider (a protection or a choice stated wider is
                // no news).
                guard match.polarity == .affirmative, match.category != "CHOICE_OPTOUT_CONSENT" else { continue }
                let added = classifier.scope(of: match, in: Self.contextText(new, index)).subtracting(
                  classifier.scope(in: alignedText, category: match.category))
                guard !added.isEmpty else { continue }
                widened = added.sorted()
              } else if sectionHadWords(seen) {
                continue
              }
              findings.append(
                DataUseFinding(
                  category: match.category, polarity: match.polarity,
                  change: change.kind == .added && widened == nil ? .added : .modified, text: clause.text,
                  section: clause.section, match: match.match, widened: widened))
            }
          }
          // A protection the replaced text stated, which neither the new clause nor the new version states any more.
          if change.kind != .added {
            for index in aligned {
              for match in classify(old, index) where match.polarity == .negated {
                guard !after.contains(where: { $0.label == match.label }), !newLabels().contains(match.label),
                  !findings.contains(where: { $0.change == .removed && $0.label == match.label })
                else { continue }
                findings.append(
                  DataUseFinding(
                    category: match.category, polarity: match.polarity, change: .removed, text: old[index].text,
                    section: old[index].section, match: match.match))
              }
            }
          }
        case .removed:
          for index in change.oldIndices where old.indices.contains(index) {
            let clause = old[index]
            for match in classify(old, index) where match.polarity == .negated {
              // A protection is lost only if no clause of the new version still says it.
              guard !newLabels().contains(match.label),
                !findings.contains(where: { $0.change == .removed && $0.label == match.label })
              else { continue }
              findings.append(
                DataUseFinding(
                  category: match.category, polarity: match.polarity, change: .removed, text: clause.text,
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
}
