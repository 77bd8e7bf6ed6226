import FluentKit
import Foundation
import Logging
import Testing

@testable import ScaiDial

/// The `jobs` table's claims: one lock per claim, so the end of one run never frees the next.
@Suite("Job queue claims")
struct JobQueueTests {
    func withQueue(_ body: (any Database) async throws -> Void) async throws {
        try await withPersistence { p in try await body(p.db) }
    }

    func withPersistence(_ body: (Persistence) async throws -> Void) async throws {
        let database = try await TestDatabase.make()
        let config = database.config()
        let p = try Persistence(
            url: DatabaseURL.parse(config.databaseURL)!, logger: Logger(label: "t"), postgresSearchPath: config.postgresSearchPath,
            poolSize: 1)
        do {
            try await p.migrate()
            try await body(p)
        } catch {
            await p.shutdown()
            try? await database.drop()
            throw error
        }
        await p.shutdown()
        try await database.drop()
    }

    @Test("a retry that lands after the job was claimed again (by the same worker) neither frees nor reschedules that claim")
    func lateRetry() async throws {
        try await withQueue { db in
            try await JobQueue.enqueue("test_job", payload: ["x": 1], dedupeKey: "test:1", runAt: Date(), on: db)
            let first = try #require(try await JobQueue.claimDue(worker: "w", lease: 120, limit: 5, now: Date(), on: db).first)
            try await JobQueue.retry(first, at: Date(timeIntervalSinceNow: -1), error: "boom", on: db)
            // Due again at once: the same worker claims it while the first run is still finishing.
            let second = try #require(try await JobQueue.claimDue(worker: "w", lease: 120, limit: 5, now: Date(), on: db).first)
            #expect(second.attempts == 1 && second.lock != first.lock)
            // The first run's bookkeeping, landing late, hits nothing.
            try await JobQueue.retry(first, at: Date(timeIntervalSinceNow: -1), error: "late", on: db)
            let row = try #require(try await JobModel.query(on: db).filter(\.$dedupeKey == "test:1").first())
            #expect(row.lockedBy == second.lock && row.attempts == 1 && row.lastError == "boom")
            // So nobody else can claim it while the second run goes on.
            #expect(try await JobQueue.claimDue(worker: "w", lease: 120, limit: 5, now: Date(), on: db).isEmpty)
            try await JobQueue.complete(second, on: db)
            #expect(try await JobModel.query(on: db).count() == 0)
        }
    }

    /// Fails every run, or holds its run until `release`; counts its runs.
    final class Probe: JobHandler, @unchecked Sendable {
        let kind = "probe"
        let maxAttempts: Int
        let fails: Bool
        private let lock = NSLock()
        private var runs = 0
        private var held: CheckedContinuation<Void, Never>?
        private var releasedEarly = false
        init(maxAttempts: Int, fails: Bool) {
            self.maxAttempts = maxAttempts
            self.fails = fails
        }
        var count: Int { lock.withLock { runs } }
        func run(payload: String, attempt: Int, retryAt: Date) async throws {
            lock.withLock { runs += 1 }
            if fails { throw TestFailure("probe failed on attempt \(attempt + 1)") }
            await withCheckedContinuation { c in
                let now = lock.withLock { () -> Bool in
                    if releasedEarly { return true }
                    held = c
                    return false
                }
                if now { c.resume() }
            }
        }
        func release() {
            let c = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                releasedEarly = true
                defer { held = nil }
                return held
            }
            c?.resume()
        }
    }

    @Test(
        "a job that fails every attempt stops at its kind's cap: state failed, its last error kept, logged with its id, counted in /metrics"
    )
    func attemptCap() async throws {
        try await withPersistence { p in
            let clock = ManualClock()
            let logs = LogCapture()
            let metrics = MetricsRegistry()
            let probe = Probe(maxAttempts: 3, fails: true)
            let worker = JobWorker(
                persistence: p, handlers: [probe], backoff: Backoff(base: 1, cap: 4), logger: Logger(label: "jobs") { _ in logs },
                clock: clock, wakes: false, metrics: metrics)
            try await JobQueue.enqueue("probe", payload: ["n": 1], dedupeKey: "probe:1", runAt: clock.now, on: p.db)
            for _ in 0..<6 {
                try await worker.runDue()
                clock.advance(by: .seconds(10))
            }
            #expect(probe.count == 3)
            let row = try #require(try await JobModel.query(on: p.db).filter(\.$dedupeKey == "probe:1").first())
            #expect(row.state == "failed" && row.attempts == 3 && row.lastError?.contains("attempt 3") == true)
            let jobID = try row.requireID()
            #expect(logs.text.contains("job failed for good") && logs.text.contains("job_id=\(jobID)"))
            #expect(metrics.exposition().contains(#"scaidial_jobs_failed_total{kind="probe"} 1"#), "\(metrics.exposition())")
            // Queuing the same work again makes it pending, with its attempts anew.
            try await JobQueue.enqueue("probe", payload: ["n": 2], dedupeKey: "probe:1", runAt: clock.now, on: p.db)
            try await worker.runDue()
            #expect(probe.count == 4)
        }
    }

    @Test("a run longer than the lease renews it: no other worker claims the job meanwhile, and it runs once")
    func leaseRenewed() async throws {
        try await withPersistence { p in
            let clock = ManualClock()
            let probe = Probe(maxAttempts: 5, fails: false)
            let worker = JobWorker(
                persistence: p, handlers: [probe], backoff: Backoff(), logger: Logger(label: "jobs"), clock: clock, wakes: false)
            try await JobQueue.enqueue("probe", payload: ["n": 1], dedupeKey: "probe:long", runAt: clock.now, on: p.db)
            let running = Task { try await worker.runDue() }
            try await eventually("the run started") { probe.count == 1 }
            // Ten minutes pass in steps (the renewal sleeps on this clock): five leases' worth.
            for _ in 0..<20 {
                try await eventually("the renewal waits on the clock") { clock.sleepers > 0 }
                clock.advance(by: .seconds(30))
                try await eventually("the lease was pushed on") {
                    let fresh = try await JobModel.query(on: p.db).filter(\.$dedupeKey == "probe:long").first()
                    return (fresh?.lockedUntil ?? .distantPast) > clock.now
                }
                #expect(try await JobQueue.claimDue(worker: "other", lease: 120, limit: 5, now: clock.now, on: p.db).isEmpty)
            }
            probe.release()
            try await running.value
            #expect(probe.count == 1)
            #expect(try await JobModel.query(on: p.db).count() == 0)
        }
    }
}
