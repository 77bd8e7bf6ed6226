import FluentKit
import Foundation
import Hummingbird

/// `POST /v1/tenants/{t}/dialplans/{id}/reorder {"rule_ids": [...]}`: puts a dialplan's rules in a
/// new order at once.
///
/// Priorities are unique within a dialplan, so swapping two rules with PATCHes takes three writes
/// (one to a spare value) and a call routed in between sees the plan half-moved. Here the plan keeps
/// its set of priority values (10, 20, 30 stay 10, 20, 30) and hands them out in the new order, in
/// one transaction with one `rules_version` bump.
struct RuleOrderController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.post("/dialplans/:dialplan_id/reorder", use: reorder)
    }

    @Sendable func reorder(_ request: Request, context: TenantAdminContext) async throws -> DialplanDTO {
        let db = services.db
        let scope = context.scope
        let plan = try await DialplanController.find(context, scope, db)
        let input = try await request.jsonObject(context: context)
        let raw = input.stringArray("rule_ids", required: true, maxCount: 10_000)
        try input.errors.check()
        let rules = try await DialplanController.rules(of: plan, scope, db)
        let order = (raw ?? []).compactMap(UUID.init(uuidString:))
        let byID = Dictionary(try rules.map { (try $0.requireID(), $0) }, uniquingKeysWith: { a, _ in a })
        let ordered = order.compactMap { byID[$0] }
        guard order.count == raw?.count, ordered.count == rules.count, Set(order).count == order.count else {
            throw Problem.invalid("rule_ids", "must list every rule of this dialplan exactly once")
        }
        let moves = zip(ordered, rules.map(\.priority)).compactMap { rule, priority in
            rule.priority == priority ? nil : (rule, priority)
        }
        if moves.isEmpty { return try DialplanDTO(plan, rules: rules) }
        try await db.uniquely("a rule with this priority") {
            try await db.transaction { tx in
                // Out of the way first (negative priorities are never valid input), then into place.
                for (i, (rule, _)) in moves.enumerated() {
                    rule.priority = -(i + 1)
                    try await rule.update(on: tx)
                }
                for (rule, priority) in moves {
                    rule.priority = priority
                    try await rule.update(on: tx)
                }
                try await RuleController.bumpVersion(plan, on: tx)
            }
        }
        return try DialplanDTO(plan, rules: rules)
    }
}
