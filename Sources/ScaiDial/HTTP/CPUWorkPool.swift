import Foundation
import NIOPosix
import Synchronization

/// A few threads of its own for CPU-heavy work (bcrypt, compiling a large dialplan), so that work
/// never runs on the threads the database driver uses (SQLite runs every statement on
/// `NIOThreadPool.singleton`) nor on Swift's cooperative threads that serve every request.
///
/// `limit` bounds the work admitted at once (running and queued); past it `run` throws `Busy`
/// at once instead of queueing without end.
final class CPUWorkPool: Sendable {
    struct Busy: Error {}

    let name: String
    let threads: Int
    let limit: Int
    private let pool: NIOThreadPool
    private let admitted = Atomic<Int>(0)

    init(name: String, threads: Int, limit: Int) {
        self.name = name
        self.threads = max(1, threads)
        self.limit = max(1, limit)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// Work admitted and not finished yet.
    var inFlight: Int { admitted.load(ordering: .relaxed) }

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let before = admitted.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
        defer { admitted.wrappingSubtract(1, ordering: .acquiringAndReleasing) }
        guard before < limit else { throw Busy() }
        return try await pool.runIfActive(work)
    }

    /// Password hashing: half the cores (at least one), at most 16 hashes waiting per thread. A
    /// login flood queues here and nowhere else.
    static let hashing: CPUWorkPool = {
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
        return CPUWorkPool(name: "password hashing", threads: threads, limit: threads * 16)
    }()

    /// Dialplan compilation: one thread; a plan is compiled once however many calls wait for it
    /// (`PlanCache`), so the queue is bounded by the number of plans changed at once.
    static let compiling = CPUWorkPool(name: "dialplan compilation", threads: 1, limit: .max)
}
