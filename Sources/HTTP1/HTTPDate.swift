/// A timestamp in an HTTP field, RFC 9110 §5.6.7, held as whole seconds since 1970-01-01 UTC.
///
///     HTTP-date    = IMF-fixdate / obs-date
///     IMF-fixdate  = day-name "," SP day SP month SP year SP time-of-day SP "GMT"
///                    ; Sun, 06 Nov 1994 08:49:37 GMT
///     rfc850-date  = day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day SP "GMT"
///                    ; Sunday, 06-Nov-94 08:49:37 GMT
///     asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year
///                    ; Sun Nov  6 08:49:37 1994
///
/// Names are case-sensitive (§5.6.7). Senders generate IMF-fixdate only; `imfFixdate` formats it.
/// Parsing accepts IMF-fixdate and asctime-date, and rfc850-date when given the current time:
/// §5.6.7 reads its two-digit year as the most recent year with those digits that is not more
/// than 50 years in the future, which needs a clock this module is not allowed to read.
///
/// Not checked: that the day name is the date's weekday. A leap second (`:60`) is read as `:59`.
public struct HTTPDate: Sendable, Equatable, Comparable {
    public let secondsSince1970: Int64

    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    public static func < (a: HTTPDate, b: HTTPDate) -> Bool { a.secondsSince1970 < b.secondsSince1970 }

    /// The date in `text`, or nil when it is not an HTTP-date. `now` enables rfc850-date.
    public init?(parsing text: String, now: HTTPDate? = nil) {
        let bytes = Array(text.utf8)
        let fields: Fields?
        if bytes.count == 29 {
            fields = Self.parseIMFFixdate(bytes)
        } else if bytes.count == 24 {
            fields = Self.parseAsctime(bytes)
        } else if let now {
            fields = Self.parseRFC850(bytes, now: now)
        } else {
            fields = nil
        }
        guard let fields, let seconds = fields.secondsSince1970 else { return nil }
        self.secondsSince1970 = seconds
    }

