import FluentKit
import SQLKit

/// Each tenant's live calls as one counter row (`LiveCallCounter`): the inbound dispatcher and
/// click-to-call check `max_concurrent_calls` against it instead of counting live calls, so their
/// cost does not grow with how many calls the tenant has up. Filled from the calls live now.
struct CreateTenantLiveCalls: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LiveCallCounter.table)
            .tenantReference()
            .field("live_calls", .int, .required)
            .unique(on: "tenant_id")
            .create()
        let sql = try database.sql()
        try await sql.raw(
            """
            INSERT INTO \(ident: LiveCallCounter.table) (tenant_id, live_calls)
            SELECT tenant_id, COUNT(*) FROM calls WHERE state IN (\(binds: CallState.live.map(\.rawValue))) GROUP BY tenant_id
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LiveCallCounter.table).delete()
    }
}
