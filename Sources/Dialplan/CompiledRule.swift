/// A rule's conditions flattened for the hot path: integer comparisons first, patterns last.
struct CompiledRule: Sendable {
    let enabled: Bool
    /// Allowed weekdays (Monday = bit 0); all seven bits when `days` is absent or empty.
    let dayMask: UInt8
    let hasWindow: Bool
    /// Window in minutes since midnight, `to` exclusive; `to` is 1440 when only `timeFrom` is given.
    let windowFrom: Int
    let windowTo: Int
    /// Inclusive yyyymmdd bounds; open ends are 0 and `Int.max`.
    let dateFrom: Int
    let dateTo: Int
    let callee: Pattern?
    let caller: Pattern?
    let schedule: ScheduleCondition?

    static let everyDay: UInt8 = 0x7F

    init(_ rule: Rule) {
        let c = rule.conditions
        enabled = rule.enabled
        let mask = (c.days ?? []).reduce(UInt8(0)) { $0 | $1.bit }
        dayMask = mask == 0 ? Self.everyDay : mask
        hasWindow = c.timeFrom != nil || c.timeTo != nil
        windowFrom = c.timeFrom?.minutes ?? 0
        windowTo = c.timeTo?.minutes ?? 1440
        dateFrom = c.dateFrom?.key ?? 0
        dateTo = c.dateTo?.key ?? Int.max
        callee = c.callee
        caller = c.caller
        schedule = c.schedule
    }

    @inline(__always)
    func dayHolds(_ m: LocalMoment) -> Bool { dayMask & m.weekdayBit != 0 }

    @inline(__always)
    func windowHolds(_ m: LocalMoment) -> Bool {
        guard hasWindow else { return true }
        if windowFrom < windowTo { return m.minutes >= windowFrom && m.minutes < windowTo }
        if windowFrom > windowTo { return m.minutes >= windowFrom || m.minutes < windowTo }
        return false  // equal ends: an empty window
    }

    @inline(__always)
    func datesHold(_ m: LocalMoment) -> Bool { m.dateKey >= dateFrom && m.dateKey <= dateTo }

    /// All conditions, cheapest first. A nil byte buffer stands for a withheld value.
    @inline(__always)
    func holds(
        _ m: LocalMoment, caller callerBytes: UnsafeBufferPointer<UInt8>?,
        callee calleeBytes: UnsafeBufferPointer<UInt8>?
    ) -> Bool {
        guard enabled, dayHolds(m), windowHolds(m), datesHold(m) else { return false }
        if let schedule, !schedule.holds(m) { return false }
        if let callee, !callee.matches(calleeBytes) { return false }
        if let caller, !caller.matches(callerBytes) { return false }
        return true
    }
}
