import FluentKit

/// The per-user click-to-call rate limit of a tenant's policy, and the index that counts a user's
/// recent calls against it.
struct UpdateTenantsAddUserCallRate: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenants")
            .field("max_calls_per_user_per_hour", .int, .required, .sql(.default(60)))
            .update()
        try await database.createIndex("calls_placed_by_started", on: "calls", columns: ["placed_by_user_id", "started_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("calls_placed_by_started")
        try await database.schema("tenants").deleteField("max_calls_per_user_per_hour").update()
    }
}
