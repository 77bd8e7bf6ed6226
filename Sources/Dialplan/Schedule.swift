/// A day of the week, as written in the API ("mon" ... "sun").
public enum Weekday: String, CaseIterable, Codable, Sendable {
    case mon, tue, wed, thu, fri, sat, sun

    /// Bit of this day in a week mask (Monday = bit 0).
    var bit: UInt8 {
        switch self {
        case .mon: 1 << 0
        case .tue: 1 << 1
        case .wed: 1 << 2
        case .thu: 1 << 3
        case .fri: 1 << 4
        case .sat: 1 << 5
        case .sun: 1 << 6
        }
    }
}

/// A wall-clock time of day, "HH:MM" from 00:00 to 23:59.
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    /// Parses exactly "HH:MM" (two digits each), 00:00...23:59; nil otherwise.
    public init?(_ s: String) {
        let b = Array(s.utf8)
        guard b.count == 5, b[2] == UInt8(ascii: ":"),
            let h = ScheduleParsing.number(b[0..<2]), let m = ScheduleParsing.number(b[3..<5])
        else { return nil }
        self.init(hour: h, minute: m)
    }

    /// nil unless 0...23 and 0...59.
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// "HH:MM".
    public var string: String { ScheduleParsing.pad(hour, 2) + ":" + ScheduleParsing.pad(minute, 2) }
    /// Minutes since midnight, 0...1439.
    public var minutes: Int { hour * 60 + minute }
    public var description: String { string }
    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minutes < b.minutes }
}

/// A calendar date without time zone, "YYYY-MM-DD" (proleptic Gregorian).
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses exactly "YYYY-MM-DD" naming a real date (2024-02-29 yes, 2025-02-29 no); nil otherwise.
    public init?(_ s: String) {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let y = ScheduleParsing.number(b[0..<4]), let m = ScheduleParsing.number(b[5..<7]),
            let d = ScheduleParsing.number(b[8..<10])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// nil unless the date exists (year 1...9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...LocalDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// "YYYY-MM-DD".
    public var string: String {
        ScheduleParsing.pad(year, 4) + "-" + ScheduleParsing.pad(month, 2) + "-" + ScheduleParsing.pad(day, 2)
    }
    public var description: String { string }
    /// yyyymmdd as one integer: orders like the date.
    var key: Int { year * 10_000 + month * 100 + day }
    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.key < b.key }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

enum ScheduleParsing {
    static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var n = 0
        for c in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) else { return nil }
            n = n * 10 + Int(c - UInt8(ascii: "0"))
        }
        return n
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
