import FluentKit
import Foundation
import Hummingbird

/// `/v1/tenants/{t}/dialplans`: ordered rule lists that decide where inbound calls go.
struct DialplanController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get("/dialplans", use: list)
        admin.post("/dialplans", use: create)
        admin.get("/dialplans/:dialplan_id", use: get)
        admin.patch("/dialplans/:dialplan_id", use: update)
        admin.delete("/dialplans/:dialplan_id", use: delete)
    }

    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> Page<DialplanDTO> {
        let db = services.db
        let scope = context.scope
        let page = try await DialplanModel.scoped(scope, on: db).page(PageRequest(request))
        let ids = page.items.compactMap(\.id)
        let rules = ids.isEmpty ? [] : try await RuleModel.scoped(scope, on: db).filter(\.$dialplanID ~~ ids).all()
        let byPlan = Dictionary(grouping: rules, by: \.dialplanID)
        return Page(items: try page.items.map { try DialplanDTO($0, rules: byPlan[try $0.requireID()] ?? []) }, nextCursor: page.nextCursor)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> DialplanDTO {
        let db = services.db
        let scope = context.scope
        let plan = try await Self.find(context, scope, db)
        return try DialplanDTO(plan, rules: try await Self.rules(of: plan, scope, db))
    }

    /// A dialplan may be created with its rules; all of them are validated before anything is written.
    @Sendable func create(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<DialplanDTO> {
        let db = services.db
        let scope = context.scope
        let input = try await request.jsonObject(context: context)
        let plan = DialplanModel()
        plan.id = .v7()
        plan.tenantID = scope.tenantID
        plan.rulesVersion = 0
        if let name = input.string("name", required: true, maxLength: 100) { plan.name = name }
        var rules: [RuleModel] = []
        let writer = RuleWriter(scope: scope, db: db)
        for ruleInput in input.array("rules") ?? [] {
            let rule = try RuleModel.new(in: plan)
            try await writer.apply(ruleInput, to: rule, creating: true)
            rules.append(rule)
        }
        try input.errors.check()
        let priorities = rules.map(\.priority)
        if Set(priorities).count != priorities.count { throw Problem.conflict("two rules have the same priority") }
        try await ensureUniqueName(plan, scope)
        let newRules = rules
        let now = services.config.clock.now
        try await db.uniquely("a dialplan with this name") {
            try await db.transaction { tx in
                try await plan.create(on: tx)
                // Many rows per INSERT (a plan may be saved with 10,000 rules); 500 rows of the
                // rule's columns stay far below SQLite's and PostgreSQL's limits on bound values.
                for start in stride(from: 0, to: newRules.count, by: 500) {
                    try await RuleModel.insertAll(newRules[start..<min(start + 500, newRules.count)], now: now, on: tx)
                }
            }
        }
        return .init(status: .created, response: try DialplanDTO(plan, rules: rules))
    }

    @Sendable func update(_ request: Request, context: TenantAdminContext) async throws -> DialplanDTO {
        let db = services.db
        let scope = context.scope
        let plan = try await Self.find(context, scope, db)
        let input = try await request.jsonObject(context: context)
        if let name = input.string("name", maxLength: 100) { plan.name = name }
        if input.has("rules") { input.fail("rules", "change rules through /rules") }
        try input.errors.check()
        try await ensureUniqueName(plan, scope)
        try await db.uniquely("a dialplan with this name") { try await plan.update(on: db) }
        return try DialplanDTO(plan, rules: try await Self.rules(of: plan, scope, db))
    }

    /// Refused while numbers follow this dialplan: they would silently stop routing.
    @Sendable func delete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let scope = context.scope
        let plan = try await Self.find(context, scope, db)
        let dids = try await DIDModel.scoped(scope, on: db).filter(\.$dialplanID == plan.requireID()).count()
        if dids > 0 { throw Problem.conflict("\(dids) number(s) follow this dialplan; point them elsewhere first") }
        try await plan.delete(on: db)
        return .noContent
    }

    static func find(_ context: TenantAdminContext, _ scope: TenantScope, _ db: any Database) async throws -> DialplanModel {
        try await DialplanModel.find(try context.id("dialplan_id", "dialplan"), in: scope, on: db, "dialplan")
    }

    static func rules(of plan: DialplanModel, _ scope: TenantScope, _ db: any Database) async throws -> [RuleModel] {
        try await RuleModel.scoped(scope, on: db).filter(\.$dialplanID == plan.requireID()).sort(\.$priority).all()
    }

    private func ensureUniqueName(_ plan: DialplanModel, _ scope: TenantScope) async throws {
        let clash = try await DialplanModel.scoped(scope, on: services.db).filter(\.$name == plan.name).filter(\.$id != plan.requireID())
            .count()
        if clash > 0 { throw Problem.conflict("a dialplan named \"\(plan.name)\" already exists") }
    }
}

extension RuleModel {
    static func new(in plan: DialplanModel) throws -> RuleModel {
        let r = RuleModel()
        r.id = .v7()
        r.tenantID = plan.tenantID
        r.dialplanID = try plan.requireID()
        r.enabled = true
        return r
    }
}
