/// The phone's time stamps, `<$call_created_time>` and friends (docs/compatibility.md §4.3):
/// `2019-03-25T10-34-22`, local time of the phone without a zone, hyphens between hours, minutes
/// and seconds. ActionURLs converts with a UTC offset the gateway passes in (the phone's zone, a
/// setting: the text carries none), so the same text means the same instant on every instance.
///
/// `parse` also accepts colons in the time (`2019-03-25T10:34:22`, ISO 8601's extended form) and
/// refuses everything else: other lengths or separators, month 13, 30 February, hour 24, leap
/// seconds, years before 1970 or after 9999. The proleptic Gregorian calendar is computed with
/// Howard Hinnant's `days_from_civil`/`civil_from_days`; no Foundation.
public enum ActionURLTime {
    /// Unix seconds for `text` read as local time at `utcOffsetSeconds` east of UTC; nil when
    /// the text is not in the format.
    public static func parse(_ text: String, utcOffsetSeconds: Int) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              (b[13] == UInt8(ascii: "-") && b[16] == UInt8(ascii: "-")) || (b[13] == UInt8(ascii: ":") && b[16] == UInt8(ascii: ":")),
              let year = number(b[0..<4]), let month = number(b[5..<7]), let day = number(b[8..<10]),
              let hour = number(b[11..<13]), let minute = number(b[14..<16]), let second = number(b[17..<19]),
              (1970...9999).contains(year), (1...12).contains(month), (1...daysIn(month, of: year)).contains(day),
              hour < 24, minute < 60, second < 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return days * 86_400 + hour * 3_600 + minute * 60 + second - Int64(utcOffsetSeconds)
    }

    /// `unix` as `YYYY-MM-DDTHH-MM-SS` at `utcOffsetSeconds` east of UTC.
    public static func format(_ unix: Int64, utcOffsetSeconds: Int) -> String {
        let local = unix + Int64(utcOffsetSeconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = local - days * 86_400
        let (year, month, day) = civilFromDays(days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(paddedYear)-\(two(month))-\(two(day))T\(two(seconds / 3_600))-\(two(seconds / 60 % 60))-\(two(seconds % 60))"
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
    }

    private static func daysIn(_ month: Int64, of year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Hinnant, "chrono-Compatible Low-Level Date Algorithms").
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
