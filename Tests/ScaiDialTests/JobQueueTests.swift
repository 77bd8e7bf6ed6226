import FluentKit
import Foundation
import Logging
import Testing

@testable import ScaiDial

/// The `jobs` table's claims: one lock per claim, so the end of one run never frees the next.
@Suite("Job queue claims")
struct JobQueueTests {
    func withQueue(_ body: (any Database) async throws -> Void) async throws {
        let database = try await TestDatabase.make()
        let config = database.config()
        let p = try Persistence(
            url: DatabaseURL.parse(config.databaseURL)!, logger: Logger(label: "t"), postgresSearchPath: config.postgresSearchPath,
            poolSize: 1)
        do {
            try await p.migrate()
            try await body(p.db)
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
}
