import Foundation
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

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

    init(name: String, threads: Int, limit: Int, lowerPriority: Bool = false) {
        self.name = name
        self.lowerPriority = lowerPriority
        self.threads = max(1, threads)
        self.limit = max(1, limit)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// Work admitted and not finished yet.
    var inFlight: Int { admitted.load(ordering: .relaxed) }

    /// Whether one more piece of work would be refused now (callers check before doing other work
    /// for a request that would only be refused).
    var isFull: Bool { inFlight >= limit }

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let before = admitted.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
        defer { admitted.wrappingSubtract(1, ordering: .acquiringAndReleasing) }
        guard before < limit else { throw Busy() }
        let lower = lowerPriority
        return try await pool.runIfActive {
            // Below the threads that answer requests: on a busy machine the scheduler serves calls first.
            if lower { Self.lowerThisThread() }
            return try work()
        }
    }

    private let lowerPriority: Bool

    private static func lowerThisThread() {
        #if os(Linux)
        // Linux sets a nice value per thread; the thread's id is the last part of /proc/thread-self.
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard count > 0,
            let tid = Int32(
                String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    .split(separator: "/").last ?? "")
        else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), 10)
        #endif
    }

    /// Password hashing: half the cores (at least one), at most 16 hashes waiting per thread. A
    /// login flood queues here and nowhere else.
    static let hashing: CPUWorkPool = {
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
        return CPUWorkPool(name: "password hashing", threads: threads, limit: threads * 16, lowerPriority: true)
    }()

    /// Dialplan compilation: one thread; a plan is compiled once however many calls wait for it
    /// (`PlanCache`), so the queue is bounded by the number of plans changed at once.
    static let compiling = CPUWorkPool(name: "dialplan compilation", threads: 1, limit: .max, lowerPriority: true)
}
