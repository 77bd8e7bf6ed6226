import Foundation

/// What must hold for a rule to match; every condition is optional and all given ones must hold.
///
/// Schedules are read in the tenant's time zone at the moment of the call. Each condition is checked
/// independently against that local date and time (classic PBX semantics): `days` names the
/// weekday of the current local date even when the time window wraps midnight, so `days: [.fri]`
/// with 22:00-06:00 matches Friday 23:00 and Friday 01:00, but not Saturday 01:00.
/// - `timeFrom` is inclusive, `timeTo` exclusive; `timeFrom > timeTo` wraps midnight (22:00-06:00
///   matches 23:00 and 05:59, not 06:00 or 21:59). Equal times are an empty window that never
///   matches (validation refuses it). Given only one of them (validation refuses that too), the
///   missing end is midnight: from `timeFrom` to the end of the day, or from 00:00 to `timeTo`.
/// - `dateFrom` and `dateTo` are inclusive local dates; either may be absent (open-ended).
/// - `days` nil or empty means every day.
/// - `schedule` is a named schedule of the tenant and the side of it wanted (see `NamedSchedule`).
public struct Conditions: Sendable, Equatable {
    public var caller: Pattern?
    public var callee: Pattern?
    public var days: [Weekday]?
    public var timeFrom: TimeOfDay?
    public var timeTo: TimeOfDay?
    public var dateFrom: LocalDate?
    public var dateTo: LocalDate?
    public var schedule: ScheduleCondition?

    public init(
        caller: Pattern? = nil, callee: Pattern? = nil, days: [Weekday]? = nil,
        timeFrom: TimeOfDay? = nil, timeTo: TimeOfDay? = nil,
        dateFrom: LocalDate? = nil, dateTo: LocalDate? = nil, schedule: ScheduleCondition? = nil
    ) {
        self.caller = caller
        self.callee = callee
        self.days = days
        self.timeFrom = timeFrom
        self.timeTo = timeTo
        self.dateFrom = dateFrom
        self.dateTo = dateTo
        self.schedule = schedule
    }
}

/// How a call is forwarded (spec §3, Actions): `bridge` dials the target into the caller's room,
/// `refer` answers and then transfers with a SIP REFER.
public enum ForwardMode: String, Codable, Sendable, CaseIterable {
    case bridge, refer
}

/// What a matching rule does with the call.
public enum Action: Sendable, Equatable {
    case ringExtension(extensionID: UUID)
    case voicemail(extensionID: UUID)
    /// `target` is an E.164 number or a `sip:` URI (validated by `RuleValidation.forwardTarget`).
    case forward(target: String, mode: ForwardMode)
    /// Reject the call; nil status means the default (603).
    case hangup(sipStatus: Int?)

    /// The API's action type: "ring_extension", "voicemail", "forward" or "hangup".
    public var type: String {
        switch self {
        case .ringExtension: "ring_extension"
        case .voicemail: "voicemail"
        case .forward: "forward"
        case .hangup: "hangup"
        }
    }
}

/// One dialplan rule: lower `priority` runs first; the first matching enabled rule decides.
public struct Rule: Sendable, Equatable {
    public let id: UUID
    public var priority: Int
    public var name: String
    public var enabled: Bool
    public var conditions: Conditions
    public var action: Action

    public init(
        id: UUID = UUID(), priority: Int, name: String = "", enabled: Bool = true,
        conditions: Conditions = Conditions(), action: Action
    ) {
        self.id = id
        self.priority = priority
        self.name = name
        self.enabled = enabled
        self.conditions = conditions
        self.action = action
    }
}
