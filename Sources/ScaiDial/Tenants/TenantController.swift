import Dialplan
import FluentKit
import Foundation
import Hummingbird

/// `/v1/tenants`: platform admins manage all tenants; a tenant admin sees and edits its own.
struct TenantController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.signedIn().get("/v1/tenants", use: list)
        let platform = router.platformAdmin()
        platform.post("/v1/tenants", use: create)
        platform.delete("/v1/tenants/:tenant_id", use: delete)
        let admin = router.tenantAdmin(services.db)
        admin.get("", use: get)
        admin.patch("", use: update)
    }

    @Sendable func list(_ request: Request, context: SignedInContext) async throws -> Page<TenantDTO> {
        let identity = context.identity
        let page = try PageRequest(request)
        var query = TenantModel.query(on: services.db)
        switch identity.role {
        case .platformAdmin: break
        case .tenantAdmin:
            guard let tenantID = identity.tenantID else { throw Problem.forbidden("this account belongs to no tenant") }
            query = query.filter(\.$id == tenantID)
        case .user: throw Problem.forbidden("this needs the tenant_admin role")
        }
        let result = try await query.page(page)
        return Page(items: try result.items.map(TenantDTO.init), nextCursor: result.nextCursor)
    }

    @Sendable func create(_ request: Request, context: PlatformAdminContext) async throws -> EditedResponse<TenantDTO> {
        let input = try await request.jsonObject(context: context)
        let tenant = TenantModel.new()
        tenant.apply(input, creating: true)
        try input.errors.check()
        let db = services.db
        try await ensureUniqueName(tenant, on: db)
        try await db.uniquely("a tenant with this name") { try await tenant.create(on: db) }
        return .init(status: .created, response: try TenantDTO(tenant))
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> TenantDTO {
        let scope = context.scope
        guard let tenant = try await TenantModel.find(scope.tenantID, on: services.db) else { throw Problem.notFound("tenant") }
        return try TenantDTO(tenant)
    }

    @Sendable func update(_ request: Request, context: TenantAdminContext) async throws -> TenantDTO {
        let db = services.db
        let scope = context.scope
        let input = try await request.jsonObject(context: context)
        guard let tenant = try await TenantModel.find(scope.tenantID, on: db) else { throw Problem.notFound("tenant") }
        let platformBefore = tenant.platformPolicy
        tenant.apply(input, creating: false)
        try input.errors.check()
        if context.identity.role != .platformAdmin {
            // Limits and where calls may go are the platform's (its carriers' bill, toll fraud):
            // a tenant admin reads them and may send them back unchanged, never change them.
            let changed = TenantModel.PlatformPolicy.fields.filter { platformBefore[$0] != tenant.platformPolicy[$0] }
            if !changed.isEmpty {
                throw Problem(
                    .forbidden, "only the platform operator sets " + changed.map { "policy.\($0)" }.joined(separator: ", "),
                    errors: changed.map { Dialplan.FieldError(field: "policy.\($0)", message: "is set by the platform operator") }
                ).coded("platform_policy")
            }
        }
        try await ensureUniqueName(tenant, on: db)
        try await db.uniquely("a tenant with this name") { try await tenant.update(on: db) }
        try await services.trunkSync.routingChanged(tenant: scope.tenantID, on: db)
        return try TenantDTO(tenant)
    }

    /// Removes the tenant and everything it owns (users, trunks, numbers, plans, call records), its
    /// trunks' objects at LiveKit (queued), and its recordings and greetings from the storage: the
    /// rows cascade, the stored objects would
    /// not. Objects go first, each message's recording before its row, so a storage failure leaves a
    /// tenant that can be deleted again, never rows pointing at nothing or objects nobody owns.
    @Sendable func delete(_ request: Request, context: PlatformAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let id = try context.id("tenant_id", "tenant")
        guard let tenant = try await TenantModel.find(id, on: db) else { throw Problem.notFound("tenant") }
        do {
            for message in try await VoicemailMessageModel.query(on: db).filter(\.$tenantID == id).all() {
                try await VoicemailRetention.remove(message, storage: services.storage, on: db)
            }
            for ext in try await ExtensionModel.query(on: db).filter(\.$tenantID == id).filter(\.$greetingKey != nil).all() {
                if let key = ext.greetingKey { try await services.storage.delete(key) }
                ext.greetingKey = nil
                try await ext.update(on: db)
            }
        } catch {
            if error is any DatabaseError { throw error }
            services.logger.error("tenant delete stopped: the storage refused", metadata: ["tenant_id": "\(id)", "error": "\(error)"])
            throw Problem(
                .badGateway, "the storage refused to delete the tenant's recordings (\(error)); the tenant is still there, try again")
        }
        let users = try await UserModel.query(on: db).filter(\.$tenantID == id).all().compactMap(\.id)
        try await db.transaction { tx in
            // Its trunks' LiveKit objects (inbound and outbound trunks, dispatch rules) are removed by
            // queued jobs that outlive the rows (they carry no tenant, so they do not cascade away), as
            // when one trunk is deleted: a carrier's calls to its numbers no longer reach LiveKit.
            for trunk in try await TrunkModel.query(on: tx).filter(\.$tenantID == id).all() {
                try await services.trunkSync.deleted(trunk, on: tx)
            }
            // DIDs reference trunks and dialplans without cascading; clear them first.
            try await DIDModel.query(on: tx).filter(\.$tenantID == id).delete()
            try await tenant.delete(on: tx)
        }
        services.trunkSync.kick()
        for user in users { services.hub.revoke(user: user, token: nil, reason: "account_deleted") }
        return .noContent
    }

    private func ensureUniqueName(_ tenant: TenantModel, on db: any Database) async throws {
        let clash = try await TenantModel.query(on: db).filter(\.$name == tenant.name).filter(\.$id != tenant.requireID()).count()
        if clash > 0 { throw Problem.conflict("a tenant named \"\(tenant.name)\" already exists") }
    }
}