    /// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    public var imfFixdate: String {
        let days = Self.floorDivide(secondsSince1970, 86_400)
        let secondOfDay = Int(secondsSince1970 - days * 86_400)
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        // 1970-01-01 was a Thursday (index 4 from Sunday).
        let weekday = Int(((days % 7) + 11) % 7)
        return Self.dayNames[weekday] + ", " + Self.twoDigits(day) + " " + Self.monthNames[month - 1] + " "
            + Self.fourDigits(year) + " " + Self.twoDigits(secondOfDay / 3600) + ":"
            + Self.twoDigits(secondOfDay / 60 % 60) + ":" + Self.twoDigits(secondOfDay % 60) + " GMT"
    }

    // MARK: parsing

    /// The parts of a date before they are checked and combined.
    private struct Fields {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

        var secondsSince1970: Int64? {
            guard (1...12).contains(month), (1...HTTPDate.daysIn(month: month, year: year)).contains(day),
                  (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
            let days = HTTPDate.daysSince1970(year: year, month: month, day: day)
            return days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        }
    }

    static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let longDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    private static func parseIMFFixdate(_ b: [UInt8]) -> Fields? {
        guard dayNames.contains(text(b, 0..<3)), text(b, 3..<5) == ", ", b[7] == 0x20, b[11] == 0x20,
              b[16] == 0x20, b[25...] == Array(" GMT".utf8)[...],
              let day = number(b, 5..<7), let month = month(b, 8..<11), let year = number(b, 12..<16),
              let time = timeOfDay(b, 17) else { return nil }
        return Fields(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2)
    }

    /// `Sun Nov  6 08:49:37 1994`
    private static func parseAsctime(_ b: [UInt8]) -> Fields? {
        guard dayNames.contains(text(b, 0..<3)), b[3] == 0x20, b[7] == 0x20, b[10] == 0x20, b[19] == 0x20,
              let month = month(b, 4..<7), let time = timeOfDay(b, 11), let year = number(b, 20..<24) else { return nil }
        let day = b[8] == 0x20 ? number(b, 9..<10) : number(b, 8..<10)
        guard let day else { return nil }
        return Fields(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2)
    }

    /// `Sunday, 06-Nov-94 08:49:37 GMT`
    private static func parseRFC850(_ b: [UInt8], now: HTTPDate) -> Fields? {
        guard let comma = b.firstIndex(of: UInt8(ascii: ",")), longDayNames.contains(text(b, 0..<comma)),
              b.count == comma + 24 else { return nil }
        let s = comma + 1 // " 06-Nov-94 08:49:37 GMT"
        guard b[s] == 0x20, b[s + 3] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-"), b[s + 10] == 0x20,
              b[(s + 19)...] == Array(" GMT".utf8)[...],
              let day = number(b, (s + 1)..<(s + 3)), let month = month(b, (s + 4)..<(s + 7)),
              let twoDigitYear = number(b, (s + 8)..<(s + 10)), let time = timeOfDay(b, s + 11) else { return nil }
        let year = fullYear(twoDigits: twoDigitYear, now: now)
        return Fields(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2)
    }

    /// §5.6.7: a two-digit year more than 50 years in the future is the same digits a century back.
    private static func fullYear(twoDigits: Int, now: HTTPDate) -> Int {
        let currentYear = civilDate(daysSince1970: floorDivide(now.secondsSince1970, 86_400)).year
        var year = currentYear - currentYear % 100 + twoDigits
        if year > currentYear + 50 { year -= 100 }
        if year <= currentYear - 50 { year += 100 }
        return year
    }

    /// `HH:MM:SS` starting at `start`.
    private static func timeOfDay(_ b: [UInt8], _ start: Int) -> (Int, Int, Int)? {
        guard b[start + 2] == UInt8(ascii: ":"), b[start + 5] == UInt8(ascii: ":"),
              let hour = number(b, start..<(start + 2)), let minute = number(b, (start + 3)..<(start + 5)),
              let second = number(b, (start + 6)..<(start + 8)) else { return nil }
        return (hour, minute, second)
    }

    /// A run of ASCII digits, exactly filling `range`.
    private static func number(_ b: [UInt8], _ range: Range<Int>) -> Int? {
        var value = 0
        for byte in b[range] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func month(_ b: [UInt8], _ range: Range<Int>) -> Int? {
        monthNames.firstIndex(of: text(b, range)).map { $0 + 1 }
    }

    private static func text(_ b: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: b[range], as: UTF8.self)
    }

    // MARK: calendar (proleptic Gregorian, UTC)

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the date: whole 400-year cycles of 146,097 days, counted from
    /// 0000-03-01 so that February, with its leap day, ends each counted year.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int64 {
        let marchYear = Int64(month <= 2 ? year - 1 : year)
        let cycle = floorDivide(marchYear, 400)
        let yearOfCycle = marchYear - cycle * 400
        let marchMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * marchMonth + 2) / 5 + Int64(day) - 1
        let dayOfCycle = yearOfCycle * 365 + yearOfCycle / 4 - yearOfCycle / 100 + dayOfYear
        // 719,468 days separate 0000-03-01 from 1970-01-01.
        return cycle * 146_097 + dayOfCycle - 719_468
    }

    /// The inverse of `daysSince1970(year:month:day:)`.
    package static func civilDate(daysSince1970 days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let cycle = floorDivide(shifted, 146_097)
        let dayOfCycle = shifted - cycle * 146_097
        let yearOfCycle = (dayOfCycle - dayOfCycle / 1460 + dayOfCycle / 36_524 - dayOfCycle / 146_096) / 365
        let dayOfYear = dayOfCycle - (365 * yearOfCycle + yearOfCycle / 4 - yearOfCycle / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * marchMonth + 2) / 5 + 1)
        let month = Int(marchMonth < 10 ? marchMonth + 3 : marchMonth - 9)
        let year = Int(yearOfCycle + cycle * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func fourDigits(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
