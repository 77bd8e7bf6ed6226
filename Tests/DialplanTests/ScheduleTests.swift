import Foundation
import Testing

@testable import Dialplan

@Suite struct ScheduleParsingTests {
    @Test(arguments: ["00:00", "09:05", "23:59"])
    func validTimesRoundTrip(text: String) throws {
        #expect(try #require(TimeOfDay(text)).string == text)
    }

    @Test(arguments: ["24:00", "9:00", "09:60", "0900", "09:00:00", "", "ab:cd", " 09:00", "-1:00", "09:0５"])
    func invalidTimesAreNil(text: String) {
        #expect(TimeOfDay(text) == nil)
    }

    @Test func timesOrderByMinutes() throws {
        let nine = try #require(TimeOfDay("09:00")), half = try #require(TimeOfDay("09:30"))
        #expect(nine < half)
        #expect(half.minutes == 570)
        #expect(half.hour == 9 && half.minute == 30)
    }

    @Test(arguments: ["2026-01-01", "2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01", "9999-12-31"])
    func realDatesRoundTrip(text: String) throws {
        #expect(try #require(LocalDate(text)).string == text)
    }

    @Test(arguments: [
        "2025-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
        "26-01-01", "2026/01/01", "2026-1-1", "", "0000-01-01", "2026-01-01T00:00",
    ])
    func impossibleDatesAreNil(text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func datesOrderChronologically() throws {
        #expect(try #require(LocalDate("2026-01-31")) < #require(LocalDate("2026-02-01")))
        #expect(try #require(LocalDate("2025-12-31")) < #require(LocalDate("2026-01-01")))
    }

    @Test func weekdaysDecodeFromTheirAPINames() throws {
        let days = try JSONDecoder().decode([Weekday].self, from: Data(#"["mon","sun"]"#.utf8))
        #expect(days == [.mon, .sun])
    }
}

@Suite struct LocalMomentTests {
    @Test func agreesWithCalendarAcrossZonesAndYears() {
        let zones = [
            "Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "UTC",
            "Australia/Lord_Howe", "America/St_Johns",
        ].map(zone)
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let seconds = Double(seed >> 33) - 2_000_000_000  // about 1906...2038
            let date = Date(timeIntervalSince1970: seconds)
            for tz in zones {
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = tz
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
                let m = LocalMoment(date, in: tz)
                #expect(m.dateKey == c.year! * 10_000 + c.month! * 100 + c.day!)
                #expect(m.minutes == c.hour! * 60 + c.minute!)
                #expect(m.weekdayIndex == (c.weekday! + 5) % 7)  // Calendar: Sunday = 1
            }
        }
    }

    @Test func weekdayIsTheLocalOne() {
        // Friday 22:00 in New York is already Saturday in UTC.
        let m = LocalMoment(instant("2026-06-20T02:00:00Z"), in: newYork)
        #expect(m.weekday == .fri)
        #expect(m.dateString == "2026-06-19")
        #expect(m.timeString == "22:00")
    }

    @Test func beforeTheEpochFloorsCorrectly() {
        let m = LocalMoment(Date(timeIntervalSince1970: -1), in: zone("UTC"))
        #expect(m.dateKey == 19_691_231 && m.minutes == 1439 && m.weekday == .wed)
    }
}
