import FluentKit
import Foundation
import Hummingbird

struct UserDTO: ResponseEncodable, Sendable {
    let id: UUID
    @Nullable var tenantId: UUID?
    let email: String
    let displayName: String
    let role: Role
    let disabled: Bool
    /// The user's *do not disturb* (set by the user on `PATCH /me`).
    let doNotDisturb: Bool
    @Nullable var createdAt: Date?

    init(_ u: UserModel) throws {
        id = try u.requireID()
        tenantId = u.tenantID
        email = u.email
        displayName = u.displayName
        role = u.role
        disabled = u.disabled
        doNotDisturb = u.doNotDisturb
        createdAt = u.createdAt
    }
}

/// `/v1/tenants/{t}/users`: the people of a tenant. Platform admins are created on the command line.
struct UserController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get("/users", use: list)
        admin.post("/users", use: create)
        admin.get("/users/:user_id", use: get)
        admin.patch("/users/:user_id", use: update)
        admin.delete("/users/:user_id", use: delete)
        admin.get("/users/:user_id/extensions", use: extensions)
    }

    /// The extensions the user holds a grant on (what rings them, what they may call from).
    @Sendable func extensions(_ request: Request, context: TenantAdminContext) async throws -> Page<ExtensionDTO> {
        let user = try await find(context, context.scope)  // of this tenant, else 404
        let rows = try await ExtensionModel.granted(to: try user.requireID(), tenant: context.scope.tenantID, on: services.db)
        return Page(items: try rows.map(ExtensionDTO.init), nextCursor: nil)
    }

    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> Page<UserDTO> {
        let scope = context.scope
        let page = try await UserModel.query(on: services.db).filter(\.$tenantID == scope.tenantID).page(PageRequest(request))
        return Page(items: try page.items.map(UserDTO.init), nextCursor: page.nextCursor)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> UserDTO {
        let scope = context.scope
        return try UserDTO(try await find(context, scope))
    }

    @Sendable func create(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<UserDTO> {
        let db = services.db
        let scope = context.scope
        let input = try await request.jsonObject(context: context)
        let user = UserModel.new()
        user.tenantID = scope.tenantID
        let password = read(input, into: user, creating: true)
        try input.errors.check()
        guard let password else { throw Problem.invalid("password", "is required") }
        user.passwordHash = try await services.hasher.hash(password)
        try await ensureUniqueEmail(user, on: db)
        try await db.uniquely("a user with this email") { try await user.create(on: db) }
        return .init(status: .created, response: try UserDTO(user))
    }

    @Sendable func update(_ request: Request, context: TenantAdminContext) async throws -> UserDTO {
        let db = services.db
        let scope = context.scope
        let user = try await find(context, scope)
        let input = try await request.jsonObject(context: context)
        let password = read(input, into: user, creating: false)
        if user.id == scope.identity.userID {
            if user.disabled { input.fail("disabled", "you cannot disable your own account") }
            if user.role != scope.identity.role { input.fail("role", "you cannot change your own role") }
        }
        try input.errors.check()
        if let password { user.passwordHash = try await services.hasher.hash(password) }
        try await ensureUniqueEmail(user, on: db)
        try await db.transaction { tx in
            try await db.uniquely("a user with this email") { try await user.update(on: tx) }
            // A new password or a disabled account ends every session and token of that user.
            if password != nil || user.disabled {
                try await AuthTokenModel.query(on: tx).filter(\.$userID == user.requireID()).delete()
            }
        }
        // Their browsers' event streams end with their credentials, on every replica.
        if password != nil || user.disabled {
            services.hub.revoke(user: try user.requireID(), token: nil, reason: user.disabled ? "account_disabled" : "password_changed")
        }
        return try UserDTO(user)
    }

    @Sendable func delete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let scope = context.scope
        let user = try await find(context, scope)
        if user.id == scope.identity.userID { throw Problem.conflict("you cannot delete your own account") }
        try await user.delete(on: services.db)
        services.hub.revoke(user: try user.requireID(), token: nil, reason: "account_deleted")
        return .noContent
    }

    private func find(_ context: TenantAdminContext, _ scope: TenantScope) async throws -> UserModel {
        let id = try context.id("user_id", "user")
        guard
            let user = try await UserModel.query(on: services.db)
                .filter(\.$id == id).filter(\.$tenantID == scope.tenantID).first()
        else { throw Problem.notFound("user") }
        return user
    }

    /// Reads the writable fields; returns the new password, if one was given.
    private func read(_ input: Input, into user: UserModel, creating: Bool) -> String? {
        if let email = input.string("email", required: creating, maxLength: 320) {
            if Self.looksLikeEmail(email) { user.email = email.lowercased() } else { input.fail("email", "must be an email address") }
        }
        if let name = input.string("display_name", maxLength: 100) {
            user.displayName = name
        } else if creating, let email = input.string("email", maxLength: 320) {
            user.displayName = String(email.prefix { $0 != "@" })
        }
        if input.has("role") {
            if input.string("role") == Role.platformAdmin.rawValue {
                input.fail("role", "platform admins are created with `scaidial create-admin`")
            } else if let role = input.choice("role", TenantRole.self) {
                user.role = Role(rawValue: role.rawValue) ?? .user
            }
        }
        if let disabled = input.bool("disabled") { user.disabled = disabled }
        let password = input.string("password", required: creating, maxLength: 1024, anyCharacters: true)
        if let password, let problem = PasswordRule.problem(password) { input.fail("password", problem); return nil }
        return password
    }

    private func ensureUniqueEmail(_ user: UserModel, on db: any Database) async throws {
        let clash = try await UserModel.query(on: db).filter(\.$email == user.email).filter(\.$id != user.requireID()).count()
        if clash > 0 { throw Problem.conflict("a user with email \(user.email) already exists") }
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }
}

/// The roles a tenant admin may hand out.
enum TenantRole: String, CaseIterable {
    case tenantAdmin = "tenant_admin"
    case user
}
