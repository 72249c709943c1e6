/// The words the declared-date scanner knows, in English, French, German, Spanish and Italian.
///
/// Every entry is written as people write it (with accents); it is folded with the same folding the tokenizer
/// applies to the page (lowercase, accents removed), so "Dernière mise à jour" in a table matches "DERNIERE MISE A
/// JOUR" on a page. Keywords of every language are always active: pages mix languages, and the page's declared
/// language only decides how numeric dates are read.
enum DateVocabulary {
  /// A keyword that announces a date about the document itself, as a sequence of folded tokens.
  struct Keyword: Sendable {
    var tokens: [String]
    var hashes: [UInt64]
    var kind: DeclaredDateKind
  }

  private static let effectivePhrases = [
    // English
    "effective", "effective date", "date effective", "in effect", "takes effect", "take effect", "took effect",
    "comes into effect", "came into effect", "go into effect", "goes into effect", "went into effect",
    "become effective", "becomes effective", "became effective", "entry into force", "entered into force",
    "enters into force", "comes into force",
    // French
    "en vigueur", "entrée en vigueur", "date d'entrée en vigueur", "date d'effet", "prend effet", "date d'application",
    // (not a bare "applicable": "Regulation (EU) 2016/679 … applicable since 25 May 2018" is about a law)
    "applicable à compter", "applicable à partir", "applicable dès", "applicables à compter", "applicables à partir",
    "applicables dès",
    // German
    "gültig", "gültig ab", "gültig seit", "inkrafttreten", "datum des inkrafttretens", "in kraft", "tritt in kraft",
    "wirksam", "wirksam ab",
    // Spanish
    "entrada en vigor", "fecha de entrada en vigor", "vigente", "en vigor", "fecha de vigencia", "vigencia",
    "fecha efectiva",
    // Italian
    "in vigore", "entrata in vigore", "data di entrata in vigore", "efficace", "valido", "valida",
    "data di efficacia", "decorrenza",
  ]

  private static let updatedPhrases = [
    // English
    "updated", "last updated", "last update", "date of last update", "date last updated", "modified",
    "last modified", "date last modified", "date of last modification", "last modification", "revised",
    "last revised", "last revision", "date of last revision", "date last revised", "revision date",
    "last revision date", "amended", "last amended", "version date", "updated on", "update date",
    // French
    "mis à jour", "mise à jour", "dernière mise à jour", "date de mise à jour", "date de dernière mise à jour",
    "modifié", "modifiée", "dernière modification", "date de dernière modification", "révisé", "révisée",
    "dernière révision", "version du",
    // German
    "stand", "aktualisiert", "zuletzt aktualisiert", "letzte aktualisierung", "geändert", "zuletzt geändert",
    "letzte änderung", "letzte überarbeitung", "überarbeitet", "version vom", "fassung vom",
    "datum der letzten änderung", "datum der letzten aktualisierung",
    // Spanish
    "actualizado", "actualizada", "última actualización", "fecha de actualización",
    "fecha de última actualización", "fecha de la última actualización", "modificado", "modificada",
    "última modificación", "fecha de última modificación", "última revisión", "revisado", "revisada",
    "versión de",
    // Italian
    "aggiornato", "aggiornata", "ultimo aggiornamento", "data di aggiornamento", "data ultimo aggiornamento",
    "data dell'ultimo aggiornamento", "aggiornamento", "modificato", "modificata", "ultima modifica",
    "data ultima modifica", "ultima revisione", "revisionato", "versione del",
  ]

  /// Keywords by their first folded token, longest first (so "last updated" is tried before "last").
  static let keywordsByFirstToken: [String: [Keyword]] = {
    var table: [String: [Keyword]] = [:]
    let all = effectivePhrases.map { ($0, DeclaredDateKind.effective) } + updatedPhrases.map { ($0, .updated) }
    for (phrase, kind) in all {
      let tokens = DateTokenizer.foldedTokens(of: phrase)
      guard let first = tokens.first else { continue }
      let keyword = Keyword(tokens: tokens, hashes: tokens.map(DateTokenizer.hash(of:)), kind: kind)
      table[first, default: []].append(keyword)
    }
    for key in table.keys { table[key]?.sort { $0.tokens.count > $1.tokens.count } }
    return table
  }()

  /// Hashes of the keywords' first tokens: the only words of a text whose folded text is ever built.
  static let firstTokenHashes = Set(keywordsByFirstToken.keys.map(DateTokenizer.hash(of:)))

