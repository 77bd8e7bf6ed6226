import FluentKit

struct CreateVoicemailMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("voicemail_messages")
            .id()
            .tenantReference()
            .field("extension_id", .uuid, .required, .references("extensions", "id", onDelete: .cascade))
            .field("call_id", .uuid)
            .field("caller", .string, .required)
            .field("storage_key", .string, .required)
            .field("content_type", .string, .required)
            .field("size_bytes", .int, .required)
            .field("duration_s", .double, .required)
            .field("transcript", .string)
            .field("transcript_state", .string, .required)
            .field("read", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "call_id")  // one message per call, however often egress_ended arrives
            .create()
        try await database.createIndex(
            "voicemail_tenant_extension", on: "voicemail_messages", columns: ["tenant_id", "extension_id", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("voicemail_messages").delete()
    }
}
