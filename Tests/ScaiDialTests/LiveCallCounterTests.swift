import FluentKit
import Foundation
import LiveKit
import LiveKitFake
import SQLKit
import Testing

@testable import ScaiDial

/// `max_concurrent_calls` is checked against a per-tenant counter row kept with the calls, not a
/// count of them (issue 15 item 3).
@Suite("Live-call counters")
struct LiveCallCounterTests {
    static func counters(_ services: AppServices) async throws -> [String: Int] {
        let rows = try await services.persistence.db.sql().raw("SELECT tenant_id, live_calls FROM tenant_live_calls").all()
        var counts: [String: Int] = [:]
        for row in rows {
            counts[try row.decode(column: "tenant_id", as: UUID.self).uuidString.lowercased()] = try row.decode(
                column: "live_calls", as: Int.self)
        }
        return counts
    }

    static func setCounter(_ services: AppServices, _ tenant: String, _ value: Int) async throws {
        try await services.persistence.db.sql().raw(
            "UPDATE tenant_live_calls SET live_calls = \(bind: value) WHERE tenant_id = \(bind: UUID(uuidString: tenant)!)"
        ).run()
    }

    /// A plan whose first rule forwards: such calls stay live (waiting for their caller) until ended.
    static func forwardFirst(_ api: API, _ t: World.TenantFixture) async throws {
        _ = try await api.post(
            "\(t.base)/dialplans/\(t.dialplanID)/rules", token: t.adminToken,
            ["priority": 1, "action": ["type": "forward", "target": "+31611112222"]])
    }

    static func callID(_ reply: Reply) throws -> UUID {
        try #require((reply.json["scaidial_call_id"] as? String).flatMap(UUID.init(uuidString:)))
    }

