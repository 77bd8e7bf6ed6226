import Foundation
import Synchronization

/// Wall-clock time and waiting on it, behind one small interface: everything time-driven in a call
/// (ring timeouts, the rejoin grace, the voicemail limit, the sweeper, job leases and retries)
/// reads `now` here and sleeps here, so tests move time instead of waiting for it.
public protocol AppClock: Sendable {
    var now: Date { get }
    /// Suspends until `deadline` has come on this clock; throws `CancellationError` when cancelled.
    func sleep(until deadline: Date) async throws
}

extension AppClock {
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.addingTimeInterval(duration.timeInterval))
    }
}

/// The real clock.
public struct SystemClock: AppClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) } else { try Task.checkCancellation() }
    }
}

/// A clock that stands still until `advance` moves it: sleepers whose deadline has come are
/// resumed in deadline order. For tests.
public final class ManualClock: AppClock {
    private struct Sleeper {
        let deadline: Date
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now: Date
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
    }
    private let state: Mutex<State>

    public init(now: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        state = Mutex(State(now: now))
    }

    public var now: Date { state.withLock { $0.now } }

    /// How many tasks are waiting on this clock (tests wait for a sleeper before advancing).
    public var sleepers: Int { state.withLock { $0.sleepers.count } }

    public func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { s in
            s.now = s.now.addingTimeInterval(duration.timeInterval)
            let now = s.now
            let due = s.sleepers.filter { $0.deadline <= now }.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func sleep(until deadline: Date) async throws {
        let id: UInt64 = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { s in
                    guard deadline > s.now, !Task.isCancelled else { return true }
                    s.sleepers.append(Sleeper(deadline: deadline, id: id, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { s -> Sleeper? in
                guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}

extension Duration {
    /// Seconds as a `TimeInterval` (attoseconds included).
    var timeInterval: TimeInterval {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
