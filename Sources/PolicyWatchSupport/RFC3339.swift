import Foundation

/// RFC 3339 date-times, the format OTA's schema requires for `validUntil` ("2024-05-01T12:00:00Z",
/// "2026-07-09T19:07:00.000Z", "2024-05-01T14:00:00+02:00").
///
/// Parsed by hand rather than with `ISO8601DateFormatter`: the format is small and fixed, the formatter silently
/// accepts or rejects variants depending on its options, and a hand parser can say exactly what is wrong.
package enum RFC3339 {
  package static let example = "2024-05-01T12:00:00Z"

  /// The date, or a reason why `text` is not an RFC 3339 date-time.
  package static func parse(_ text: String) -> Result<Date, DateError> {
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

  package enum DateError: Error, Equatable {
    case malformed
    case missingTime
    case missingTimeZone
    case outOfRange(String)

    package var reason: String {
      switch self {
      case .malformed: return "not an RFC 3339 date-time"
      case .missingTime: return "a date without a time"
      case .missingTimeZone: return "a date-time without a time zone (add \"Z\" for UTC)"
      case .outOfRange(let what): return "\(what) does not exist"
      }
    }
  }

  package static func daysInMonth(_ month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
  package static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The date of a day count from 1970-01-01 (Howard Hinnant's `civil_from_days`, the inverse of the above).
  package static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    return (month <= 2 ? yearOfEra + era * 400 + 1 : yearOfEra + era * 400, month, day)
  }

  /// `2024-09-19T08:00:00Z`: whole seconds, UTC.
  package static func format(_ date: Date) -> String {
    let seconds = Int(date.timeIntervalSince1970.rounded(.down))
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let second = seconds - days * 86_400
    let (year, month, day) = civil(fromDays: days)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let y = year < 0 || year >= 1000 ? "\(year)" : year >= 100 ? "0\(year)" : year >= 10 ? "00\(year)" : "000\(year)"
    return "\(y)-\(two(month))-\(two(day))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
  }
}
