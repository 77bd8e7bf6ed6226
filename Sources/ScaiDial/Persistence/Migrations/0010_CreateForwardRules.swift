import FluentKit

struct CreateForwardRules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("forward_rules")
            .id()
            .tenantReference()
            .field("extension_id", .uuid, .required, .references("extensions", "id", onDelete: .cascade))
            .field("trigger", .string, .required)
            .field("target_type", .string, .required)
            .field("target", .string)
            .field("enabled", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "extension_id", "trigger")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("forward_rules").delete()
    }
}
