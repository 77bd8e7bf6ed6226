import FluentKit
import Foundation
import Hummingbird

/// A request that has been allowed to act inside one tenant. Repositories take this, not a bare
/// id, so a tenant-owned query cannot be written without deciding whose rows it may see.
struct TenantScope: Sendable {
    let tenantID: UUID
    let identity: Identity
    /// The tenant's home country, for normalising national numbers written in this request.
    let country: String
}

extension AppRequestContext {
    /// The `{tenant_id}` of the path, for a tenant admin of that tenant or a platform admin.
    /// Another tenant's id is 404 (its existence is not revealed); a plain user in its own tenant is 403.
    func adminScope(_ db: any Database) async throws -> TenantScope {
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

    /// The signed-in user's own tenant (the `/me/*` routes), or 403 for a platform admin, who has none.
    func memberScope(_ db: any Database) async throws -> (TenantScope, TenantModel) {
        let identity = try requireIdentity()
        guard let tenantID = identity.tenantID, let tenant = try await TenantModel.find(tenantID, on: db) else {
            throw Problem.forbidden("this is for users of a tenant; a platform admin has none").coded("no_tenant")
        }
        return (TenantScope(tenantID: tenantID, identity: identity, country: tenant.country), tenant)
    }

    func requirePlatformAdmin() throws -> Identity {
        let identity = try requireIdentity()
        guard identity.role == .platformAdmin else { throw Problem.forbidden("this needs the platform_admin role") }
        return identity
    }
}

extension TenantOwned where IDValue == UUID {
    /// A tenant-owned row by id, or 404 when it does not exist or belongs to another tenant.
    static func find(_ id: UUID, in scope: TenantScope, on db: any Database, _ what: String) async throws -> Self {
        guard let row = try await query(on: db).filter(\._$id == id).filter(tenantKey, .equal, scope.tenantID).first()
        else { throw Problem.notFound(what) }
        return row
    }

    /// All rows of this tenant; every tenant-owned list starts here.
    static func scoped(_ scope: TenantScope, on db: any Database) -> QueryBuilder<Self> {
        query(on: db).filter(tenantKey, .equal, scope.tenantID)
    }
}

/// Rows that carry `tenant_id`.
protocol TenantOwned: Model {}
extension TenantOwned {
    static var tenantKey: FieldKey { "tenant_id" }
}
extension TrunkModel: TenantOwned {}
extension DIDModel: TenantOwned {}
extension ExtensionModel: TenantOwned {}
extension GrantModel: TenantOwned {}
extension ForwardRuleModel: TenantOwned {}
extension DialplanModel: TenantOwned {}
extension RuleModel: TenantOwned {}
extension CallModel: TenantOwned {}
extension CallLegModel: TenantOwned {}
extension VoicemailMessageModel: TenantOwned {}
