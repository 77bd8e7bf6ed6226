import FluentKit
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

@testable import ScaiDial

/// Group commit on the call path: calls that arrive together are decided in one batch, and each
/// gets the answer it would have got alone.
@Suite("Inbound dispatch: calls decided together")
struct InboundBatchTests {
    /// The world of the hook-door tests, plus a dispatcher of its own on the same database so a
    /// test can hand it a batch directly.
    func run(_ body: @escaping @Sendable (API, World, InboundDispatcher) async throws -> Void) async throws {
        try await withApp(configure: { $0.sipInboundSecret = InboundDispatchTests.secret }) { api, db in
            let world = try await World.build(api)
            let persistence = try Persistence(
                url: DatabaseURL.parse(db.url)!, logger: .init(label: "batch-test"), postgresSearchPath: db.searchPath, poolSize: 2)
            let dispatcher = InboundDispatcher(persistence: persistence, metrics: MetricsRegistry(), logger: .init(label: "batch-test"))
            do {
                try await body(api, world, dispatcher)
            } catch {
                await persistence.shutdown()
                throw error
            }
            await persistence.shutdown()
        }
    }

    static func call(_ id: String, from: String = "+31612345678", to: String = "+31201110001") -> InboundCall {
        InboundCall(liveKitCallID: id, from: from, to: to)
    }

    static func calls(_ api: API, _ t: World.TenantFixture) async throws -> [[String: Any]] {
        try await api.get("\(t.base)/calls?limit=200", token: t.adminToken).items
    }

    @Test("one batch: repeats share an answer, an earlier call keeps its own, unknown numbers and other tenants as alone")
    func mixedBatch() async throws {
        try await run { api, w, dispatcher in
            let earlier = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_earlier"))
            #expect(earlier.json["result"] as? String == "ACCEPT")
            let answers = try await dispatcher.decideCompiled([
                Self.call("SCL_one"),
                Self.call("SCL_unknown", to: "+31209999999"),
                Self.call("SCL_one"),
                Self.call("SCL_earlier"),
                Self.call("SCL_digits", to: "31201110001"),
                Self.call("SCL_bravo", to: "+31201110002"),
            ])
            let decisions = try answers.map { try $0.get() }
            guard case .accept(let oneID, let oneRoom, let identity, _, _, _) = decisions[0] else {
                Issue.record("SCL_one was not accepted: \(decisions[0])")
                return
            }
            #expect(identity == "sip_+31612345678" && oneRoom.hasPrefix(InboundDispatcher.roomPrefix))
            #expect(decisions[1] == .reject(callID: nil, sipStatus: 404, reason: "unknown_did"))
            #expect(decisions[2] == decisions[0])
            guard case .accept(let earlierID, let earlierRoom, _, _, _, _) = decisions[3] else {
                Issue.record("SCL_earlier lost its answer: \(decisions[3])")
                return
            }
            #expect(earlierID.uuidString == earlier.json["scaidial_call_id"] as? String)
            #expect(earlierRoom == earlier.json["room_name"] as? String)
            guard case .accept(let digitsID, _, _, _, _, _) = decisions[4], case .accept(let bravoID, _, _, _, _, _) = decisions[5] else {
                Issue.record("a call to a known number was refused: \(decisions[4]), \(decisions[5])")
                return
            }
            let alpha = try await Self.calls(api, w.a)
            #expect(Set(alpha.compactMap { $0["livekit_call_id"] as? String }) == ["SCL_earlier", "SCL_one", "SCL_digits"])
            #expect(alpha.count == 3)
            #expect(Set(alpha.compactMap { $0["id"] as? String }) == Set([earlierID, oneID, digitsID].map(\.uuidString)))
            let bravo = try await Self.calls(api, w.b)
            #expect(bravo.map { $0["id"] as? String } == [bravoID.uuidString])
            // Every recorded call has its SIP leg.
            for (t, c) in alpha.map({ (w.a, $0) }) + bravo.map({ (w.b, $0) }) {
                let detail = try await api.get("\(t.base)/calls/\(c["id"] as? String ?? "-")", token: t.adminToken)
                #expect((detail.json["legs"] as? [[String: Any]])?.contains { $0["kind"] as? String == "sip" } == true)
            }
        }
    }

