import Testing
@testable import HTTP1

/// HTTP-date, RFC 9110 §5.6.7: the three formats in, IMF-fixdate out.
@Suite struct StaticHTTPDateTests {
    /// 784111777 is the §5.6.7 example instant, Sun, 06 Nov 1994 08:49:37 GMT.
    static let example: Int64 = 784_111_777

    @Test func theRFCExampleInAllThreeFormats() {
        #expect(HTTPDate(parsing: "Sun, 06 Nov 1994 08:49:37 GMT")?.secondsSince1970 == Self.example)
        #expect(HTTPDate(parsing: "Sun Nov  6 08:49:37 1994")?.secondsSince1970 == Self.example)
        let now = HTTPDate(secondsSince1970: 1_750_000_000) // 2025
        #expect(HTTPDate(parsing: "Sunday, 06-Nov-94 08:49:37 GMT", now: now)?.secondsSince1970 == Self.example)
        // Without the current time, the two-digit year cannot be placed.
        #expect(HTTPDate(parsing: "Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(HTTPDate(secondsSince1970: Self.example).imfFixdate == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func rfc850TwoDigitYearsAreNeverMoreThan50YearsAhead() {
        let now = HTTPDate(parsing: "Wed, 01 Jan 2025 00:00:00 GMT")!
        #expect(HTTPDate(parsing: "Friday, 01-Jan-30 00:00:00 GMT", now: now)?.imfFixdate == "Tue, 01 Jan 2030 00:00:00 GMT")
        #expect(HTTPDate(parsing: "Friday, 01-Jan-80 00:00:00 GMT", now: now)?.imfFixdate == "Tue, 01 Jan 1980 00:00:00 GMT")
    }

    @Test func formatsAcrossTheCalendar() {
        #expect(HTTPDate(secondsSince1970: 0).imfFixdate == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate(secondsSince1970: -1).imfFixdate == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(HTTPDate(secondsSince1970: 951_782_400).imfFixdate == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate(secondsSince1970: 4_102_444_799).imfFixdate == "Thu, 31 Dec 2099 23:59:59 GMT")
        // 2100 is not a leap year: February 28 is followed by March 1.
        #expect(HTTPDate(secondsSince1970: 4_107_542_399).imfFixdate == "Sun, 28 Feb 2100 23:59:59 GMT")
        #expect(HTTPDate(secondsSince1970: 4_107_542_400).imfFixdate == "Mon, 01 Mar 2100 00:00:00 GMT")
        #expect(HTTPDate(secondsSince1970: 2_147_483_648).imfFixdate == "Tue, 19 Jan 2038 03:14:08 GMT")
    }

    @Test func roundTripsEveryDayOverFourCenturies() {
        // Midday of every 7th day from 1900 to 2300: leap years, century rules, every weekday.
        var seconds: Int64 = -2_208_945_600
        while seconds < 10_413_792_000 {
            let date = HTTPDate(secondsSince1970: seconds)
            #expect(HTTPDate(parsing: date.imfFixdate) == date)
            seconds += 7 * 86_400 + 3_601
        }
    }

    @Test func refusesWhatIsNotAnHTTPDate() {
        for bad in [
            "sun, 06 Nov 1994 08:49:37 GMT",   // names are case-sensitive
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 gmt",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            "Sun Nov 6 08:49:37 1994",
            "1994-11-06T08:49:37Z",
            "",
        ] {
            #expect(HTTPDate(parsing: bad) == nil, "\(bad)")
        }
        #expect(HTTPDate(parsing: "Sun, 29 Feb 2004 08:49:37 GMT") != nil)
        #expect(HTTPDate(parsing: "Sun, 06 Nov 1994 23:59:60 GMT")?.imfFixdate == "Sun, 06 Nov 1994 23:59:59 GMT")
    }

    @Test func datesCompareByInstant() {
        let a = HTTPDate(parsing: "Sun, 06 Nov 1994 08:49:37 GMT")!
        let b = HTTPDate(parsing: "Sun Nov  6 08:49:38 1994")!
        #expect(a < b && !(b < a) && a <= a)
    }
}
