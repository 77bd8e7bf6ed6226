import Foundation

/// The local wall-clock facts of one instant in one time zone, computed once per evaluation.
///
/// Uses the zone's UTC offset at that instant and plain integer calendar arithmetic (no `Calendar`),
/// so DST is exact: on a spring-forward day the skipped local times are never produced, and on a
/// fall-back day both instants of a repeated local time yield the same wall-clock minutes.
struct LocalMoment: Sendable, Equatable {
    /// yyyymmdd, comparable with `LocalDate.key`.
    let dateKey: Int
    /// Monday = 0 ... Sunday = 6.
    let weekdayIndex: Int
    /// Minutes since local midnight, 0...1439.
    let minutes: Int

    init(_ instant: Date, in timeZone: TimeZone) {
        let utc = Int(instant.timeIntervalSince1970.rounded(.down))
        let local = utc + timeZone.secondsFromGMT(for: instant)
        let days = Self.floorDiv(local, 86_400)
        minutes = (local - days * 86_400) / 60
        weekdayIndex = Self.floorMod(days + 3, 7)  // 1970-01-01 was a Thursday
        let (y, m, d) = Self.civil(fromDays: days)
        dateKey = y * 10_000 + m * 100 + d
    }

    var weekday: Weekday { Weekday.allCases[weekdayIndex] }
    var weekdayBit: UInt8 { 1 << UInt8(weekdayIndex) }
    /// "YYYY-MM-DD", for trace messages.
    var dateString: String {
        ScheduleParsing.pad(dateKey / 10_000, 4) + "-" + ScheduleParsing.pad(dateKey / 100 % 100, 2) + "-"
            + ScheduleParsing.pad(dateKey % 100, 2)
    }
    /// "HH:MM", for trace messages.
    var timeString: String { ScheduleParsing.pad(minutes / 60, 2) + ":" + ScheduleParsing.pad(minutes % 60, 2) }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `civil_from_days`).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
