import FluentKit
import Foundation
import Hummingbird

struct ExtensionDTO: ResponseEncodable, Sendable {
    let id: UUID
    let number: String
    let name: String
    let type: String
    @Nullable var targetRef: String?
    let voicemailEnabled: Bool
    let ringTimeoutS: Int
    let hasGreeting: Bool
    @Nullable var createdAt: Date?

    init(_ e: ExtensionModel) throws {
        id = try e.requireID()
        number = e.number
        name = e.name
        type = e.type
        targetRef = e.targetRef
        voicemailEnabled = e.voicemailEnabled
        ringTimeoutS = e.ringTimeoutS
        hasGreeting = e.greetingKey != nil
        createdAt = e.createdAt
    }
}

enum ExtensionType: String, Codable, CaseIterable, Sendable { case wave, bot }

/// `/v1/tenants/{t}/extensions`: what a call can ring — browser users (`wave`) or a bot.
struct ExtensionController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get("/extensions", use: list)
        admin.post("/extensions", use: create)
        admin.get("/extensions/:extension_id", use: get)
        admin.patch("/extensions/:extension_id", use: update)
        admin.delete("/extensions/:extension_id", use: delete)
    }

    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> Page<ExtensionDTO> {
        let scope = context.scope
        let page = try await ExtensionModel.scoped(scope, on: services.db).page(PageRequest(request))
        return Page(items: try page.items.map(ExtensionDTO.init), nextCursor: page.nextCursor)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> ExtensionDTO {
        let scope = context.scope
        return try ExtensionDTO(try await Self.find(context, scope, services.db))
    }

    @Sendable func create(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<ExtensionDTO> {
        let db = services.db
        let scope = context.scope
        let input = try await request.jsonObject(context: context)
        let ext = ExtensionModel()
        ext.id = .v7()
        ext.tenantID = scope.tenantID
        ext.type = ExtensionType.wave.rawValue
        ext.voicemailEnabled = true
        ext.ringTimeoutS = 30
        apply(input, to: ext, creating: true)
        try input.errors.check()
        try await ensureUniqueNumber(ext, scope)
        try await db.uniquely("an extension with this number") { try await ext.create(on: db) }
        return .init(status: .created, response: try ExtensionDTO(ext))
    }

    @Sendable func update(_ request: Request, context: TenantAdminContext) async throws -> ExtensionDTO {
        let db = services.db
        let scope = context.scope
        let ext = try await Self.find(context, scope, db)
        let input = try await request.jsonObject(context: context)
        apply(input, to: ext, creating: false)
        if ext.type == ExtensionType.bot.rawValue,
            try await ForwardRuleModel.scoped(scope, on: db).filter(\.$extensionID == ext.requireID()).count() > 0
        {
            input.fail("type", "remove this extension's forward rules before making it a bot")
        }
        try input.errors.check()
        try await ensureUniqueNumber(ext, scope)
        try await db.uniquely("an extension with this number") { try await ext.update(on: db) }
        try await services.trunkSync.routingChanged(tenant: scope.tenantID, on: db)
        return try ExtensionDTO(ext)
    }

    /// Refused while a dialplan rule or another extension's forward rule still sends calls here.
    @Sendable func delete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let scope = context.scope
        let ext = try await Self.find(context, scope, db)
        let rules = try await RuleModel.scoped(scope, on: db).filter(\.$actionExtensionID == ext.requireID()).count()
        if rules > 0 { throw Problem.conflict("\(rules) dialplan rule(s) send calls to this extension; change them first") }
        let forwards = try await ForwardRuleModel.scoped(scope, on: db)
            .filter(\.$target == ext.requireID().uuidString).filter(\.$extensionID != ext.requireID()).count()
        if forwards > 0 { throw Problem.conflict("\(forwards) forward rule(s) of other extensions point here; change them first") }
        // Its greeting and its box's recordings go with it (the rows cascade; the objects would not).
        let messages = try await VoicemailMessageModel.scoped(scope, on: db).filter(\.$extensionID == ext.requireID()).all()
        for message in messages { try await VoicemailRetention.remove(message, storage: services.storage, on: db) }
        if let greeting = ext.greetingKey { try await services.storage.delete(greeting) }
        try await ext.delete(on: db)
        return .noContent
    }

    static func find(_ context: TenantAdminContext, _ scope: TenantScope, _ db: any Database) async throws -> ExtensionModel {
        try await ExtensionModel.find(try context.id("extension_id", "extension"), in: scope, on: db, "extension")
    }

    private func apply(_ input: Input, to ext: ExtensionModel, creating: Bool) {
        if let n = input.string("number", required: creating, maxLength: 10) {
            if n.count >= 2 && n.allSatisfy(\.isASCIIDigit) {
                ext.number = n
            } else {
                input.fail("number", "must be 2 to 10 digits, e.g. 101")
            }
        }
        if let v = input.string("name", required: creating, maxLength: 100) { ext.name = v }
        if let v = input.choice("type", ExtensionType.self) { ext.type = v.rawValue }
        switch input.nullableString("target_ref", maxLength: 200) {
        case .absent: break
        case .null: ext.targetRef = nil
        case .value(let v): ext.targetRef = v
        }
        if let v = input.bool("voicemail_enabled") { ext.voicemailEnabled = v }
        if let v = input.int("ring_timeout_s", in: 5...300) { ext.ringTimeoutS = v }
        if ext.type == ExtensionType.bot.rawValue && ext.targetRef == nil {
            input.fail("target_ref", "a bot extension needs target_ref: the agent name to dispatch")
        }
        if ext.type == ExtensionType.wave.rawValue && ext.targetRef != nil {
            input.fail("target_ref", "only bot extensions have a target_ref")
        }
    }

    private func ensureUniqueNumber(_ ext: ExtensionModel, _ scope: TenantScope) async throws {
        let clash = try await ExtensionModel.scoped(scope, on: services.db).filter(\.$number == ext.number).filter(\.$id != ext.requireID())
            .count()
        if clash > 0 { throw Problem.conflict("extension \(ext.number) already exists") }
    }
}
