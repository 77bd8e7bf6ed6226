import Foundation
import Testing

@testable import Dialplan

/// Named schedules: office hours and holidays, read in the tenant's time zone; a holiday closes the
/// office inside its hours; the trace says why a schedule rule did not match.
@Suite struct NamedScheduleTests {
    let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!
    let office = NamedSchedule(
        hours: [
            HoursWindow(days: [.mon, .tue, .wed, .thu, .fri], from: TimeOfDay("09:00")!, to: TimeOfDay("17:30")!),
            HoursWindow(days: [.sat], from: TimeOfDay("10:00")!, to: TimeOfDay("13:00")!),
        ],
        holidays: [Holiday(name: "Christmas", from: LocalDate("2026-12-25")!, to: LocalDate("2026-12-26")!)])

    /// Rules in order: during → ring, holiday → hang up, outside → voicemail.
    func plan() -> (CompiledPlan, during: Rule, holiday: Rule, outside: Rule) {
        let id = UUID()
        let during = Rule(
            priority: 1, name: "open",
            conditions: Conditions(schedule: ScheduleCondition(id: id, name: "Office", when: .during, schedule: office)),
            action: .ringExtension(extensionID: UUID()))
        let holiday = Rule(
            priority: 2, name: "closed for a holiday",
            conditions: Conditions(schedule: ScheduleCondition(id: id, name: "Office", when: .holiday, schedule: office)),
            action: .hangup(sipStatus: 480))
        let outside = Rule(
            priority: 3, name: "after hours",
            conditions: Conditions(schedule: ScheduleCondition(id: id, name: "Office", when: .outside, schedule: office)),
            action: .voicemail(extensionID: UUID()))
        return (CompiledPlan(rules: [during, holiday, outside], timeZone: amsterdam), during, holiday, outside)
    }

    func at(_ local: String) -> Date {
        let f = ISO8601DateFormatter()
        f.timeZone = amsterdam
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return f.date(from: local)!
    }

    @Test(arguments: [
        ("2026-12-07T09:00:00", "open"),  // Monday, opening minute
        ("2026-12-07T17:29:00", "open"),
        ("2026-12-07T17:30:00", "after hours"),  // `to` is exclusive
        ("2026-12-07T08:59:00", "after hours"),
        ("2026-12-12T11:00:00", "open"),  // Saturday's short hours
        ("2026-12-13T11:00:00", "after hours"),  // Sunday
        ("2026-12-25T10:00:00", "closed for a holiday"),  // a Friday inside hours, but Christmas
        ("2026-12-26T22:00:00", "closed for a holiday"),  // the range's last day, included
        ("2026-12-27T11:00:00", "after hours"),  // Sunday after
    ])
    func decides(local: String, expected: String) {
        let (plan, _, _, _) = plan()
        #expect(plan.evaluate(CallFacts(caller: "+31612345678", callee: "+31201110001", at: at(local))).rule?.name == expected)
    }

    @Test func theTraceSaysWhyEachScheduleRuleStepsAside() {
        let (plan, _, _, _) = plan()
        let christmas = plan.evaluate(CallFacts(caller: nil, callee: "+31201110001", at: at("2026-12-25T10:00:00")))
        #expect(christmas.trace[0].reason == "not during Office: a holiday (now fri 2026-12-25 10:00 Europe/Amsterdam)")
        #expect(christmas.trace[1].matched)
        let evening = plan.evaluate(CallFacts(caller: nil, callee: "+31201110001", at: at("2026-12-07T20:00:00")))
        #expect(evening.trace[0].reason == "not during Office: outside its hours (now mon 2026-12-07 20:00 Europe/Amsterdam)")
        #expect(evening.trace[1].reason == "not a holiday of Office (today is 2026-12-07)")
        let morning = plan.evaluate(CallFacts(caller: nil, callee: "+31201110001", at: at("2026-12-07T10:00:00")))
        #expect(morning.trace.count == 1 && morning.rule?.name == "open")
    }

    @Test func aWindowPastMidnightBelongsToTheDayItStarts() {
        let night = NamedSchedule(hours: [HoursWindow(days: [.fri], from: TimeOfDay("22:00")!, to: TimeOfDay("02:00")!)])
        let rule = Rule(
            priority: 1, conditions: Conditions(schedule: ScheduleCondition(id: UUID(), name: "Night", when: .during, schedule: night)),
            action: .hangup(sipStatus: nil))
        let plan = CompiledPlan(rules: [rule], timeZone: amsterdam)
        #expect(plan.firstMatch(CallFacts(caller: nil, callee: "+31201110001", at: at("2026-12-11T23:00:00"))) != nil)  // Fri
        #expect(plan.firstMatch(CallFacts(caller: nil, callee: "+31201110001", at: at("2026-12-11T01:00:00"))) != nil)  // Fri early
        #expect(plan.firstMatch(CallFacts(caller: nil, callee: "+31201110001", at: at("2026-12-12T01:00:00"))) == nil)  // Sat early
    }
}
