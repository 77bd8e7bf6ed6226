import FluentKit

/// Who has an open event stream on which replica (PostgreSQL deployments with several replicas):
/// a row per replica and user, renewed while the stream is open, so any replica can tell who is
/// online before it rings. Rows of a replica that died run out with their `expires_at`.
struct CreateEventStreams: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("event_streams")
            .field("replica", .string, .required)
            .field("user_id", .uuid, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "replica", "user_id")
            .create()
        try await database.createIndex("event_streams_user", on: "event_streams", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("event_streams").delete()
    }
}
