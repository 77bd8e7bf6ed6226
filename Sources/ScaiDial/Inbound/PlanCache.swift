import Dialplan
import FluentKit
import Foundation
import Synchronization

/// Compiled dialplans for the call path, reused until the dialplan's `rules_version` (bumped in
/// the same transaction as every rule change) or the tenant's time zone changes.
final class PlanCache: Sendable {
    private struct Key: Hashable { let plan: UUID; let version: Int; let timeZone: String }
    private let plans = Mutex<[UUID: (key: Key, plan: CompiledPlan)]>([:])

    func plan(_ id: UUID, version: Int, timeZone: String, on db: any Database) async throws -> CompiledPlan {
        let key = Key(plan: id, version: version, timeZone: timeZone)
        if let cached = plans.withLock({ $0[key.plan] }), cached.key == key { return cached.plan }
        let rules = try await RuleModel.query(on: db).filter(\.$dialplanID == key.plan).all()
        let compiled = CompiledPlan(rules: rules.map { $0.toRule() }, timeZone: TimeZone(identifier: timeZone) ?? .gmt)
        plans.withLock { $0[key.plan] = (key, compiled) }
        return compiled
    }
}
