import FluentKit
import Foundation
import Logging
import Testing

@testable import ScaiDial

/// `POST …/dialplans/{id}/reorder`: the console's up/down buttons, in one transaction.
@Suite("Reordering a dialplan's rules")
struct RuleOrderTests {
    /// World's plan of tenant A has "Rule 10" (ring 101); this adds "night" (20) and "holiday" (30).
    static func threeRules(_ api: API, _ w: World) async throws -> (first: String, night: String, holiday: String) {
        let col = "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules"
        let night = try await api.post(
            col, token: w.a.adminToken, ["priority": 20, "name": "night", "action": ["type": "hangup", "sip_status": 486]])
        let holiday = try await api.post(
            col, token: w.a.adminToken,
            ["priority": 30, "name": "holiday", "action": ["type": "voicemail", "extension_id": w.a.extensionID]])
        #expect(night.status == .created && holiday.status == .created)
        return (w.a.ruleID, night.id, holiday.id)
    }

    static func rulesVersion(_ db: TestDatabase, _ plan: String) async throws -> Int {
        let p = try Persistence(url: DatabaseURL.parse(db.url)!, logger: Logger(label: "t"), postgresSearchPath: db.searchPath, poolSize: 1)
        let version = try await DialplanModel.find(UUID(uuidString: plan)!, on: p.db)?.rulesVersion
        await p.shutdown()
        return try #require(version)
    }

    @Test("the plan keeps its priority values and hands them out in the new order; the first rule now decides")
    func reorder() async throws {
        try await withApp { api, db in
            let w = try await World.build(api)
            let r = try await Self.threeRules(api, w)
            let before = try await Self.rulesVersion(db, w.a.dialplanID)
            let reply = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/reorder", token: w.a.adminToken, ["rule_ids": [r.night, r.first, r.holiday]])
            #expect(reply.status == .ok, "\(reply.text)")
            let rules = try #require(reply.json["rules"] as? [[String: Any]])
            #expect(rules.map { $0["id"] as? String } == [r.night, r.first, r.holiday])
            #expect(rules.map { $0["priority"] as? Int } == [10, 20, 30])
            #expect(try await Self.rulesVersion(db, w.a.dialplanID) > before)
            let sim = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/simulate", token: w.a.adminToken, ["from": "+31612345678", "to": "+31201110001"])
            #expect(sim.json["rule_name"] as? String == "night")
        }
    }

    @Test("a list that is not every rule exactly once is 422 on rule_ids and changes nothing")
    func badLists() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let r = try await Self.threeRules(api, w)
            let path = "\(w.a.base)/dialplans/\(w.a.dialplanID)/reorder"
            for ids in [
                [r.night, r.first], [r.night, r.first, r.holiday, r.first], [r.night, r.first, "nope"], [r.night, r.night, r.first],
            ] {
                let reply = try await api.post(path, token: w.a.adminToken, ["rule_ids": ids])
                #expect(reply.status == .unprocessableContent && reply.errorFields == ["rule_ids"], "\(ids): \(reply.text)")
            }
            #expect(try await api.post(path, token: w.a.adminToken, [:]).errorFields == ["rule_ids"])
            let plan = try await api.get("\(w.a.base)/dialplans/\(w.a.dialplanID)", token: w.a.adminToken)
            #expect((plan.json["rules"] as? [[String: Any]])?.map { $0["id"] as? String } == [r.first, r.night, r.holiday])
        }
    }

    @Test("another tenant's dialplan is 404, and a plain user is 403")
    func scoped() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let body = ["rule_ids": [w.a.ruleID]]
            #expect(try await api.post("\(w.a.base)/dialplans/\(w.a.dialplanID)/reorder", token: w.b.adminToken, body).status == .notFound)
            #expect(try await api.post("\(w.b.base)/dialplans/\(w.a.dialplanID)/reorder", token: w.b.adminToken, body).status == .notFound)
            #expect(try await api.post("\(w.a.base)/dialplans/\(w.a.dialplanID)/reorder", token: w.a.userToken, body).status == .forbidden)
        }
    }
}
