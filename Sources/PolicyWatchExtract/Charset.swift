import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the charset used to decode a page came from.
public enum CharsetSource: String, Sendable, Codable {
  case httpHeader = "http-header"
  case byteOrderMark = "bom"
  case metaTag = "meta"
  case defaultUTF8 = "default"
}

/// Decodes a page's bytes to valid UTF-8.
///
/// The charset is chosen as browsers do, in this order: the HTTP `Content-Type` header, a byte order mark,
/// `<meta charset>` / `<meta http-equiv="Content-Type">` in the first 4 KiB, else UTF-8. Labels are mapped as the
/// WHATWG Encoding standard maps them (`iso-8859-1` and `us-ascii` mean windows-1252). Bytes that are invalid in
/// the charset become U+FFFD, so the result is valid UTF-8 whatever the input.
public enum CharsetDecoder {
  /// A page decoded to UTF-8, with the charset used and where it was found.
  public struct Decoded: Sendable {
    /// Valid UTF-8, without a byte order mark.
    public var utf8: [UInt8]
    /// The charset used, lowercased (e.g. "utf-8", "windows-1252", "shift_jis").
    public var charset: String
    public var source: CharsetSource
    /// True when some input bytes were invalid in `charset` and replaced by U+FFFD.
    public var hadInvalidBytes: Bool
  }

  /// Decodes a page to UTF-8, choosing the charset as described above.
  /// - Parameters:
  ///   - bytes: the page as served.
  ///   - httpCharset: the charset of the `Content-Type` header, if any.
  /// - Returns: valid UTF-8 (bytes that do not decode are replaced), the charset and its source.
  public static func decode(_ bytes: [UInt8], httpCharset: String?) -> Decoded {
    var body = bytes[...]
    var charset = "utf-8"
    var source = CharsetSource.defaultUTF8
    if let bom = byteOrderMark(bytes) {
      body = bytes.dropFirst(bom.length)
      // A BOM wins over a header only when the header is absent or unusable, as in browsers the BOM wins; we
      // follow the HTML standard: the BOM first.
      charset = bom.charset
      source = .byteOrderMark
    } else if let header = httpCharset.flatMap(canonical) {
      charset = header
      source = .httpHeader
    } else if let meta = metaCharset(bytes).flatMap(canonical) {
      charset = meta
      source = .metaTag
    }
    if charset == "utf-16" || charset == "utf-16le" || charset == "utf-16be", source != .byteOrderMark {
      // A meta tag cannot declare UTF-16 (it could not have been read); browsers treat that as UTF-8.
      if source == .metaTag { charset = "utf-8" }
    }
    if charset == "utf-8" {
      // Fast path: valid UTF-8 is passed on as it is (no copy without a BOM); only invalid input pays for a
      // repairing copy. `String(validating:)` would copy the whole page just to validate it.
      if body.withUnsafeBufferPointer(isValidUTF8) {
        let utf8 = body.count == bytes.count ? bytes : Array(body)
        return Decoded(utf8: utf8, charset: charset, source: source, hadInvalidBytes: false)
      }
      let text = String(decoding: body, as: UTF8.self)
      return Decoded(utf8: Array(text.utf8), charset: charset, source: source, hadInvalidBytes: true)
    }
    if let converted = Iconv.convert(Array(body), from: charset) {
      return Decoded(utf8: converted.utf8, charset: charset, source: source, hadInvalidBytes: converted.invalid)
    }
    // A charset iconv does not know: decode as UTF-8 rather than fail, and say so through `source`.
    let text = String(decoding: body, as: UTF8.self)
    return Decoded(utf8: Array(text.utf8), charset: "utf-8", source: .defaultUTF8, hadInvalidBytes: true)
  }

  /// Whether bytes are well-formed UTF-8 (no overlong forms, surrogates or scalars above U+10FFFF), eight ASCII
  /// bytes at a time where it can.
  static func isValidUTF8(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = buffer.baseAddress else { return true }
    let count = buffer.count
    var index = 0
    while index < count {
      if index + 8 <= count,
        UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
      {
        index += 8
        continue
      }
      let lead = base[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      let length: Int
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return false
      }
      guard index + length <= count else { return false }
      for offset in 1..<length where base[index + offset] & 0xC0 != 0x80 { return false }
      let second = base[index + 1]
      if lead == 0xE0 && second < 0xA0 { return false }  // overlong
      if lead == 0xED && second >= 0xA0 { return false }  // surrogates
      if lead == 0xF0 && second < 0x90 { return false }  // overlong
      if lead == 0xF4 && second >= 0x90 { return false }  // above U+10FFFF
      index += length
    }
    return true
  }

