import AsyncAlgorithms
import FluentKit
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// What a kind of job does. Throwing schedules a retry with backoff.
protocol JobHandler: Sendable {
    var kind: String { get }
    /// Runs at most this many times; a job that failed them all is left `failed` (logged with its
    /// id, counted in `scaidial_jobs_failed_total`), until something queues its work again.
    var maxAttempts: Int { get }
    /// `attempt` counts earlier failed attempts (0 on the first run); `retryAt` is when a failure will be retried.
    func run(payload: String, attempt: Int, retryAt: Date) async throws
}

extension JobHandler {
    /// With the default backoff (5 s doubling, capped at 5 minutes) 30 attempts last about two hours.
    var maxAttempts: Int { 30 }
}

/// Runs due jobs: polls the `jobs` table every `interval`, or at once when woken.
final class JobWorker: Service, Sendable {
    let persistence: Persistence
    private let handlers: Mutex<[String: any JobHandler]>
    let backoff: Backoff
    let logger: Logger
    let interval: Duration
    /// Decides when a job is due and when a failed one runs again.
    let clock: any AppClock
    let name = "worker-\(UUID().uuidString.prefix(8))"
    /// How long a claim holds a job; a running job renews it every third of that, so a long run
    /// (a transcription) is never taken for a dead one and run twice.
    static let lease: TimeInterval = 120
    let metrics: MetricsRegistry?
    private let wakes: Bool
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation

    init(
        persistence: Persistence, handlers: [any JobHandler], backoff: Backoff, logger: Logger, interval: Duration = .seconds(1),
        clock: any AppClock = SystemClock(), wakes: Bool = true, metrics: MetricsRegistry? = nil
    ) {
        self.clock = clock
        self.metrics = metrics
        self.wakes = wakes
        self.persistence = persistence
        self.handlers = Mutex(Dictionary(uniqueKeysWithValues: handlers.map { ($0.kind, $0) }))
        self.backoff = backoff
        self.logger = logger
        self.interval = interval
        (wakeups, wakeup) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds the handler of a kind of job (before the worker runs).
    func register(_ handler: any JobHandler) {
        handlers.withLock { $0[handler.kind] = handler }
    }

    /// Run due jobs now instead of at the next poll.
    func wake() { if wakes { wakeup.yield() } }

    /// Polls for due jobs and runs each in its own task, so a slow job (LiveKit timing out) never
    /// holds up the others — a ring timeout must fire on time. On graceful shutdown it stops
    /// claiming and waits for the jobs in flight.
    func run() async throws {
        let ticks = AsyncTimerSequence(interval: interval, clock: .continuous).map { _ in () }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await _ in merge(ticks, wakeups).cancelOnGracefulShutdown() {
                    for job in await claimDue() {
                        group.addTask { await self.execute(job, on: self.persistence.db) }
                    }
                }
            }
        } onGracefulShutdown: { [wakeup] in
            wakeup.finish()
        }
    }

    /// Runs every job due now on this clock, in this task, until none is left (jobs another worker
    /// holds are waited for). For tests that move a `ManualClock` and want its timers to have fired.
    func runDue() async throws {
        for _ in 0..<1000 {
            let claimed = try await JobQueue.claimDue(worker: name, lease: Self.lease, limit: 20, now: clock.now, on: persistence.db)
            for job in claimed { await execute(job, on: persistence.db) }
            if !claimed.isEmpty { continue }
            let busy = try await JobModel.query(on: persistence.db).filter(\.$state == "pending").filter(\.$runAt <= clock.now)
                .filter(\.$lockedUntil > clock.now).count()
            guard busy > 0 else { return }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Claims what is due (nothing once the database is closed).
    private func claimDue() async -> [JobQueue.Claimed] {
        guard persistence.isOpen else { return [] }
        do {
            return try await JobQueue.claimDue(worker: name, lease: Self.lease, limit: 20, now: clock.now, on: persistence.db)
        } catch {
            logger.warning("job poll failed", metadata: ["error": "\(String(reflecting: error))"])
            return []
        }
    }

    private func execute(_ job: JobQueue.Claimed, on db: any Database) async {
        guard let handler = handlers.withLock({ $0[job.kind] }) else {
            logger.error("no handler for job kind", metadata: ["kind": "\(job.kind)", "job_id": "\(job.id)"])
            await failed(job, maxAttempts: 5, error: "no handler for this kind of job", on: db)
            return
        }
        let retryAt = clock.now.addingTimeInterval(backoff.delay(afterAttempt: job.attempts))
        do {
            try await renewingLease(job, on: db) {
                try await handler.run(payload: job.payload, attempt: job.attempts, retryAt: retryAt)
            }
            try await JobQueue.complete(job, on: db)
        } catch {
            await failed(job, maxAttempts: handler.maxAttempts, error: "\(error)", retryAt: retryAt, on: db)
        }
    }

    /// Another attempt later, or — the last attempt spent — the terminal `failed` state.
    private func failed(_ job: JobQueue.Claimed, maxAttempts: Int, error: String, retryAt: Date? = nil, on db: any Database) async {
        guard job.attempts + 1 >= maxAttempts else {
            logger.info(
                "job failed; will retry",
                metadata: ["kind": "\(job.kind)", "job_id": "\(job.id)", "attempt": "\(job.attempts + 1)", "error": "\(error)"])
            try? await JobQueue.retry(job, at: retryAt ?? clock.now.addingTimeInterval(backoff.cap), error: error, on: db)
            return
        }
        logger.error(
            "job failed for good: its attempts are spent",
            metadata: ["kind": "\(job.kind)", "job_id": "\(job.id)", "attempts": "\(job.attempts + 1)", "error": "\(error)"])
        metrics?.increment(
            "scaidial_jobs_failed_total", help: "Jobs that failed every attempt and were given up (state failed)",
            labels: [("kind", job.kind)])
        try? await JobQueue.giveUp(job, error: error, on: db)
    }

    /// Runs `work` while renewing the job's lease every third of it.
    private func renewingLease(
        _ job: JobQueue.Claimed, on db: any Database, _ work: @escaping @Sendable () async throws -> Void
    )
        async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await work() }
            group.addTask { [clock] in
                while true {
                    try await clock.sleep(for: .seconds(Int64(Self.lease / 3)))
                    try? await JobQueue.renew(job, until: clock.now.addingTimeInterval(Self.lease), on: db)
                }
            }
            // The work's own end (or error) decides; the renewal stops with it.
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
