import FluentKit

struct CreateTenants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenants")
            .id()
            .field("name", .string, .required)
            .field("timezone", .string, .required)
            .field("country", .string, .required)
            .field("allow_international", .bool, .required)
            .field("allowed_prefixes", .string, .required)
            .field("blocked_prefixes", .string, .required)
            .field("max_concurrent_calls", .int, .required)
            .field("max_call_duration_s", .int, .required)
            .field("voicemail_transcription", .bool, .required)
            .field("recording_retention_days", .int, .required)
            .field("default_caller_id", .string)
            .field("forward_caller_id", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenants").delete()
    }
}
