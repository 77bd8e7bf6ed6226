import FluentKit

/// REGISTER-mode trunks: which replica registers each trunk (a lease the holder renews; another
/// replica takes the trunk over once it runs out), and when the trunk's next REGISTER is due
/// (`registration_next_attempt_at`, shown in the API next to the other `registration_*` columns).
struct CreateRegistrationLeases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sip_registration_leases")
            .field("trunk_id", .uuid, .identifier(auto: false), .references("trunks", "id", onDelete: .cascade))
            .field("holder", .string, .required)
            .field("lease_until", .datetime, .required)
            .create()
        try await database.schema("trunks").field("registration_next_attempt_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("trunks").deleteField("registration_next_attempt_at").update()
        try await database.schema("sip_registration_leases").delete()
    }
}
