import PolicyWatchSupport

/// Turns service and document names (data from declarations, never trusted) into safe path components.
///
/// Every byte outside `[A-Za-z0-9 ._-]` is percent-encoded (so `/`, `\`, control characters and `%` itself cannot
/// appear); a leading `.` is encoded (no `.`, `..` or hidden files); Windows device names get a `%` suffix; long
/// names are cut and given a hash suffix. The mapping is injective, and `document.json` keeps the real names.
public enum StoreNames {
  /// A service or document name as one safe path component (the rules above).
  /// - Parameter name: a service or document name, as declared.
  /// - Returns: the component; two different names never give the same one.
  public static func component(_ name: String) -> String {
    var output = ""
    for byte in name.utf8 {
      let scalar = Unicode.Scalar(byte)
      let safe =
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        || byte == 0x20 || byte == 0x2E || byte == 0x5F || byte == 0x2D
      if safe && !(output.isEmpty && byte == 0x2E) {
        output.unicodeScalars.append(scalar)
      } else {
        output += "%" + String(byte, radix: 16, uppercase: true).leftPadded()
      }
    }
    if output.isEmpty { output = "%00" }
    if output.hasSuffix(" ") || output.hasSuffix(".") { output += "%" }
    let stem = output.split(separator: ".").first.map { String($0).uppercased() } ?? ""
    if reserved.contains(stem) { output += "%" }
    if output.utf8.count > 120 {
      output = String(output.prefix(100)) + "~" + String(SHA256.hex(name).prefix(16))
    }
    return output
  }

  /// `documents/<service>/<document>` relative to the store.
  public static func documentPath(service: String, document: String) -> String {
    "documents/\(component(service))/\(component(document))"
  }

  static let reserved: Set<String> = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1",
    "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
  ]
}

extension String {
  fileprivate func leftPadded() -> String { count >= 2 ? self : "0" + self }
}
