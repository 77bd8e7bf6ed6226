import AsyncAlgorithms
import FluentKit
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// What a kind of job does. Throwing schedules a retry with backoff.
protocol JobHandler: Sendable {
    var kind: String { get }
    /// `attempt` counts earlier failed attempts (0 on the first run); `retryAt` is when a failure will be retried.
    func run(payload: String, attempt: Int, retryAt: Date) async throws
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
    private let wakes: Bool
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation

    init(
        persistence: Persistence, handlers: [any JobHandler], backoff: Backoff, logger: Logger, interval: Duration = .seconds(1),
        clock: any AppClock = SystemClock(), wakes: Bool = true
    ) {
        self.clock = clock
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
            let claimed = try await JobQueue.claimDue(worker: name, lease: 120, limit: 20, now: clock.now, on: persistence.db)
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
            return try await JobQueue.claimDue(worker: name, lease: 120, limit: 20, now: clock.now, on: persistence.db)
        } catch {
            logger.warning("job poll failed", metadata: ["error": "\(String(reflecting: error))"])
            return []
        }
    }

    private func execute(_ job: JobQueue.Claimed, on db: any Database) async {
        guard let handler = handlers.withLock({ $0[job.kind] }) else {
            logger.error("no handler for job kind", metadata: ["kind": "\(job.kind)"])
            try? await JobQueue.retry(job, at: clock.now.addingTimeInterval(backoff.cap), error: "no handler", on: db)
            return
        }
        let retryAt = clock.now.addingTimeInterval(backoff.delay(afterAttempt: job.attempts))
        do {
            try await handler.run(payload: job.payload, attempt: job.attempts, retryAt: retryAt)
            try await JobQueue.complete(job, on: db)
        } catch {
            logger.info("job failed; will retry", metadata: ["kind": "\(job.kind)", "attempt": "\(job.attempts + 1)", "error": "\(error)"])
            try? await JobQueue.retry(job, at: retryAt, error: "\(error)", on: db)
        }
    }
}
