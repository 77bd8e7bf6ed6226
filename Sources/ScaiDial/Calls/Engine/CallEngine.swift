import FluentKit
import Foundation
import Logging

/// The one driver of the call machine, and so the only code that changes a call or a leg: load the
/// call, run `CallMachine.handle`, write the result with compare-and-set (a lost race reads again
/// and runs the machine again, it never overwrites), then carry out the effects. What LiveKit
/// answers to an effect comes back here as the next event.
struct CallEngine: Sendable {
    let persistence: Persistence
    let settings: CallSettings
    let clock: any AppClock
    let directory: DirectoryLoader
    let effects: EffectRunner
    let jobs: JobWorker
    let metrics: MetricsRegistry
    let logger: Logger
    /// Tests only (`AppConfig.callRaceHook`): between deciding and writing.
    var raceHook: (@Sendable (_ call: UUID, _ event: CallEvent) async -> Void)?

    /// The outcome of one event: the call as it is now, and the machine's refusal of a user's action.
    struct Applied: Sendable {
        let call: Call
        let refusal: CallRefusal?
        /// The webhook delivery was applied before: nothing was done.
        var duplicate = false
        /// On `decided`: the hook door's `ringing_timeout` (see `CallMachine.ringingBudget`).
        var ringingTimeoutS: Int?
    }

    /// How often a transition is recomputed after losing a race before the event fails.
    static let maxAttempts = 20

    /// Applies `event` to call `id` (nil when there is no such call). With `announce`, the call's own
    /// users hear where it stands even when nothing changed (every webhook about a call repeats it).
    /// A webhook's `delivery` is recorded in the same transaction as the change (or alone when
    /// nothing changed): applied once, however often LiveKit delivers it.
    @discardableResult
    func apply(_ event: CallEvent, to id: UUID, announce: Bool = false, delivery: WebhookDelivery? = nil) async throws -> Applied? {
        let db = persistence.db
        for _ in 0..<Self.maxAttempts {
            guard let loaded = try await CallStore.load(id, on: db) else { return nil }
            let now = clock.now
            var facts = Directory()
            var outcome: (Call, Transition)?
            while outcome == nil {
                do {
                    outcome = try CallMachine.handle(loaded.call, event, directory: facts, settings: settings, now: now)
                } catch {
                    facts = try await directory.load(error.need, for: loaded.call, into: facts, on: db)
                }
            }
            guard let (after, transition) = outcome else { continue }
            let written = transition.effects.contains(where: \.isTransactional)
            if after != loaded.call || written {
                await raceHook?(id, event)
                let committed: Bool
                do {
                    committed = try await CallStore.commit(loaded, after, effects: transition.effects, now: now, delivery: delivery, on: db)
                } catch {
                    // The same delivery, applied meanwhile by a concurrent one: nothing more to do.
                    if (error as? any DatabaseError)?.isConstraintFailure == true, let delivery, try await delivery.seen(on: db) {
                        return Applied(call: loaded.call, refusal: nil, duplicate: true)
                    }
                    throw error
                }
                guard committed else {
                    metrics.increment("scaidial_call_write_conflicts_total", help: "Call transitions recomputed after a concurrent write")
                    continue
                }
                if transition.effects.contains(where: \.startsJob) { jobs.wake() }
            } else if let delivery, try await !delivery.recordAlone(at: now, on: db) {
                return Applied(call: loaded.call, refusal: nil, duplicate: true)
            }
            var afterCommit = transition.effects
            if announce && !afterCommit.contains(.notify) { afterCommit.append(.notify) }
            await effects.run(afterCommit, for: after)
            return Applied(call: after, refusal: transition.refusal, ringingTimeoutS: transition.ringingTimeoutS)
        }
        logger.error("call event lost to contention", metadata: ["call_id": "\(id)", "event": "\(event)"])
        throw CallEngineError.contention(id)
    }
}

enum CallEngineError: Error, CustomStringConvertible {
    case contention(UUID)
    var description: String {
        switch self {
        case .contention(let id): "call \(id) changed \(CallEngine.maxAttempts) times while one event was applied to it"
        }
    }
}

extension CallEffect {
    /// Written in the transition's transaction (timers, messages, LiveKit work).
    var isTransactional: Bool {
        switch self {
        case .schedule, .cancel, .storeMessage, .discardRecording: true
        default: LiveKitWork(self) != nil
        }
    }

    /// Leaves a job for the worker (a timer, LiveKit work).
    var startsJob: Bool {
        if case .schedule = self { return true }
        return LiveKitWork(self) != nil
    }
}
