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
extension ScheduleModel: TenantOwned {}
extension CallModel: TenantOwned {}
extension CallLegModel: TenantOwned {}
extension VoicemailMessageModel: TenantOwned {}
