import FluentKit
import Foundation
import Hummingbird

struct GrantDTO: ResponseEncodable, Sendable {
    let extensionId: UUID
    let userId: UUID
    @Nullable var createdAt: Date?
    init(_ g: GrantModel) {
        extensionId = g.extensionID
        userId = g.userID
        createdAt = g.createdAt
    }
}

/// `/v1/tenants/{t}/extensions/{id}/grants`: who may answer and call from an extension.
struct GrantController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get("/extensions/:extension_id/grants", use: list)
        admin.post("/extensions/:extension_id/grants", use: create)
        admin.delete("/extensions/:extension_id/grants/:user_id", use: delete)
    }

    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> Page<GrantDTO> {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        let page = try await GrantModel.scoped(scope, on: db).filter(\.$extensionID == ext.requireID()).page(PageRequest(request))
        return Page(items: page.items.map(GrantDTO.init), nextCursor: page.nextCursor)
    }

    @Sendable func create(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<GrantDTO> {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        let input = try await request.jsonObject(context: context)
        let userID = input.uuid("user_id", required: true)
        if let userID, try await UserModel.query(on: db).filter(\.$id == userID).filter(\.$tenantID == scope.tenantID).count() == 0 {
            input.fail("user_id", "no such user in this tenant")
        }
        try input.errors.check()
        guard let userID else { throw Problem.invalid("user_id", "is required") }
        if try await GrantModel.scoped(scope, on: db).filter(\.$extensionID == ext.requireID()).filter(\.$userID == userID).count() > 0 {
            throw Problem.conflict("this user already holds a grant on extension \(ext.number)")
        }
        let grant = GrantModel()
        grant.id = .v7()
        grant.tenantID = scope.tenantID
        grant.extensionID = try ext.requireID()
        grant.userID = userID
        try await db.uniquely("this grant") { try await grant.create(on: db) }
        return .init(status: .created, response: GrantDTO(grant))
    }

    @Sendable func delete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        let userID = try context.id("user_id", "grant")
        guard
            let grant = try await GrantModel.scoped(scope, on: db).filter(\.$extensionID == ext.requireID()).filter(\.$userID == userID)
                .first()
        else { throw Problem.notFound("grant") }
        try await grant.delete(on: db)
        return .noContent
    }
}

extension ExtensionModel {
    /// The extensions of `tenant` that `user` holds a grant on, by number: what rings them and what
    /// they may call from (`GET /me/extensions`, a user's page in the console).
    static func granted(to user: UUID, tenant: UUID, on db: any Database) async throws -> [ExtensionModel] {
        let ids = try await GrantModel.query(on: db).filter(\.$tenantID == tenant).filter(\.$userID == user).all().map(\.extensionID)
        guard !ids.isEmpty else { return [] }
        return try await ExtensionModel.query(on: db).filter(\.$tenantID == tenant).filter(\.$id ~~ ids).sort(\.$number).all()
    }
}
