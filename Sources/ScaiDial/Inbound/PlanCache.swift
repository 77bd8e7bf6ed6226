import Dialplan
import FluentKit
import Foundation
import Synchronization

/// Compiled dialplans for the call path, reused until the dialplan's `rules_version` (bumped in
/// the same transaction as every rule change) or the tenant's time zone changes.
///
/// A plan is compiled once however many calls ask for it at the same time (they wait for the same
/// work), and the compiling runs on `CPUWorkPool.compiling`, never on the threads that serve
/// requests: a 10,000-rule plan takes a good part of a second, and no other tenant's call waits
/// for it. The call path does not wait inside a batch either (`InboundDispatcher` asks `cached`
/// there, and has a call whose plan is not ready wait outside the batch).
final class PlanCache: Sendable {
    struct Key: Hashable, Sendable {
        let plan: UUID
        let version: Int
        let timeZone: String
    }

    private enum Entry {
        case ready(Key, CompiledPlan)
        case compiling(Key, Task<CompiledPlan, any Error>)
    }

    private let plans = Mutex<[UUID: Entry]>([:])
    private let pool: CPUWorkPool
    private let compilations = Atomic<Int>(0)

    init(pool: CPUWorkPool = .compiling) {
        self.pool = pool
    }

    /// How many times a plan was compiled (tests: concurrent first calls compile once).
    var compiled: Int { compilations.load(ordering: .relaxed) }

    /// The compiled plan when it is ready at this version; else nil, and its compiling starts.
    func cached(_ key: Key, on db: any Database) -> CompiledPlan? {
        switch entry(key, on: db) {
        case .ready(let plan): plan
        case .compiling: nil
        }
    }

    /// The compiled plan, compiling it (once) if needed.
    func plan(_ key: Key, on db: any Database) async throws -> CompiledPlan {
        switch entry(key, on: db) {
        case .ready(let plan): return plan
        case .compiling(let task): return try await task.value
        }
    }

    private enum Lookup {
        case ready(CompiledPlan)
        case compiling(Task<CompiledPlan, any Error>)
    }

    private func entry(_ key: Key, on db: any Database) -> Lookup {
        plans.withLock { plans in
            switch plans[key.plan] {
            case .ready(let k, let plan) where k == key:
                return .ready(plan)
            case .compiling(let k, let task) where k == key:
                return .compiling(task)
            default:
                let task = Task { try await self.compile(key, on: db) }
                plans[key.plan] = .compiling(key, task)
                return .compiling(task)
            }
        }
    }

    private func compile(_ key: Key, on db: any Database) async throws -> CompiledPlan {
        do {
            let rows = try await RuleModel.query(on: db).filter(\.$dialplanID == key.plan).all()
            let schedules =
                try await rows.first.asyncMap { try await ScheduleStore.referenced(by: rows, tenant: $0.tenantID, on: db) } ?? [:]
            let timeZone = TimeZone(identifier: key.timeZone) ?? .gmt
            let plan = try await pool.run { CompiledPlan(rules: rows.map { $0.toRule(schedules: schedules) }, timeZone: timeZone) }
            compilations.add(1, ordering: .relaxed)
            plans.withLock { plans in
                // A newer version may have started meanwhile; it stays.
                if case .compiling(let k, _) = plans[key.plan], k == key { plans[key.plan] = .ready(key, plan) }
            }
            return plan
        } catch {
            plans.withLock { plans in
                if case .compiling(let k, _) = plans[key.plan], k == key { plans[key.plan] = nil }
            }
            throw error
        }
    }
}
