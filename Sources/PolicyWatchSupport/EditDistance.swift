/// Levenshtein distance between short names, for "did you mean" hints (configuration keys, declaration fields).
public enum EditDistance {
  /// The number of single-character insertions, deletions and substitutions turning `a` into `b`; `Int.max` when
  /// either is longer than `maxLength` characters (not compared: the table is quadratic).
  public static func between(_ a: String, _ b: String, maxLength: Int = .max) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.count > maxLength || b.count > maxLength { return Int.max }
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}
