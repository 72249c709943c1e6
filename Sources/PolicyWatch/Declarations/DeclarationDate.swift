import Foundation

/// RFC 3339 date-times, the format OTA's schema requires for `validUntil` ("2024-05-01T12:00:00Z",
/// "2026-07-09T19:07:00.000Z", "2024-05-01T14:00:00+02:00").
///
/// Parsed by hand rather than with `ISO8601DateFormatter`: the format is small and fixed, the formatter silently
/// accepts or rejects variants depending on its options, and a hand parser can say exactly what is wrong.
enum DeclarationDate {
  static let example = "2024-05-01T12:00:00Z"

  /// The date, or a reason why `text` is not an RFC 3339 date-time.
  static func parse(_ text: String) -> Result<Date, DateError> {
    let bytes = Array(text.utf8)
    var index = 0

    func number(_ digits: Int) -> Int? {
      guard index + digits <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[index..<index + digits] {
        guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      index += digits
      return value
    }
    func expect(_ characters: String) -> Bool {
      guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
      index += 1
      return true
    }

    guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else {
      return .failure(.malformed)
    }
    guard expect("Tt") else {
      return .failure(index == bytes.count ? .missingTime : .malformed)
    }
    guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2) else {
      return .failure(.malformed)
    }
    var fraction = 0.0
    if expect(".") {
      let start = index
      var scale = 0.1
      while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
        fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
        scale /= 10
        index += 1
      }
      if index == start { return .failure(.malformed) }
    }
    var offsetSeconds = 0
    if expect("Zz") {
      offsetSeconds = 0
    } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
      let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
      index += 1
      guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2), offsetHours < 24,
        offsetMinutes < 60
      else { return .failure(.malformed) }
      offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
    } else {
      return .failure(index == bytes.count ? .missingTimeZone : .malformed)
    }
    guard index == bytes.count else { return .failure(.malformed) }

    guard (1...12).contains(month) else { return .failure(.outOfRange("month \(month)")) }
    guard (1...daysInMonth(month, year: year)).contains(day) else {
      return .failure(.outOfRange("day \(day) of month \(month)"))
    }
    guard hour < 24 else { return .failure(.outOfRange("hour \(hour)")) }
    guard minute < 60 else { return .failure(.outOfRange("minute \(minute)")) }
    // RFC 3339 allows a leap second (60); like most systems it is folded into the next second.
    guard second <= 60 else { return .failure(.outOfRange("second \(second)")) }

    let days = daysSinceEpoch(year: year, month: month, day: day)
    let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds) + fraction
    return .success(Date(timeIntervalSince1970: seconds))
  }

  enum DateError: Error, Equatable {
    case malformed
    case missingTime
    case missingTimeZone
    case outOfRange(String)

    var reason: String {
      switch self {
      case .malformed: return "not an RFC 3339 date-time"
      case .missingTime: return "a date without a time"
      case .missingTimeZone: return "a date-time without a time zone (add \"Z\" for UTC)"
      case .outOfRange(let what): return "\(what) does not exist"
      }
    }
  }

  static func daysInMonth(_ month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
  static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