    @Test("the live-call limit holds inside a batch: calls past it are refused 503 and recorded")
    func limitInsideBatch() async throws {
        try await run { api, w, dispatcher in
            _ = try await api.patch(w.a.base, token: w.rootToken, ["policy": ["max_concurrent_calls": 3]])
            #expect(try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_live")).json["result"] as? String == "ACCEPT")
            // A hangup rule's refusal in the batch does not take a place.
            _ = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 1, "conditions": ["caller": "_+3170."], "action": ["type": "hangup", "sip_status": 486]])
            let answers = try await dispatcher.decideCompiled(
                [Self.call("SCL_h", from: "+31701234567")] + (1...4).map { Self.call("SCL_n\($0)") })
            let statuses = try answers.map { answer -> Int in
                switch try answer.get() {
                case .accept: 200
                case .reject(_, let status, _): status
                }
            }
            #expect(statuses == [486, 200, 200, 503, 503])
            let calls = try await Self.calls(api, w.a)
            #expect(calls.filter { $0["end_reason"] as? String == "over_limit" }.count == 2)
            #expect(try await api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items.count == 3)
        }
    }

    @Test("many callers at once through the door: exactly the limit gets through, every call recorded once")
    func crowdAtTheDoor() async throws {
        try await run { api, w, _ in
            _ = try await api.patch(w.a.base, token: w.rootToken, ["policy": ["max_concurrent_calls": 5]])
            let results = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for n in 0..<24 {
                    // Every call is delivered twice, as a retrying livekit-sip would.
                    for _ in 0..<2 {
                        group.addTask {
                            let reply = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_crowd\(n)"))
                            return ("SCL_crowd\(n)", reply.json["scaidial_sip_status"] as? Int ?? 200)
                        }
                    }
                }
                return try await group.reduce(into: [String: Set<Int>]()) { $0[$1.0, default: []].insert($1.1) }
            }
            #expect(results.count == 24 && results.values.allSatisfy { $0.count == 1 })
            #expect(results.values.filter { $0 == [200] }.count == 5)
            #expect(results.values.filter { $0 == [503] }.count == 19)
            let calls = try await Self.calls(api, w.a)
            #expect(calls.count == 24)
            #expect(try await api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items.count == 5)
            let metrics = try await api.get("/metrics", token: nil).text
            #expect(metrics.contains("scaidial_inbound_batched_calls_total{} 48"))
        }
    }

    @Test(
        "two replicas deciding at once: the live-call limit holds across them",
        .enabled(if: TestDatabase.postgresURL != nil, "several replicas need PostgreSQL (SQLite is one process)"))
    func limitAcrossReplicas() async throws {
        try await run { api, w, first in
            _ = try await api.patch(w.a.base, token: w.rootToken, ["policy": ["max_concurrent_calls": 7]])
            // A second replica: its own dispatcher and connections on the same database.
            let second = InboundDispatcher(persistence: first.decider.persistence, metrics: MetricsRegistry(), logger: .init(label: "b"))
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for (n, dispatcher) in [first, second, first, second].enumerated() {
                    group.addTask {
                        try try await dispatcher.decideCompiled((0..<6).map { Self.call("SCL_r\(n)_\($0)") }).map { answer in
                            if case .reject(_, let status, _) = try answer.get() { return status }
                            return 200
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(statuses.filter { $0 == 200 }.count == 7)
            #expect(statuses.filter { $0 == 503 }.count == 17)
            #expect(try await api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items.count == 7)
        }
    }

    @Test("one call the database refuses does not take the others of its batch down")
    func oneBadCall() async throws {
        try await run { api, w, dispatcher in
            let first = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_first"))
            let takenRoom = try #require(first.json["room_name"] as? String)
            var clash = Self.call("SCL_clash")
            clash.roomName = takenRoom  // room names are unique: this insert fails
            clash.participantIdentity = "sip_x"
            let answers = try await dispatcher.decideCompiled([Self.call("SCL_ok1"), clash, Self.call("SCL_ok2")])
            #expect(throws: (any Error).self) { try answers[1].get() }
            for i in [0, 2] {
                guard case .accept = try answers[i].get() else {
                    Issue.record("call \(i) was not accepted")
                    continue
                }
            }
            let ids = Set(try await Self.calls(api, w.a).compactMap { $0["livekit_call_id"] as? String })
            #expect(ids == ["SCL_first", "SCL_ok1", "SCL_ok2"])
        }
    }
}

@Suite("Group commit")
struct GroupCommitTests {
    @Test("what arrives during a batch goes together in the next one, and every caller gets its own answer")
    func batching() async throws {
        let (gate, open) = AsyncStream<Void>.makeStream()
        let seen = Mutex<[[Int]]>([])
        let commit = GroupCommit<Int, String>(maxBatch: 4) { items in
            let first = seen.withLock { s in
                s.append(items)
                return s.count == 1
            }
            if first { for await _ in gate { break } }
            return items.map { $0 == 7 ? .failure(TestFailure("seven")) : .success("answer \($0)") }
        }
        async let zero = commit.submit(0)
        try await eventually("the first batch is running") { seen.withLock { $0.count == 1 } }
        let rest = Task {
            try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for n in 1...9 { group.addTask { (n, try? await commit.submit(n)) } }
                return try await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
            }
        }
        try await eventually("nine wait for the next batch") { await commit.queued == 9 }
        open.yield()
        #expect(try await zero == "answer 0")
        let answers = try await rest.value
        #expect((1...9).allSatisfy { n in answers[n] == (n == 7 ? String?.none : "answer \(n)") })
        // One batch of one, then the nine in batches of at most four.
        #expect(seen.withLock { $0.map(\.count) } == [1, 4, 4, 1])
        let batches = await commit.batches
        let items = await commit.items
        #expect(batches == 4 && items == 10)
    }
}

extension InboundDispatcher {
    /// One batch, with every dialplan compiled first: a batch does not wait for compiling (a call
    /// whose plan is not ready leaves it), and these tests hand the batch over themselves.
    func decideCompiled(_ calls: [InboundCall]) async throws -> [Result<InboundDecision, any Error>] {
        let db = decider.persistence.db
        for plan in try await DialplanModel.query(on: db).all() {
            guard let tenant = try await TenantModel.find(plan.tenantID, on: db) else { continue }
            let key = PlanCache.Key(plan: try plan.requireID(), version: plan.rulesVersion, timeZone: tenant.timezone)
            _ = try await decider.plans.plan(key, on: db)
        }
        return await decider.decide(calls)
    }
}
