import Foundation
import Testing

@testable import Dialplan

@Suite struct EvaluationTests {
    let wednesdayEvening = instant("2026-06-17T18:12:00+02:00")
    let ext = UUID()

    func rule(_ priority: Int, _ conditions: Conditions = Conditions(), enabled: Bool = true) -> Rule {
        Rule(
            priority: priority, name: "r\(priority)", enabled: enabled, conditions: conditions,
            action: .ringExtension(extensionID: ext))
    }

    func facts(caller: String? = "+31612345678", callee: String = "+31201234567") -> CallFacts {
        CallFacts(caller: caller, callee: callee, at: wednesdayEvening)
    }

    @Test func lowestPriorityRunsFirstAndTiesKeepInputOrder() {
        let a = rule(5), b = rule(1), c = rule(1)
        let plan = CompiledPlan(rules: [a, b, c], timeZone: amsterdam)
        #expect(plan.rules.map(\.id) == [b.id, c.id, a.id])
        #expect(plan.firstMatch(facts())?.id == b.id)
    }

    @Test func firstMatchingEnabledRuleDecidesAndLaterRulesAreNotExamined() {
        let disabled = rule(1, enabled: false)
        let wrongCallee = rule(2, Conditions(callee: pattern("_+3130.")))
        let winner = rule(3, Conditions(callee: pattern("_+3120.")))
        let later = rule(4)
        let plan = CompiledPlan(rules: [later, winner, wrongCallee, disabled], timeZone: amsterdam)
        let decision = plan.evaluate(facts())
        #expect(decision.rule == winner)
        #expect(plan.firstMatch(facts()) == winner)
        #expect(
            decision.trace == [
                TraceEntry(ruleID: disabled.id, matched: false, reason: "disabled"),
                TraceEntry(ruleID: wrongCallee.id, matched: false, reason: "callee +31201234567 does not match _+3130."),
                TraceEntry(ruleID: winner.id, matched: true, reason: "all conditions hold"),
            ])
    }

    @Test func noMatchTracesEveryRule() {
        let plan = CompiledPlan(rules: [rule(1, enabled: false), rule(2, Conditions(days: [.sat]))], timeZone: amsterdam)
        let decision = plan.evaluate(facts())
        #expect(decision.rule == nil)
        #expect(decision.trace.count == 2)
        #expect(plan.firstMatch(facts()) == nil)
    }

    @Test func emptyPlanDecidesNothing() {
        let plan = CompiledPlan(rules: [], timeZone: amsterdam)
        #expect(plan.evaluate(facts()) == Decision(rule: nil, trace: []))
        #expect(plan.firstMatch(facts()) == nil)
    }

    @Test func allConditionsMustHold() {
        let all = Conditions(
            caller: pattern("_+316XXXXXXXX"), callee: pattern("+31201234567"), days: [.wed],
            timeFrom: TimeOfDay("18:00"), timeTo: TimeOfDay("19:00"),
            dateFrom: LocalDate("2026-06-17"), dateTo: LocalDate("2026-06-17"))
        #expect(holds(all, at: wednesdayEvening))
        var wrongDay = all
        wrongDay.days = [.thu]
        #expect(!holds(wrongDay, at: wednesdayEvening))
        #expect(!holds(all, at: wednesdayEvening, caller: "+31201111111"))
        #expect(!holds(all, at: wednesdayEvening, callee: "+31201234568"))
    }

    @Test func traceReasonsAreReadable() {
        let r = rule(
            1,
            Conditions(
                caller: pattern("_06XXXXXXXX"), days: [.mon, .tue],
                timeFrom: TimeOfDay("09:00"), timeTo: TimeOfDay("17:00"),
                dateFrom: LocalDate("2026-12-24"), dateTo: LocalDate("2026-12-26")))
        let reason = CompiledPlan(rules: [r], timeZone: amsterdam).evaluate(facts()).trace[0].reason
        #expect(
            reason == "caller +31612345678 does not match _06XXXXXXXX; not on mon,tue (today is wed); "
                + "outside 09:00-17:00 (now 18:12 Europe/Amsterdam); outside dates 2026-12-24 to 2026-12-26 (today is 2026-06-17)")
    }

    @Test func traceNamesAWithheldCallerAndOpenDateRanges() {
        let r = rule(1, Conditions(caller: pattern("_+31."), dateFrom: LocalDate("2027-01-01")))
        let decision = CompiledPlan(rules: [r], timeZone: amsterdam).evaluate(facts(caller: nil))
        #expect(
            decision.trace[0].reason
                == "caller (withheld) does not match _+31.; outside dates from 2027-01-01 (today is 2026-06-17)")
    }

    @Test func evaluateAndFirstMatchAgreeOnARandomisedPlan() {
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33) % n
        }
        let callees = ["_+3120.", "_+31!", "+31201234567", "_+4420.", "_X!"]
        let callers = ["anonymous", "_+316.", "_06.", "_!"]
        var rules: [Rule] = []
        for i in 0..<200 {
            var c = Conditions()
            if next(2) == 0 { c.callee = pattern(callees[next(callees.count)]) }
            if next(3) == 0 { c.caller = pattern(callers[next(callers.count)]) }
            if next(3) == 0 { c.days = [Weekday.allCases[next(7)], Weekday.allCases[next(7)]] }
            if next(3) == 0 {
                c.timeFrom = TimeOfDay(hour: next(24), minute: 0)
                c.timeTo = TimeOfDay(hour: next(24), minute: 30)
            }
            rules.append(rule(next(50), c, enabled: next(10) != 0))
            _ = i
        }
        let plan = CompiledPlan(rules: rules, timeZone: newYork)
        for hour in 0..<48 {
            for caller in ["+31612345678", nil, "0612345678"] as [String?] {
                let f = CallFacts(
                    caller: caller, callee: "+31201234567", at: instant("2026-06-15T00:00:00Z").addingTimeInterval(Double(hour) * 3600))
                let decision = plan.evaluate(f)
                #expect(decision.rule == plan.firstMatch(f))
                #expect(decision.trace.filter(\.matched).count == (decision.rule == nil ? 0 : 1))
                if let winner = decision.rule { #expect(decision.trace.last?.ruleID == winner.id) }
            }
        }
    }

    @Test func actionTypesUseTheAPINames() {
        #expect(Action.ringExtension(extensionID: ext).type == "ring_extension")
        #expect(Action.voicemail(extensionID: ext).type == "voicemail")
        #expect(Action.forward(target: "+31201234567", mode: .bridge).type == "forward")
        #expect(Action.hangup(sipStatus: nil).type == "hangup")
    }
}

@Suite struct ThousandRulePlanTests {
    @Test func theLastRuleOfTheBenchmarkPlanWins() throws {
        let (plan, facts, expected) = try DialplanBenchmark.thousandRulePlan()
        #expect(plan.rules.count == 1000)
        #expect(plan.firstMatch(facts)?.id == expected)
        let decision = plan.evaluate(facts)
        #expect(decision.rule?.id == expected)
        #expect(decision.trace.count == 1000)
        #expect(decision.trace.filter(\.matched).count == 1)
        #expect(decision.trace.contains { $0.reason == "disabled" })
    }

    @Test func aMatchingEarlierRuleBeatsTheThousandth() throws {
        let (plan, facts, _) = try DialplanBenchmark.thousandRulePlan()
        let early = Rule(priority: -1, conditions: Conditions(callee: pattern("_+3120!")), action: .hangup(sipStatus: 486))
        let bigger = CompiledPlan(rules: plan.rules + [early], timeZone: plan.timeZone)
        #expect(bigger.firstMatch(facts)?.id == early.id)
        #expect(bigger.evaluate(facts).trace.count == 1)
    }
}
