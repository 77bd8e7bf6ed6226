import Dialplan
import FluentKit
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import Testing

@testable import ScaiDial

/// Issue 14, item 1: a flood of sign-ins, or a tenant saving a huge dialplan, must not stall call
/// routing. Hashing and compiling run on pools of their own that these tests block at will; the
/// figures under load are the benchmark's (`scaidial-bench`), not asserted here.
@Suite("Abuse: sign-in floods and big dialplans do not stall call routing")
struct SignInFloodTests {
    static let forwarded = HTTPField.Name("X-Forwarded-For")!

    /// A sign-in from `address` (behind a trusted proxy).
    static func signIn(_ api: API, _ email: String, _ password: String, from address: String) async throws -> Reply {
        try await api.call(
            .post, "/v1/auth/login", json: ["email": email, "password": password], headers: [forwarded: "198.51.100.1, \(address)"])
    }

    /// A pool whose only thread the test holds until `release`.
    final class HeldPool: Sendable {
        let pool: CPUWorkPool
        private let gate = DispatchSemaphore(value: 0)
        private let started = DispatchSemaphore(value: 0)
        init(limit: Int) { pool = CPUWorkPool(name: "held", threads: 1, limit: limit) }

        /// Occupies the pool's thread (one admitted slot) and returns once it is held.
        func hold() async {
            let (gate, started) = (gate, started)
            Task {
                try? await pool.run {
                    started.signal(); gate.wait()
                }
            }
            await withCheckedContinuation { done in
                DispatchQueue.global().async {
                    started.wait(); done.resume()
                }
            }
        }
        func release() { gate.signal() }
    }