  /// A 4096-bit Bloom-style prefilter over `firstTokenHashes` (bit = low 12 bits of the hash): almost every word
  /// of a text is rejected by one bit test, without hashing into the set.
  static let firstTokenFilter: [UInt64] = {
    var bits = [UInt64](repeating: 0, count: 64)
    for hash in firstTokenHashes { bits[Int(hash & 0xFFF) >> 6] |= 1 << (hash & 63) }
    return bits
  }()

  static func mayStartKeyword(_ hash: UInt64) -> Bool {
    firstTokenFilter[Int(hash & 0xFFF) >> 6] & (1 << (hash & 63)) != 0 && firstTokenHashes.contains(hash)
  }

  /// Tokens that may stand between a keyword and its date: "Effective as of", "Last updated on:", "UPDATED AS OF:",
  /// "Effective starting:", "Mis à jour le", "Gültig ab", "Vigente a partir del", "In vigore dal", "the effective
  /// date of this policy is",
  /// Markdown emphasis and table bars. Anything else ends the search, which keeps "effective 30 days after…" and
  /// "updated regularly; by March 2025…" from producing dates.
  static let connectors: Set<String> = {
    let words = [
      "on", "as", "of", "at", "from", "since", "the", "is", "was", "be", "this", "these", "our", "policy", "privacy",
      "notice", "terms", "statement", "agreement", "document", "version", "date", "and", "starting", "beginning",
      "commencing",
      "le", "la", "les", "du", "au", "a", "à", "compter", "partir", "de", "des", "dès", "depuis", "en", "cette",
      "ce", "présente", "présentes", "politique", "conditions", "est", "sont",
      "am", "ab", "seit", "vom", "zum", "per", "der", "die", "dem", "diese", "dieser", "ist",
      "el", "del", "desde", "esta", "este", "política", "es",
      "il", "dal", "dall'", "in", "data", "questa", "questo", "presente", "informativa", "è",
    ]
    return Set(words.flatMap { DateTokenizer.foldedTokens(of: $0) }).union(connectorPunctuation.map { String($0) })
  }()

  /// Punctuation that may stand between a keyword and its date.
  static let connectorPunctuation: [Unicode.Scalar] = [
    ":", "-", ",", "(", "[", "*", "_", "#", "|", "\"", "'", "=", ">", "~",
  ]

  /// Month names and abbreviations (an abbreviation may be followed by "."), folded.
  static let months: [String: Int] = {
    let names: [(Int, [String])] = [
      (1, ["january", "jan", "janvier", "janv", "januar", "jänner", "jän", "enero", "ene", "gennaio", "gen"]),
      (2, ["february", "feb", "febr", "février", "févr", "fév", "februar", "febrero", "febbraio"]),
      (3, ["march", "mar", "mars", "märz", "maerz", "mrz", "marzo"]),
      (4, ["april", "apr", "avril", "avr", "abril", "abr", "aprile"]),
      (5, ["may", "mai", "mayo", "maggio", "mag"]),
      (6, ["june", "jun", "juin", "juni", "junio", "giugno", "giu"]),
      (7, ["july", "jul", "juillet", "juil", "juli", "julio", "luglio", "lug"]),
      (8, ["august", "aug", "août", "aout", "agosto", "ago"]),
      (9, ["september", "sep", "sept", "septembre", "septiembre", "setiembre", "set", "sett", "settembre"]),
      (10, ["october", "oct", "octobre", "oktober", "okt", "octubre", "ottobre", "ott"]),
      (11, ["november", "nov", "novembre", "noviembre"]),
      (12, ["december", "dec", "décembre", "déc", "dezember", "dez", "diciembre", "dic", "dicembre"]),
    ]
    var table: [String: Int] = [:]
    for (number, list) in names {
      for name in list { table[DateTokenizer.foldedTokens(of: name).joined()] = number }
    }
    return table
  }()

  /// Weekday names that may precede a date ("Last updated: Wednesday, September 18, 2024"), folded.
  static let weekdays: Set<String> = {
    let names = [
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
      "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
      "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
      "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
      "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
    ]
    return Set(names.map { DateTokenizer.foldedTokens(of: $0).joined() })
  }()

  /// Ordinal suffixes written right after the day: 1st 2nd 3rd 4th, 1er 1re 1ère 2e 2ème, 1º 1ª (º folds to "o").
  static let ordinalSuffixes: Set<String> = ["st", "nd", "rd", "th", "er", "re", "ere", "e", "eme", "o", "a"]

  /// Words between the parts of a day-first date: "18 de septiembre de 2024", "18th of September".
  static let dateInfixes: Set<String> = ["de", "del", "of"]
}
