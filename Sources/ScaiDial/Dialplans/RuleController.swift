import FluentKit
import Foundation
import Hummingbird
import SQLKit

/// `/v1/tenants/{t}/dialplans/{id}/rules`: one rule at a time; priorities are unique per dialplan.
struct RuleController {
    let services: AppServices
    static let base = "/dialplans/:dialplan_id/rules"

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get(Self.base, use: list)
        admin.post(Self.base, use: create)
        admin.get(Self.base + "/:rule_id", use: get)
        admin.patch(Self.base + "/:rule_id", use: update)
        admin.delete(Self.base + "/:rule_id", use: delete)
    }

    /// Rules in evaluation order (priority), all of them: a dialplan is read whole.
    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> RuleList {
        let db = services.db
        let scope = context.scope
        let plan = try await DialplanController.find(context, scope, db)
        return RuleList(items: try await DialplanController.rules(of: plan, scope, db).map(RuleDTO.init), nextCursor: nil)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> RuleDTO {
        let db = services.db
        let scope = context.scope
        let plan = try await DialplanController.find(context, scope, db)
        return try RuleDTO(try await find(context, scope, plan))
    }

    @Sendable func create(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<RuleDTO> {
        let db = services.db
        let scope = context.scope
        let plan = try await DialplanController.find(context, scope, db)
        let input = try await request.jsonObject(context: context)
        let rule = try RuleModel.new(in: plan)
        try await RuleWriter(scope: scope, db: db).apply(input, to: rule, creating: true)
        try input.errors.check()
        try await ensureUniquePriority(rule, scope)
        try await db.uniquely("a rule with this priority") {
            try await db.transaction { tx in
                try await rule.create(on: tx)
                try await Self.bumpVersion(plan, on: tx)
            }
        }
        try await services.trunkSync.routingChanged(tenant: scope.tenantID, on: db)
        return .init(status: .created, response: try RuleDTO(rule))
    }

    @Sendable func update(_ request: Request, context: TenantAdminContext) async throws -> RuleDTO {
        let db = services.db
        let scope = context.scope
        let plan = try await DialplanController.find(context, scope, db)
        let rule = try await find(context, scope, plan)
        let input = try await request.jsonObject(context: context)
        try await RuleWriter(scope: scope, db: db).apply(input, to: rule, creating: false)
        try input.errors.check()
        try await ensureUniquePriority(rule, scope)
        try await db.uniquely("a rule with this priority") {
            try await db.transaction { tx in
                try await rule.update(on: tx)
                try await Self.bumpVersion(plan, on: tx)
            }
        }
        try await services.trunkSync.routingChanged(tenant: scope.tenantID, on: db)
        return try RuleDTO(rule)
    }

    @Sendable func delete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let scope = context.scope
        let plan = try await DialplanController.find(context, scope, db)
        let rule = try await find(context, scope, plan)
        try await db.transaction { tx in
            try await rule.delete(on: tx)
            try await Self.bumpVersion(plan, on: tx)
        }
        try await services.trunkSync.routingChanged(tenant: scope.tenantID, on: db)
        return .noContent
    }

    /// Marks cached compiled plans of this dialplan stale.
    static func bumpVersion(_ plan: DialplanModel, on db: any Database) async throws {
        try await DialplanModel.bumpRulesVersion(on: db) { $0.where("id", .equal, try plan.requireID()) }
    }

    private func find(_ context: TenantAdminContext, _ scope: TenantScope, _ plan: DialplanModel) async throws -> RuleModel {
        let id = try context.id("rule_id", "rule")
        guard
            let rule = try await RuleModel.scoped(scope, on: services.db).filter(\.$id == id).filter(\.$dialplanID == plan.requireID())
                .first()
        else { throw Problem.notFound("rule") }
        return rule
    }

    private func ensureUniquePriority(_ rule: RuleModel, _ scope: TenantScope) async throws {
        let clash = try await RuleModel.scoped(scope, on: services.db).filter(\.$dialplanID == rule.dialplanID)
            .filter(\.$priority == rule.priority).filter(\.$id != rule.requireID()).count()
        if clash > 0 { throw Problem.conflict("another rule of this dialplan has priority \(rule.priority)") }
    }
}
