import Foundation

/// A tenant's named schedule — office hours and holidays — that rules refer to by name instead of
/// repeating days and times ("during Office hours", "outside Office hours", "on a holiday").
///
/// Read in the tenant's time zone like every other condition. A holiday closes the office: on a
/// holiday date the schedule is not *during* even inside its hours, so "during" rules step aside
/// and "outside" rules take the call — what people mean by "closed on 25 December".
public struct NamedSchedule: Sendable, Equatable {
    /// Opening hours: the office is open when any window holds.
    public var hours: [HoursWindow]
    /// Closed dates (each a range, both ends included).
    public var holidays: [Holiday]

    public init(hours: [HoursWindow] = [], holidays: [Holiday] = []) {
        self.hours = hours
        self.holidays = holidays
    }

    /// Whether `m`'s local date is a holiday.
    func isHoliday(_ m: LocalMoment) -> Bool {
        holidays.contains { m.dateKey >= $0.from.key && m.dateKey <= $0.to.key }
    }

    /// Whether the office is open at `m`: inside a window's hours on one of its days, and not a holiday.
    func isOpen(_ m: LocalMoment) -> Bool {
        !isHoliday(m) && hours.contains { $0.holds(m) }
    }
}

/// Days of the week with one time window, `from` inclusive, `to` exclusive; a window that passes
/// midnight (`from > to`) belongs to the day it starts on, like a rule's own window.
public struct HoursWindow: Sendable, Equatable {
    public var days: [Weekday]
    public var from: TimeOfDay
    public var to: TimeOfDay

    public init(days: [Weekday], from: TimeOfDay, to: TimeOfDay) {
        self.days = days
        self.from = from
        self.to = to
    }

    func holds(_ m: LocalMoment) -> Bool {
        guard days.contains(m.weekday) else { return false }
        if from < to { return m.minutes >= from.minutes && m.minutes < to.minutes }
        if to < from { return m.minutes >= from.minutes || m.minutes < to.minutes }
        return false
    }
}

/// A named closed period ("Christmas"), local dates, both ends included.
public struct Holiday: Sendable, Equatable {
    public var name: String
    public var from: LocalDate
    public var to: LocalDate

    public init(name: String, from: LocalDate, to: LocalDate) {
        self.name = name
        self.from = from
        self.to = to
    }
}

/// Which side of a schedule a rule wants.
public enum ScheduleWhen: String, Sendable, CaseIterable, Codable {
    /// Open: inside the hours, not a holiday.
    case during
    /// Closed: outside the hours, or a holiday.
    case outside
    /// A holiday date (whatever the hours).
    case holiday
}

/// A rule's schedule condition: the schedule itself (loaded with the plan) and the side wanted.
public struct ScheduleCondition: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var when: ScheduleWhen
    public var schedule: NamedSchedule

    public init(id: UUID, name: String, when: ScheduleWhen, schedule: NamedSchedule) {
        self.id = id
        self.name = name
        self.when = when
        self.schedule = schedule
    }

    func holds(_ m: LocalMoment) -> Bool {
        switch when {
        case .during: schedule.isOpen(m)
        case .outside: !schedule.isOpen(m)
        case .holiday: schedule.isHoliday(m)
        }
    }
}