    /// `work`, or a recorded failure if it has not finished after `seconds` (a test that would hang).
    static func within<T: Sendable>(_ seconds: Int, _ what: String, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            guard let first = try await group.next(), let value = first else {
                group.cancelAll()
                throw TestFailure("\(what) did not finish within \(seconds) s")
            }
            group.cancelAll()
            return value
        }
    }

    @Test(
        "failed sign-ins from one address: after the burst, 429 with Retry-After before any hashing; other addresses and the refilled window pass"
    )
    func perAddress() async throws {
        let clock = ManualClock()
        let held = HeldPool(limit: 1)
        try await withApp(configure: {
            $0.clock = clock
            $0.trustForwardedFor = true
            $0.signInPerAddress = .init(burst: 3, window: 300)
            $0.signInPerAccount = .off
            $0.loginLockout = .init(maxFailures: 100, lockSeconds: 60)
            $0.hashingPool = held.pool
        }) { api, _ in
            for _ in 0..<3 {
                #expect(try await Self.signIn(api, "root@platform.test", "bad-password", from: "203.0.113.5").status == .unauthorized)
            }
            // The pool is held and admits nothing more: a sign-in that needed a hash would be 503.
            await held.hold()
            let limited = try await Self.signIn(api, "root@platform.test", "root-password", from: "203.0.113.5")
            #expect(limited.status == .tooManyRequests, "\(limited.text)")
            #expect(limited.json["code"] as? String == "sign_in_rate_limited")
            let wait = try #require(Int(limited.headers[.retryAfter] ?? ""))
            // One failure's worth of the 5-minute window: 100 s.
            #expect(wait == 100)
            let busy = try await Self.signIn(api, "root@platform.test", "root-password", from: "203.0.113.6")
            #expect(busy.status == .serviceUnavailable && busy.json["code"] as? String == "sign_in_busy", "\(busy.text)")
            #expect(busy.headers[.retryAfter] == "1")
            held.release()
            try await eventually("the pool is free") { held.pool.inFlight == 0 }
            #expect(try await Self.signIn(api, "root@platform.test", "root-password", from: "203.0.113.6").status == .ok)
            clock.advance(by: .seconds(wait - 1))
            #expect(try await Self.signIn(api, "root@platform.test", "root-password", from: "203.0.113.5").status == .tooManyRequests)
            clock.advance(by: .seconds(2))
            #expect(try await Self.signIn(api, "root@platform.test", "root-password", from: "203.0.113.5").status == .ok)
        }
    }

    @Test(
        "failed sign-ins for one account from many addresses: that account waits, others do not; without a trusted proxy the header is ignored"
    )
    func perAccount() async throws {
        try await withApp(configure: {
            $0.trustForwardedFor = true
            $0.signInPerAddress = .off
            $0.signInPerAccount = .init(burst: 3, window: 300)
            $0.loginLockout = .init(maxFailures: 100, lockSeconds: 60)
        }) { api, _ in
            for n in 0..<3 {
                let reply = try await Self.signIn(api, "ghost@platform.test", "bad-password", from: "203.0.113.\(n)")
                #expect(reply.status == .unauthorized)
            }
            let limited = try await Self.signIn(api, "GHOST@platform.test", "bad-password", from: "203.0.113.99")
            #expect(limited.status == .tooManyRequests && limited.json["code"] as? String == "sign_in_rate_limited")
            #expect(try await Self.signIn(api, "root@platform.test", "root-password", from: "203.0.113.99").status == .ok)
        }
        try await withApp(configure: {
            $0.signInPerAddress = .init(burst: 2, window: 300)
            $0.signInPerAccount = .off
        }) { api, _ in
            // Not behind a trusted proxy: a client naming other addresses is still one client.
            for n in 0..<2 {
                let reply = try await Self.signIn(api, "root@platform.test", "bad-password", from: "203.0.113.\(n)")
                #expect(reply.status == .unauthorized)
            }
            let limited = try await Self.signIn(api, "root@platform.test", "root-password", from: "203.0.113.7")
            #expect(limited.status == .tooManyRequests)
        }
    }

    @Test("the limiter's buckets: a burst, an even refill, a wait in whole seconds, keys pruned when full ones pile up")
    func limiter() {
        let start = Date(timeIntervalSince1970: 1_000)
        let limiter = SignInLimiter(perAddress: .init(burst: 2, window: 60), perAccount: .init(burst: 4, window: 60), capacity: 4)
        #expect(limiter.wait(address: "a", account: "x", now: start) == nil)
        limiter.failed(address: "a", account: "x", now: start)
        limiter.failed(address: "a", account: "x", now: start)
        #expect(limiter.wait(address: "a", account: "x", now: start) == 30)
        #expect(limiter.wait(address: "a", account: "x", now: start.addingTimeInterval(29.5)) == 1)
        #expect(limiter.wait(address: "a", account: "x", now: start.addingTimeInterval(31)) == nil)
        #expect(limiter.wait(address: "b", account: "x", now: start) == nil)
        // The account's bucket (4) empties from two more addresses.
        limiter.failed(address: "b", account: "x", now: start)
        limiter.failed(address: "c", account: "x", now: start)
        #expect(limiter.wait(address: "d", account: "x", now: start) == 15)
        // Full buckets are dropped when more than `capacity` keys are tracked.
        for n in 0..<6 { limiter.failed(address: "p\(n)", account: "q\(n)", now: start.addingTimeInterval(120)) }
        #expect(limiter.trackedKeys <= 4)
        let off = SignInLimiter(perAddress: .off, perAccount: .off)
        for _ in 0..<100 { off.failed(address: "a", account: "x", now: start) }
        #expect(off.wait(address: "a", account: "x", now: start) == nil && off.trackedKeys == 0)
    }

    @Test(
        "every hashing thread busy and the queue full: sign-ins are 503 at once, and inbound calls are still decided (SQLite's threads are not the hashers')"
    )
    func routingDuringHashing() async throws {
        let held = HeldPool(limit: 2)
        try await withApp(configure: {
            $0.sipInboundSecret = InboundDispatchTests.secret
            $0.hashingPool = held.pool
        }) { api, _ in
            _ = try await World.build(api)
            await held.hold()
            // One sign-in queues behind the held thread; the next finds the pool full.
            let queued = Task {
                try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "root-password"])
            }
            try await eventually("the sign-in is queued") { held.pool.inFlight == 2 }
            let busy = try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "root-password"])
            #expect(busy.status == .serviceUnavailable && busy.json["code"] as? String == "sign_in_busy")
            let call = try await Self.within(30, "an inbound call while hashing is saturated") {
                try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_flood"))
            }
            #expect(call.json["result"] as? String == "ACCEPT", "\(call.text)")
            held.release()
            #expect(try await queued.value.status == .ok)
        }
    }

    @Test("calls that need the same new plan at once compile it once")
    func compiledOnce() async throws {
        try await withAppServices(configure: { $0.sipInboundSecret = InboundDispatchTests.secret }) { api, _, services in
            let w = try await World.build(api)
            let plans = PlanCache(pool: CPUWorkPool(name: "test", threads: 1, limit: 100))
            let plan = try #require(try await DialplanModel.find(UUID(uuidString: w.a.dialplanID), on: services.db))
            let key = PlanCache.Key(plan: try plan.requireID(), version: plan.rulesVersion, timeZone: "Europe/Amsterdam")
            let db = services.db
            let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await plans.plan(key, on: db).rules.count } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(sizes.count == 20 && Set(sizes).count == 1 && sizes[0] > 0)
            #expect(plans.compiled == 1)
            #expect(plans.cached(key, on: db) != nil)
        }
    }

    @Test("a call whose dialplan is being compiled waits on its own: another tenant's call is decided meanwhile")
    func compilingDoesNotHoldTheBatch() async throws {
        let held = HeldPool(limit: .max)
        try await withApp(configure: {
            $0.sipInboundSecret = InboundDispatchTests.secret
            $0.compilingPool = held.pool
        }) { api, _ in
            let w = try await World.build(api)
            // Bravo's plan is compiled by its first call; Alpha's has never been.
            let first = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_b1", to: "+31201110002"))
            #expect(first.json["result"] as? String == "ACCEPT", "\(first.text)")
            await held.hold()
            let alpha = Task { try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_a1")) }
            // Alpha's call left its batch and its plan waits for the (held) compiling thread.
            try await eventually("Alpha's plan is queued for compiling") { held.pool.inFlight == 2 }
            let bravo = try await Self.within(30, "Bravo's call while Alpha's plan compiles") {
                try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_b2", to: "+31201110002"))
            }
            #expect(bravo.json["result"] as? String == "ACCEPT", "\(bravo.text)")
            held.release()
            let answered = try await alpha.value
            #expect(answered.json["result"] as? String == "ACCEPT", "\(answered.text)")
            // Written once each, nothing lost or doubled by leaving the batch.
            let calls = try await api.get("\(w.a.base)/calls", token: w.a.adminToken).items
            #expect(calls.count == 1)
        }
    }

    @Test("a dialplan saved with 1,200 rules is written whole (several INSERTs), read back in order and routes calls")
    func bigDialplan() async throws {
        try await withApp(configure: { $0.sipInboundSecret = InboundDispatchTests.secret }) { api, _ in
            let w = try await World.build(api)
            var rules: [[String: Any]] = (0..<1_199).map { i in
                ["priority": i, "conditions": ["callee": "_+3120999\(String(format: "%04d", i))"], "action": ["type": "hangup"]]
            }
            rules.append(["priority": 5_000, "action": ["type": "ring_extension", "extension_id": w.a.extensionID]])
            rules[7]["action"] = ["type": "voicemail", "extension_id": w.a.extensionID]
            let created = try await api.post("\(w.a.base)/dialplans", token: w.a.adminToken, ["name": "big", "rules": rules])
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            let stored = try await api.get("\(w.a.base)/dialplans/\(id)", token: w.a.adminToken)
            let priorities = (stored.json["rules"] as? [[String: Any]] ?? []).compactMap { $0["priority"] as? Int }
            #expect(priorities == Array(0..<1_199) + [5_000])
            let bad = rules + [["priority": 6_000, "action": ["type": "ring_extension", "extension_id": UUID().uuidString]]]
            let refused = try await api.post("\(w.a.base)/dialplans", token: w.a.adminToken, ["name": "bigger", "rules": bad])
            #expect(
                refused.status == .unprocessableContent && refused.errorFields == ["rules[1200].action.extension_id"], "\(refused.text)")
            _ = try await api.patch("\(w.a.base)/dids/\(w.a.didID)", token: w.a.adminToken, ["dialplan_id": id])
            let call = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_big"))
            #expect(call.json["result"] as? String == "ACCEPT", "\(call.text)")
            #expect(try await api.get("\(w.a.base)/dialplans", token: w.a.adminToken).items.count == 2)
        }
    }
}
