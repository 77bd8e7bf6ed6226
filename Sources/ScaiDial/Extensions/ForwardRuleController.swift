import Dialplan
import FluentKit
import Foundation
import Hummingbird

struct ForwardRuleDTO: ResponseEncodable, Sendable {
    let id: UUID
    let extensionId: UUID
    let trigger: String
    let targetType: String
    @Nullable var target: String?
    let enabled: Bool
    init(_ r: ForwardRuleModel) throws {
        id = try r.requireID()
        extensionId = r.extensionID
        trigger = r.trigger
        targetType = r.targetType
        target = r.target
        enabled = r.enabled
    }
}

enum ForwardTrigger: String, Codable, CaseIterable, Sendable { case always, busy, noAnswer = "no_answer", unavailable }
enum ForwardTargetType: String, Codable, CaseIterable, Sendable { case number, `extension`, voicemail }

/// `/v1/tenants/{t}/extensions/{id}/forward-rules`: what happens when a wave extension is not answered.
struct ForwardRuleController {
    let services: AppServices
    static let base = "/extensions/:extension_id/forward-rules"

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get(Self.base, use: list)
        admin.post(Self.base, use: create)
        admin.get(Self.base + "/:rule_id", use: get)
        admin.patch(Self.base + "/:rule_id", use: update)
        admin.delete(Self.base + "/:rule_id", use: delete)
    }

    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> Page<ForwardRuleDTO> {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        let page = try await ForwardRuleModel.scoped(scope, on: db).filter(\.$extensionID == ext.requireID()).page(PageRequest(request))
        return Page(items: try page.items.map(ForwardRuleDTO.init), nextCursor: page.nextCursor)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> ForwardRuleDTO {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        return try ForwardRuleDTO(try await find(context, scope, ext))
    }

    @Sendable func create(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<ForwardRuleDTO> {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        let input = try await request.jsonObject(context: context)
        let rule = ForwardRuleModel()
        rule.id = .v7()
        rule.tenantID = scope.tenantID
        rule.extensionID = try ext.requireID()
        rule.enabled = true
        try await apply(input, to: rule, ext: ext, scope: scope, creating: true)
        try await ensureOnePerTrigger(rule, scope)
        try await db.uniquely("a forward rule for this trigger") { try await rule.create(on: db) }
        try await services.trunkSync.routingChanged(tenant: scope.tenantID, on: db)
        return .init(status: .created, response: try ForwardRuleDTO(rule))
    }

    @Sendable func update(_ request: Request, context: TenantAdminContext) async throws -> ForwardRuleDTO {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        let rule = try await find(context, scope, ext)
        let input = try await request.jsonObject(context: context)
        try await apply(input, to: rule, ext: ext, scope: scope, creating: false)
        try await ensureOnePerTrigger(rule, scope)
        try await db.uniquely("a forward rule for this trigger") { try await rule.update(on: db) }
        try await services.trunkSync.routingChanged(tenant: scope.tenantID, on: db)
        return try ForwardRuleDTO(rule)
    }

    @Sendable func delete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        try await find(context, scope, ext).delete(on: db)
        try await services.trunkSync.routingChanged(tenant: scope.tenantID, on: db)
        return .noContent
    }

    private func find(_ context: TenantAdminContext, _ scope: TenantScope, _ ext: ExtensionModel) async throws -> ForwardRuleModel {
        let id = try context.id("rule_id", "forward rule")
        guard
            let rule = try await ForwardRuleModel.scoped(scope, on: services.db)
                .filter(\.$id == id).filter(\.$extensionID == ext.requireID()).first()
        else { throw Problem.notFound("forward rule") }
        return rule
    }

    private func apply(_ input: Input, to rule: ForwardRuleModel, ext: ExtensionModel, scope: TenantScope, creating: Bool) async throws {
        if ext.type != ExtensionType.wave.rawValue {
            throw Problem.invalid("extension_id", "forward rules apply to wave extensions only")
        }
        if let v = input.choice("trigger", ForwardTrigger.self, required: creating) { rule.trigger = v.rawValue }
        if let v = input.choice("target_type", ForwardTargetType.self, required: creating) {
            if v.rawValue != rule.$targetType.value, !input.has("target") { rule.target = nil }
            rule.targetType = v.rawValue
        }
        if let v = input.bool("enabled") { rule.enabled = v }
        let rawTarget: String?
        switch input.nullableString("target", maxLength: 200) {
        case .absent: rawTarget = rule.target
        case .null: rawTarget = nil
        case .value(let v): rawTarget = v
        }
        try input.errors.check()
        guard let type = ForwardTargetType(rawValue: rule.targetType) else {
            throw Problem.invalid("target_type", "is not a known target type")
        }
        rule.target = try await resolveTarget(rawTarget, type: type, ext: ext, scope: scope)
    }

    /// `number` → E.164; `extension` → another extension of the tenant; `voicemail` → a box with
    /// voicemail enabled (this extension's own when no target is given).
    private func resolveTarget(_ raw: String?, type: ForwardTargetType, ext: ExtensionModel, scope: TenantScope) async throws -> String? {
        switch type {
        case .number:
            guard let raw else { throw Problem.invalid("target", "a phone number is required") }
            guard let number = try? E164.normalize(raw, defaultCountry: scope.country) else {
                throw Problem.invalid("target", "must be a phone number (E.164, e.g. +31201234567)")
            }
            // The call leaves the platform: the tenant's outbound policy decides (and again at the dial).
            guard let tenant = try await TenantModel.find(scope.tenantID, on: services.db) else { throw Problem.notFound("tenant") }
            if let refusal = OutboundPolicy(tenant).refusal(for: number), let detail = refusal.problem.detail {
                throw Problem.invalid("target", detail)
            }
            return number
        case .extension, .voicemail:
            if type == .voicemail && raw == nil {
                if !ext.voicemailEnabled { throw Problem.invalid("target", "this extension has voicemail disabled") }
                return nil
            }
            guard let raw, let id = UUID(uuidString: raw) else { throw Problem.invalid("target", "must be an extension id") }
            guard let target = try await ExtensionModel.scoped(scope, on: services.db).filter(\.$id == id).first() else {
                throw Problem.invalid("target", "no such extension in this tenant")
            }
            if type == .extension && id == ext.id { throw Problem.invalid("target", "an extension cannot forward to itself") }
            if type == .voicemail && !target.voicemailEnabled { throw Problem.invalid("target", "that extension has voicemail disabled") }
            return id.uuidString
        }
    }

    private func ensureOnePerTrigger(_ rule: ForwardRuleModel, _ scope: TenantScope) async throws {
        let clash = try await ForwardRuleModel.scoped(scope, on: services.db).filter(\.$extensionID == rule.extensionID)
            .filter(\.$trigger == rule.trigger).filter(\.$id != rule.requireID()).count()
        if clash > 0 { throw Problem.conflict("this extension already has a \(rule.trigger) forward rule") }
    }
}
