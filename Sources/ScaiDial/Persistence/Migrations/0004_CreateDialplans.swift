import FluentKit

struct CreateDialplans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dialplans")
            .id()
            .tenantReference()
            .field("name", .string, .required)
            .field("rules_version", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "tenant_id", "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("dialplans").delete()
    }
}
