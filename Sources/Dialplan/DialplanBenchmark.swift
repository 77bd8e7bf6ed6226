import Foundation

/// Fixtures for timing the dialplan (spec §7: a 1,000-rule plan under 50 µs per decision).
public enum DialplanBenchmark {
    /// A 1,000-rule plan in Europe/Amsterdam whose first 999 rules fail for the returned call
    /// (callee patterns that fail late, exact numbers, days, time windows, date ranges, disabled
    /// rules, caller patterns), and whose last rule matches it: a Wednesday 10:30 local call.
    public static func thousandRulePlan() throws -> (CompiledPlan, CallFacts, expectedRuleID: UUID) {
        guard let timeZone = TimeZone(identifier: "Europe/Amsterdam") else { throw PatternError("no time zone data for Europe/Amsterdam") }
        let at = Date(timeIntervalSince1970: 1_781_685_000)  // 2026-06-17 10:30 CEST, a Wednesday
        let facts = CallFacts(caller: "+31612345678", callee: "+31201234567", at: at)
        func p(_ s: String) throws -> Pattern { try Pattern(s) }
        let extensionID = UUID()
        var rules: [Rule] = []
        for i in 0..<999 {
            let disabled = i % 100 == 99  // would match, but is switched off
            let conditions: Conditions =
                switch disabled ? -1 : i % 7 {
                case -1: Conditions()
                case 0: Conditions(callee: try p("_+3120123456[89]"))
                case 1: Conditions(callee: try p("+3120765\(ScheduleParsing.pad(i, 4))"))
                case 2: Conditions(callee: try p("_+31.0"), days: [.sat, .sun])
                case 3: Conditions(callee: try p("_+31!"), timeFrom: TimeOfDay("18:00"), timeTo: TimeOfDay("08:00"))
                case 4: Conditions(dateFrom: LocalDate("2026-12-24"), dateTo: LocalDate("2026-12-26"))
                case 5: Conditions(caller: try p("_+4420XXXXXXXX"), callee: try p("_+31XXXXXXXXX"))
                default: Conditions(caller: try p("anonymous"), days: [.mon, .tue, .wed, .thu, .fri])
                }
            rules.append(
                Rule(
                    priority: i, name: "rule \(i)", enabled: !disabled,
                    conditions: conditions, action: .hangup(sipStatus: 486)))
        }
        let winner = Rule(
            priority: 999, name: "office hours",
            conditions: Conditions(
                caller: try p("_+316XXXXXXXX"), callee: try p("_+3120XXXXXXX"), days: [.mon, .tue, .wed, .thu, .fri],
                timeFrom: TimeOfDay("09:00"), timeTo: TimeOfDay("17:00"), dateFrom: LocalDate("2026-01-01")),
            action: .ringExtension(extensionID: extensionID))
        rules.append(winner)
        return (CompiledPlan(rules: rules.reversed(), timeZone: timeZone), facts, winner.id)
    }
}
