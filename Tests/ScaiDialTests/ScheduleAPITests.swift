import Foundation
import Testing

@testable import ScaiDial

/// Named schedules over the API: office hours and holidays that rules use by name, on the call
/// path and in the simulator; a changed schedule takes effect on the next call; bad input writes
/// nothing; a schedule in use cannot be deleted; another tenant's schedule cannot be used.
@Suite("Schedules")
struct ScheduleAPITests {
    static var office: [String: Any] {
        [
            "name": "Office hours",
            "hours": [
                ["days": ["mon", "tue", "wed", "thu", "fri"], "time_from": "09:00", "time_to": "17:30"],
                ["days": ["sat"], "time_from": "10:00", "time_to": "13:00"],
            ],
            "holidays": [["name": "Christmas", "date_from": "2026-12-25", "date_to": "2026-12-26"]],
        ]
    }

    @Test("during / holiday / outside rules route by the schedule, in the simulator and on real calls; an edit applies at once")
    func routes() async throws {
        // Monday 7 December 2026, 10:00 in Amsterdam (09:00 UTC).
        let clock = ManualClock(now: Date(timeIntervalSince1970: 1_796_634_000))
        try await withAppServices(configure: {
            $0.clock = clock
            $0.sipInboundSecret = InboundDispatchTests.secret
        }) { api, _, _ in
            let w = try await World.build(api)
            let admin = w.a.adminToken
            let created = try await api.post("\(w.a.base)/schedules", token: admin, Self.office)
            #expect(created.status == .created, "\(created.text)")
            #expect((created.json["holidays"] as? [[String: Any]])?.first?["date_to"] as? String == "2026-12-26")
            let schedule = created.id
            // The fixture's plan: during → ring 101, holiday → hang up 486, outside (otherwise) → 480.
            _ = try await api.patch(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules/\(w.a.ruleID)", token: admin,
                ["conditions": ["schedule_id": schedule, "schedule_when": "during"]])
            let holiday = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: admin,
                [
                    "priority": 20, "name": "holiday", "conditions": ["schedule_id": schedule, "schedule_when": "holiday"],
                    "action": ["type": "hangup", "sip_status": 486],
                ])
            #expect(holiday.status == .created, "\(holiday.text)")
            let conditions = try #require(holiday.json["conditions"] as? [String: Any])
            #expect(conditions["schedule_id"] as? String == schedule && conditions["schedule_when"] as? String == "holiday")

            func simulate(_ at: String) async throws -> Reply {
                try await api.post(
                    "\(w.a.base)/dialplans/\(w.a.dialplanID)/simulate", token: admin,
                    ["from": "+31612345678", "to": "+31201110001", "at": at])
            }
            #expect(try await simulate("2026-12-07T10:00:00+01:00").json["rule_id"] as? String == w.a.ruleID)
            let christmas = try await simulate("2026-12-25T10:00:00+01:00")
            #expect(christmas.json["rule_name"] as? String == "holiday")
            let trace = try #require(christmas.json["trace"] as? [[String: Any]])
            #expect((trace[0]["reason"] as? String)?.hasPrefix("not during Office hours: a holiday") == true)
            let evening = try await simulate("2026-12-07T20:00:00+01:00")
            #expect(evening.json["outcome"] as? String == "reject")

            // A real call now (Monday 10:00): during office hours, it rings.
            let first = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_sched_1"))
            #expect(first.json["result"] as? String == "ACCEPT", "\(first.text)")
            // Today becomes a holiday: the next call follows the holiday rule (the compiled plan is stale).
            let edited = try await api.patch(
                "\(w.a.base)/schedules/\(schedule)", token: admin,
                ["holidays": [["name": "Closed today", "date_from": "2026-12-07"]]])
            #expect(edited.status == .ok, "\(edited.text)")
            #expect((edited.json["holidays"] as? [[String: Any]])?.first?["date_to"] as? String == "2026-12-07")
            let second = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_sched_2"))
            #expect(second.json["result"] as? String == "REJECT" && second.json["scaidial_sip_status"] as? Int == 486, "\(second.text)")

            // In use: not deleted, and the answer names the dialplan.
            let refused = try await api.delete("\(w.a.base)/schedules/\(schedule)", token: admin)
            #expect(refused.status == .conflict && refused.json["code"] as? String == "schedule_in_use", "\(refused.text)")
            #expect((refused.json["detail"] as? String)?.contains("\"main\"") == true)
            #expect(try await api.get("\(w.a.base)/schedules", token: admin).items.count == 1)
        }
    }

    @Test("bad input: each field named, nothing written")
    func badInput() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let admin = w.a.adminToken
            let bad = try await api.post(
                "\(w.a.base)/schedules", token: admin,
                [
                    "name": "",
                    "hours": [
                        ["days": ["mon", "someday"], "time_from": "9:00", "time_to": "17:00"],
                        ["days": [], "time_from": "09:00", "time_to": "09:00"],
                    ],
                    "holidays": [["name": "Backwards", "date_from": "2026-12-26", "date_to": "2026-12-25"], ["date_from": "2026-02-30"]],
                ])
            #expect(bad.status == .unprocessableContent, "\(bad.text)")
            #expect(
                Set(bad.errorFields) == [
                    "name", "hours[0].days", "hours[0].time_from", "hours[1].days", "hours[1].time_to", "holidays[0].date_to",
                    "holidays[1].name", "holidays[1].date_from",
                ], "\(bad.text)")
            #expect(try await api.get("\(w.a.base)/schedules", token: admin).items.isEmpty)

            let good = try await api.post("\(w.a.base)/schedules", token: admin, Self.office).id
            #expect(try await api.post("\(w.a.base)/schedules", token: admin, Self.office).status == .conflict)  // same name
            // A rule: both halves or neither; a real schedule of this tenant.
            let rules = "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules"
            let action: [String: Any] = ["type": "hangup"]
            let half = try await api.post(rules, token: admin, ["priority": 30, "conditions": ["schedule_id": good], "action": action])
            #expect(half.errorFields == ["conditions.schedule_when"], "\(half.text)")
            let side = try await api.post(
                rules, token: admin, ["priority": 30, "conditions": ["schedule_id": good, "schedule_when": "lunch"], "action": action])
            #expect(side.errorFields == ["conditions.schedule_when"], "\(side.text)")
            let theirs = try await api.post("\(w.b.base)/schedules", token: w.b.adminToken, Self.office).id
            let foreign = try await api.post(
                rules, token: admin, ["priority": 30, "conditions": ["schedule_id": theirs, "schedule_when": "during"], "action": action])
            #expect(foreign.errorFields == ["conditions.schedule_id"], "\(foreign.text)")
            #expect(try await api.get(rules, token: admin).items.count == 1)
            // Another tenant's schedule is not even visible.
            #expect(try await api.get("\(w.a.base)/schedules/\(theirs)", token: admin).status == .notFound)
            // Unused: deleted.
            #expect(try await api.delete("\(w.a.base)/schedules/\(good)", token: admin).status == .noContent)
        }
    }
}