  static func byteOrderMark(_ bytes: [UInt8]) -> (charset: String, length: Int)? {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return ("utf-8", 3) }
    if bytes.starts(with: [0xFF, 0xFE]) { return ("utf-16le", 2) }
    if bytes.starts(with: [0xFE, 0xFF]) { return ("utf-16be", 2) }
    return nil
  }

  /// Maps a charset label to the name used here (and understood by iconv), per the WHATWG Encoding standard.
  static func canonical(_ label: String) -> String? {
    let label = label.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"'")))
      .lowercased()
    guard !label.isEmpty, label.count < 40 else { return nil }
    switch label {
    case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8": return "utf-8"
    case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252", "x-cp1252",
      "iso_8859-1", "iso-ir-100", "cp819", "ibm819", "csisolatin1", "ansi_x3.4-1968":
      return "windows-1252"
    case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "ms932":
      return "shift_jis"
    case "utf-16", "utf-16le": return "utf-16le"
    case "utf-16be": return "utf-16be"
    case "iso-8859-15", "latin9", "l9": return "iso-8859-15"
    case "gb2312", "gbk", "x-gbk", "chinese": return "gbk"
    case "euc-kr", "ks_c_5601-1987", "windows-949": return "euc-kr"
    default: return label
    }
  }

  /// The charset declared by a `<meta>` tag in the first 4 KiB, found by a byte-level prescan.
  static func metaCharset(_ bytes: [UInt8]) -> String? {
    let limit = min(bytes.count, 4096)
    let lower = bytes[0..<limit].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    var index = 0
    let meta = Array("<meta".utf8)
    let charsetWord = Array("charset".utf8)
    while index + meta.count < lower.count {
      guard lower[index] == UInt8(ascii: "<"), lower[index..<index + meta.count].elementsEqual(meta) else {
        index += 1
        continue
      }
      guard let close = lower[index...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
      let tag = lower[index..<close]
      // Find "charset" followed by optional spaces and "=".
      var position = tag.startIndex
      while position + charsetWord.count <= tag.endIndex {
        if tag[position..<position + charsetWord.count].elementsEqual(charsetWord) {
          var cursor = position + charsetWord.count
          while cursor < tag.endIndex, lower[cursor] == 32 { cursor += 1 }
          if cursor < tag.endIndex, lower[cursor] == UInt8(ascii: "=") {
            cursor += 1
            while cursor < tag.endIndex, lower[cursor] == 32 || lower[cursor] == 34 || lower[cursor] == 39 {
              cursor += 1
            }
            let start = cursor
            while cursor < tag.endIndex, ![32, 34, 39, 59, 47, 62].contains(lower[cursor]) { cursor += 1 }
            if cursor > start { return String(decoding: lower[start..<cursor], as: UTF8.self) }
          }
        }
        position += 1
      }
      index = close + 1
    }
    return nil
  }
}

/// glibc's iconv, at the edge: one converter per call, closed exactly once.
enum Iconv {
  static func convert(_ input: [UInt8], from charset: String) -> (utf8: [UInt8], invalid: Bool)? {
    let descriptor = iconv_open("UTF-8", charset.uppercased())
    guard let descriptor, descriptor != iconv_t(bitPattern: -1) else { return nil }
    defer { iconv_close(descriptor) }
    var output = [UInt8](repeating: 0, count: max(64, input.count * 2 + 16))
    var written = 0
    var invalid = false
    var offset = 0
    let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
    input.withUnsafeBufferPointer { inputBuffer in
      // Bounded: each round consumes input, replaces one invalid byte, or grows the output.
      var rounds = 0
      while offset < input.count, rounds < input.count * 4 + 16 {
        rounds += 1
        if output.count - written < 16 { output.append(contentsOf: repeatElement(0, count: output.count)) }
        var inLeft = input.count - offset
        var outLeft = output.count - written
        let result: Int = output.withUnsafeMutableBufferPointer { outputBuffer in
          var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(
            mutating: inputBuffer.baseAddress! + offset
          ).assumingMemoryBound(to: CChar.self)
          var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBuffer.baseAddress! + written)
            .assumingMemoryBound(to: CChar.self)
          return iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
        }
        let consumed = (input.count - offset) - inLeft
        offset += consumed
        written = output.count - outLeft
        if result != -1 { break }
        switch errno {
        case E2BIG:
          output.append(contentsOf: repeatElement(0, count: output.count))
        case EILSEQ, EINVAL:
          invalid = true
          if output.count - written < 3 { output.append(contentsOf: repeatElement(0, count: output.count)) }
          output.replaceSubrange(written..<written + 3, with: replacement)
          written += 3
          offset += 1
        default:
          offset = input.count
        }
      }
    }
    output.removeSubrange(written...)
    // iconv produced UTF-8; make sure of it.
    let text = String(decoding: output, as: UTF8.self)
    return (Array(text.utf8), invalid)
  }
}
