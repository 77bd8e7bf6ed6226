import FluentKit
import Foundation
import HTTPTypes
import Hummingbird

/// What a handler behind a scoped route receives: the plain request context plus what the route
/// group established before the handler ran. Handlers never resolve who may act themselves; the
/// group does, once, so a tenant route cannot be written without its tenant.
protocol ScopedRequestContext: Sendable {
    var base: AppRequestContext { get }
}

extension ScopedRequestContext {
    /// A UUID path parameter, or 404 naming `what`.
    func id(_ name: String, _ what: String) throws -> UUID { try base.id(name, what) }
}

extension Request {
    /// `jsonObject(context:)` for a scoped route's context.
    func jsonObject(context: some ScopedRequestContext, strict: Bool = true) async throws -> Input {
        try await jsonObject(context: context.base, strict: strict)
    }
}

/// Anyone signed in (`/me`, `/v1/auth/tokens`, …): the identity is not optional.
struct SignedInContext: ScopedRequestContext {
    let base: AppRequestContext
    let identity: Identity
}

/// A tenant admin of the path's tenant, or a platform admin acting in it: the tenant is not optional.
struct TenantAdminContext: ScopedRequestContext {
    let base: AppRequestContext
    let scope: TenantScope
    var identity: Identity { scope.identity }
}

/// A user (any role but platform admin) acting in their own tenant (`/me/*` routes that touch calls,
/// voicemail and click-to-call).
struct MemberContext: ScopedRequestContext {
    let base: AppRequestContext
    let scope: TenantScope
    let tenant: TenantModel
}

/// The platform operator: tenants' creation and deletion, platform limits.
struct PlatformAdminContext: ScopedRequestContext {
    let base: AppRequestContext
    let identity: Identity
}

/// Routes whose handlers take a `Scoped` context, built by `resolve` before the handler runs; when
/// `resolve` throws (401, 403, 404) the handler is never called.
struct ScopedRoutes<Parent: RouterMethods<AppRequestContext>, Scoped: ScopedRequestContext> {
    let parent: Parent
    /// Prepended to every path (the tenant routes' `/v1/tenants/:tenant_id`).
    let prefix: String
    let resolve: @Sendable (AppRequestContext) async throws -> Scoped

    @discardableResult
    func on(
        _ path: String, method: HTTPRequest.Method,
        use handler: @escaping @Sendable (Request, Scoped) async throws -> some ResponseGenerator
    ) -> Self {
        let resolve = self.resolve
        parent.on(RouterPath(prefix + path), method: method) { request, context in
            try await handler(request, try await resolve(context))
        }
        return self
    }

    @discardableResult
    func get(_ path: String, use handler: @escaping @Sendable (Request, Scoped) async throws -> some ResponseGenerator) -> Self {
        on(path, method: .get, use: handler)
    }
    @discardableResult
    func post(_ path: String, use handler: @escaping @Sendable (Request, Scoped) async throws -> some ResponseGenerator) -> Self {
        on(path, method: .post, use: handler)
    }
    @discardableResult
    func put(_ path: String, use handler: @escaping @Sendable (Request, Scoped) async throws -> some ResponseGenerator) -> Self {
        on(path, method: .put, use: handler)
    }
    @discardableResult
    func patch(_ path: String, use handler: @escaping @Sendable (Request, Scoped) async throws -> some ResponseGenerator) -> Self {
        on(path, method: .patch, use: handler)
    }
    @discardableResult
    func delete(_ path: String, use handler: @escaping @Sendable (Request, Scoped) async throws -> some ResponseGenerator) -> Self {
        on(path, method: .delete, use: handler)
    }
}

extension RouterMethods where Context == AppRequestContext {
    /// Routes for anyone signed in; 401 (saying why) otherwise.
    func signedIn() -> ScopedRoutes<Self, SignedInContext> {
        ScopedRoutes(parent: self, prefix: "") { context in
            SignedInContext(base: context, identity: try context.requireIdentity())
        }
    }

    /// Routes under `/v1/tenants/:tenant_id` (paths given relative to it, "" for the tenant itself),
    /// for a tenant admin of that tenant or a platform admin. Another tenant's id is 404 (its
    /// existence is not revealed); a plain user of the tenant is 403.
    func tenantAdmin(_ db: any Database) -> ScopedRoutes<Self, TenantAdminContext> {
        ScopedRoutes(parent: self, prefix: "/v1/tenants/:tenant_id") { context in
            TenantAdminContext(base: context, scope: try await context.adminScope(db))
        }
    }

    /// Routes for a user acting in their own tenant; 403 `no_tenant` for a platform admin, who has none.
    func member(_ db: any Database) -> ScopedRoutes<Self, MemberContext> {
        ScopedRoutes(parent: self, prefix: "") { context in
            let (scope, tenant) = try await context.memberScope(db)
            return MemberContext(base: context, scope: scope, tenant: tenant)
        }
    }

    /// Routes for the platform admin only; 403 for everyone else signed in.
    func platformAdmin() -> ScopedRoutes<Self, PlatformAdminContext> {
        ScopedRoutes(parent: self, prefix: "") { context in
            PlatformAdminContext(base: context, identity: try context.requirePlatformAdmin())
        }
    }
}

// The checks the groups run. `fileprivate`: a handler cannot call them, it gets their result.
extension AppRequestContext {
    fileprivate func adminScope(_ db: any Database) async throws -> TenantScope {
        let identity = try requireIdentity()
        let tenantID = try id("tenant_id", "tenant")
        switch identity.role {
        case .platformAdmin: break
        case .tenantAdmin where identity.tenantID == tenantID: break
        case .user where identity.tenantID == tenantID: throw Problem.forbidden("this needs the tenant_admin role")
        default: throw Problem.notFound("tenant")
        }
        guard let tenant = try await TenantModel.find(tenantID, on: db) else { throw Problem.notFound("tenant") }
        return TenantScope(tenantID: tenantID, identity: identity, country: tenant.country)
    }

    fileprivate func memberScope(_ db: any Database) async throws -> (TenantScope, TenantModel) {
        let identity = try requireIdentity()
        guard let tenantID = identity.tenantID, let tenant = try await TenantModel.find(tenantID, on: db) else {
            throw Problem.forbidden("this is for users of a tenant; a platform admin has none").coded("no_tenant")
        }
        return (TenantScope(tenantID: tenantID, identity: identity, country: tenant.country), tenant)
    }

    fileprivate func requirePlatformAdmin() throws -> Identity {
        let identity = try requireIdentity()
        guard identity.role == .platformAdmin else { throw Problem.forbidden("this needs the platform_admin role") }
        return identity
    }

    /// The signed-in user, or 401 saying whether the credentials were missing, invalid or expired.
    fileprivate func requireIdentity() throws -> Identity {
        guard let identity else {
            throw Problem.unauthorized(credentialProblem ?? "no credentials were sent: sign in, or send Authorization: Bearer <token>")
        }
        return identity
    }
}
