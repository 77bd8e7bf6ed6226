import FluentKit

struct CreateExtensionGrants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("extension_grants")
            .id()
            .tenantReference()
            .field("extension_id", .uuid, .required, .references("extensions", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "extension_id", "user_id")
            .create()
        // Ringing looks up who holds an extension; /me looks up what a user holds.
        try await database.createIndex("extension_grants_user", on: "extension_grants", columns: ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("extension_grants").delete()
    }
}