    @Test("a call accepted adds one to its tenant's counter, a refused one nothing, a call that ends takes one away (once)")
    func followsTheCalls() async throws {
        try await withAppServices(configure: { $0.sipInboundSecret = InboundDispatchTests.secret }) { api, _, services in
            let w = try await World.build(api)
            try await Self.forwardFirst(api, w.a)
            let a = w.a.id.lowercased(), b = w.b.id.lowercased()
            let first = try Self.callID(try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_1")))
            _ = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_2"))
            // Repeats of a call are not new calls.
            _ = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_2"))
            #expect(try await Self.counters(services)[a] == 2)
            #expect(try await Self.counters(services)[b] == nil)
            // A call a hangup rule refuses is never live.
            _ = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 0, "conditions": ["caller": "_+3170."], "action": ["type": "hangup"]])
            let refused = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_3", from: "+31701234567"))
            #expect(refused.json["result"] as? String == "REJECT")
            #expect(try await Self.counters(services)[a] == 2)
            try await services.engine.apply(.hangUp(user: UUID()), to: first)
            #expect(try await Self.counters(services)[a] == 1)
            // Ended calls stay ended: a second hang-up changes nothing.
            try await services.engine.apply(.hangUp(user: UUID()), to: first)
            try await services.engine.apply(.roomFinished, to: first)
            #expect(try await Self.counters(services)[a] == 1)
            _ = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_b", to: "+31201110002"))
            #expect(try await Self.counters(services) == [a: 1, b: 1])
            // The counter and the calls agree: the sweeper's check finds nothing to repair.
            #expect(try await LiveCallCounter.reconcile(on: services.persistence.db, kind: services.persistence.kind).isEmpty)
            #expect(try await api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items.count == 1)
        }
    }

    @Test("the limit reads the counter; the sweeper's reconcile sets a counter that drifted to the calls")
    func limitAndReconcile() async throws {
        try await withAppServices(configure: { $0.sipInboundSecret = InboundDispatchTests.secret }) { api, _, services in
            let w = try await World.build(api)
            try await Self.forwardFirst(api, w.a)
            try await Self.forwardFirst(api, w.b)
            let a = w.a.id.lowercased(), b = w.b.id.lowercased()
            _ = try await api.patch(w.a.base, token: w.rootToken, ["policy": ["max_concurrent_calls": 3]])
            _ = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_a1"))
            _ = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_b1", to: "+31201110002"))
            // Changed behind the engine's back: A's counter says the tenant is full, B's row is gone.
            try await Self.setCounter(services, a, 3)
            try await services.persistence.db.sql().raw("DELETE FROM tenant_live_calls WHERE tenant_id = \(bind: UUID(uuidString: b)!)")
                .run()
            let refused = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_a2"))
            #expect(refused.json["scaidial_sip_status"] as? Int == 503)
            let repairs = try await LiveCallCounter.reconcile(on: services.persistence.db, kind: services.persistence.kind)
            #expect(
                Set(repairs.map { "\($0.tenantID.uuidString.lowercased()) \($0.counted)→\($0.live)" }) == ["\(a) 3→1", "\(b) 0→1"])
            #expect(try await Self.counters(services) == [a: 1, b: 1])
            #expect(try await LiveCallCounter.reconcile(on: services.persistence.db, kind: services.persistence.kind).isEmpty)
            #expect(try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_a3")).json["result"] as? String == "ACCEPT")
            #expect(try await Self.counters(services)[a] == 2)
            // The sweeper runs the same check on every pass.
            try await Self.setCounter(services, a, 0)
            let fake = FakeLiveKit()
            let lk = try await fake.start()
            let sweeper = CallSweeper(
                persistence: services.persistence, engine: services.engine, liveKit: LiveKitClient(credentials: lk),
                interval: .seconds(60), grace: 3600, logger: .init(label: "sweep-test"))
            do {
                try await sweeper.sweep()
                #expect(try await Self.counters(services)[a] == 2)
            } catch {
                await fake.stop()
                throw error
            }
            await fake.stop()
        }
    }

    @Test("the migration fills the counters from the calls live when it runs")
    func migrationBackfills() async throws {
        try await withAppServices(configure: { $0.sipInboundSecret = InboundDispatchTests.secret }) { api, _, services in
            let w = try await World.build(api)
            try await Self.forwardFirst(api, w.a)
            for n in 0..<3 { _ = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_m\(n)")) }
            let ended = try Self.callID(try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_m3")))
            try await services.engine.apply(.hangUp(user: UUID()), to: ended)
            let db = services.persistence.db
            try await CreateTenantLiveCalls().revert(on: db)
            try await CreateTenantLiveCalls().prepare(on: db)
            #expect(try await Self.counters(services) == [w.a.id.lowercased(): 3])
        }
    }

    @Test("bench-seed writes live calls counted like real ones, a 90-day history and extensions, in bulk")
    func seeded() async throws {
        try await withAppServices(configure: { $0.sipInboundSecret = InboundDispatchTests.secret }) { api, _, services in
            let w = try await World.build(api)
            try await Self.forwardFirst(api, w.a)
            _ = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_real"))
            var options = LoadSeed.Options()
            options.tenant = UUID(uuidString: w.a.id)
            options.liveCalls = 620
            options.historyCalls = 730
            options.extensionsPerTenant = 3
            let db = services.persistence.db
            let lines = try await LoadSeed.seed(options, on: db, now: Date())
            #expect(lines == ["seeded 620 live calls", "seeded 730 past calls", "seeded 3 extensions in 1 tenants"])
            #expect(try await Self.counters(services)[w.a.id.lowercased()] == 621)
            #expect(try await LiveCallCounter.reconcile(on: db, kind: services.persistence.kind).isEmpty)
            #expect(try await api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items.count == 500)  // the list's bound
            let page = try await api.get("\(w.a.base)/calls?state=ended&limit=50", token: w.a.adminToken)
            #expect(page.items.count == 50 && page.json["next_cursor"] is String)
            #expect(page.items.allSatisfy { ($0["legs"] as? [[String: Any]])?.count == 1 })
            let extensions = try await api.get("\(w.a.base)/extensions?limit=200", token: w.a.adminToken).items
            #expect(extensions.count == 4)
            #expect(try await api.get("\(w.b.base)/extensions?limit=200", token: w.b.adminToken).items.count == 1)
        }
    }
}

@Suite("Call history paging")
struct CallHistoryPagingTests {
    @Test("pages by cursor: every call exactly once, newest first, also when calls start in the same instant")
    func pages() async throws {
        try await withApp(configure: { $0.sipInboundSecret = InboundDispatchTests.secret }) { api, _ in
            let w = try await World.build(api)
            // Refused at once (a hangup rule): thirty calls within a few milliseconds.
            _ = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 1, "action": ["type": "hangup"]])
            var ids: [String] = []
            for n in 0..<30 {
                ids.append(
                    try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_page\(n)")).json["scaidial_call_id"] as? String
                        ?? "")
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await api.get("\(w.a.base)/calls?limit=7\(cursor.map { "&cursor=\($0)" } ?? "")", token: w.a.adminToken)
                #expect(page.status == .ok, "\(page.text)")
                seen += page.items.compactMap { $0["id"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil && seen.count < 100
            #expect(seen == ids.reversed(), "\(seen.count) seen")
            let failed = try await api.get("\(w.a.base)/calls?state=failed&limit=25", token: w.a.adminToken)
            let next = try await api.get(
                "\(w.a.base)/calls?state=failed&limit=25&cursor=\(failed.json["next_cursor"] as? String ?? "")", token: w.a.adminToken)
            #expect(failed.items.count == 25 && next.items.count == 5)
        }
    }
}
