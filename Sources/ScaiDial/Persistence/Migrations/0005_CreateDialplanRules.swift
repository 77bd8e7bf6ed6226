import FluentKit

struct CreateDialplanRules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dialplan_rules")
            .id()
            .tenantReference()
            .field("dialplan_id", .uuid, .required, .references("dialplans", "id", onDelete: .cascade))
            .field("priority", .int, .required)
            .field("name", .string, .required)
            .field("enabled", .bool, .required)
            .field("caller", .string)
            .field("callee", .string)
            .field("days", .string)
            .field("time_from", .string)
            .field("time_to", .string)
            .field("date_from", .string)
            .field("date_to", .string)
            .field("action_type", .string, .required)
            .field("action_extension_id", .uuid)
            .field("action_target", .string)
            .field("action_mode", .string)
            .field("action_sip_status", .int)
            .field("created_at", .datetime)
            .unique(on: "dialplan_id", "priority")
            .create()
        try await database.createIndex(
            "dialplan_rules_extension", on: "dialplan_rules", columns: ["action_extension_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("dialplan_rules").delete()
    }
}
