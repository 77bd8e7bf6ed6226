import FluentKit

struct CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("tenant_id", .uuid, .references("tenants", "id", onDelete: .cascade))
            .field("dedupe_key", .string)
            .field("payload", .string, .required)
            .field("state", .string, .required)
            .field("run_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("generation", .int, .required)
            .field("last_error", .string)
            .field("locked_by", .string)
            .field("locked_until", .datetime)
            .field("created_at", .datetime)
            .unique(on: "dedupe_key")
            .create()
        // The worker's poll: due jobs in run_at order.
        try await database.createIndex("jobs_due", on: "jobs", columns: ["state", "run_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("jobs").delete()
    }
}
