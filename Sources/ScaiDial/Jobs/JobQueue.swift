import FluentKit
import Foundation
import SQLKit

/// Durable jobs and timers in the `jobs` table: they survive restarts, and a lease makes sure
/// only one worker (of possibly several replicas) runs a job at a time.
struct JobQueue: Sendable {
    struct Claimed: Sendable {
        let id: UUID
        let kind: String
        let payload: String
        let attempts: Int
        let generation: Int
        /// This claim's lock (`locked_by`): the worker's name and a token of its own, so a run that
        /// ends late never releases or reschedules a later claim of the same job by the same worker.
        let lock: String
    }

    /// Schedules `kind` with `payload` at `runAt`. With a `dedupeKey`, an existing job of that key is
    /// rescheduled instead (so "sync trunk X" is queued once however often the trunk changes).
    static func enqueue(
        _ kind: String, payload: some Encodable, dedupeKey: String?, tenantID: UUID? = nil, runAt: Date,
        on db: any Database
    ) async throws {
        let text = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        if let dedupeKey, let existing = try await JobModel.query(on: db).filter(\.$dedupeKey == dedupeKey).first() {
            existing.payload = text
            existing.runAt = runAt
            existing.state = "pending"
            existing.attempts = 0
            existing.generation += 1
            existing.lastError = nil
            try await existing.update(on: db)
            return
        }
        let job = JobModel()
        job.id = .v7()
        job.kind = kind
        job.tenantID = tenantID
        job.dedupeKey = dedupeKey
        job.payload = text
        job.state = "pending"
        job.runAt = runAt
        job.attempts = 0
        job.generation = 0
        try await job.create(on: db)
    }

    /// Claims up to `limit` due jobs for `worker` for `lease`; a job whose lease ran out (its worker
    /// died) is claimable again.
    static func claimDue(worker: String, lease: TimeInterval, limit: Int, now: Date, on db: any Database) async throws -> [Claimed] {
        let due = try await JobModel.query(on: db)
            .filter(\.$state == "pending").filter(\.$runAt <= now)
            .group(.or) { $0.filter(\.$lockedUntil == nil).filter(\.$lockedUntil < now) }
            .sort(\.$runAt).limit(limit).all()
        var claimed: [Claimed] = []
        let sql = try db.sql()
        for job in due {
            let lock = "\(worker)/\(UUID().uuidString.prefix(8))"
            // Conditional update: only one worker's UPDATE matches while the lease is free.
            let rows = try await sql.update(JobModel.schema)
                .set("locked_by", to: lock)
                .set("locked_until", to: now.addingTimeInterval(lease))
                // A lease that ran out means the run holding it died (a crash, a restart): that run
                // counts as an attempt, so a handler knows it may have been half done.
                .set(SQLIdentifier("attempts"), to: SQLRaw("CASE WHEN locked_by IS NULL THEN attempts ELSE attempts + 1 END"))
                .where("id", .equal, try job.requireID())
                .where("state", .equal, "pending")
                .where { $0.where("locked_until", .is, SQLLiteral.null).orWhere("locked_until", .lessThan, now) }
                .returning("id")
                .all()
            if !rows.isEmpty {
                claimed.append(
                    Claimed(
                        id: try job.requireID(), kind: job.kind, payload: job.payload,
                        attempts: job.attempts + (job.lockedBy == nil ? 0 : 1), generation: job.generation,
                        lock: lock))
            }
        }
        return claimed
    }

    /// A finished job disappears (its dedupe key is free again) unless it was rescheduled meanwhile.
    static func complete(_ job: Claimed, on db: any Database) async throws {
        try await JobModel.query(on: db).filter(\.$id == job.id).filter(\.$generation == job.generation).delete()
        // Rescheduled while running (new payload or reset attempts): release the lease so it runs again.
        try await JobModel.query(on: db).filter(\.$id == job.id).filter(\.$lockedBy == job.lock)
            .set(\.$lockedBy, to: nil).set(\.$lockedUntil, to: nil).update()
    }

    /// A failed attempt: try again at `retryAt`, remembering the error. (A job rescheduled while it
    /// ran keeps its new schedule; only the lease is released.)
    static func retry(_ job: Claimed, at retryAt: Date, error: String, on db: any Database) async throws {
        try await JobModel.query(on: db).filter(\.$id == job.id).filter(\.$lockedBy == job.lock)
            .filter(\.$generation == job.generation)
            .set(\.$attempts, to: job.attempts + 1).set(\.$runAt, to: retryAt).set(\.$lastError, to: String(error.prefix(1000)))
            .set(\.$lockedBy, to: nil).set(\.$lockedUntil, to: nil).update()
        try await JobModel.query(on: db).filter(\.$id == job.id).filter(\.$lockedBy == job.lock)
            .set(\.$lockedBy, to: nil).set(\.$lockedUntil, to: nil).update()
    }
}

extension JobQueue {
    /// The claim goes on: the lease is pushed to `until` (only while this claim holds it).
    static func renew(_ job: Claimed, until: Date, on db: any Database) async throws {
        try await JobModel.query(on: db).filter(\.$id == job.id).filter(\.$lockedBy == job.lock)
            .set(\.$lockedUntil, to: until).update()
    }

    /// Every attempt failed: the job stays, `failed`, with its last error, and is not claimed again
    /// (queuing its work anew — a dedupe key's enqueue — makes it pending once more).
    static func giveUp(_ job: Claimed, error: String, on db: any Database) async throws {
        try await JobModel.query(on: db).filter(\.$id == job.id).filter(\.$lockedBy == job.lock)
            .filter(\.$generation == job.generation)
            .set(\.$state, to: "failed").set(\.$attempts, to: job.attempts + 1).set(\.$lastError, to: String(error.prefix(1000)))
            .set(\.$lockedBy, to: nil).set(\.$lockedUntil, to: nil).update()
        try await JobModel.query(on: db).filter(\.$id == job.id).filter(\.$lockedBy == job.lock)
            .set(\.$lockedBy, to: nil).set(\.$lockedUntil, to: nil).update()
    }
}

/// Exponential backoff with jitter: base · 2^attempt, capped, ±20 %.
struct Backoff: Sendable {
    var base: TimeInterval = 5
    var cap: TimeInterval = 300

    func delay(afterAttempt attempt: Int) -> TimeInterval {
        let raw = min(cap, base * pow(2, Double(min(attempt, 20))))
        return raw * Double.random(in: 0.8...1.2)
    }
}
