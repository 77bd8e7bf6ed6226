import FluentKit

struct CreateExtensions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("extensions")
            .id()
            .tenantReference()
            .field("number", .string, .required)
            .field("name", .string, .required)
            .field("type", .string, .required)
            .field("target_ref", .string)
            .field("voicemail_enabled", .bool, .required)
            .field("ring_timeout_s", .int, .required)
            .field("greeting_key", .string)
            .field("greeting_content_type", .string)
            .field("created_at", .datetime)
            .unique(on: "tenant_id", "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("extensions").delete()
    }
}
