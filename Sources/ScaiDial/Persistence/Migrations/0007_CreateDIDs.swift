import FluentKit

struct CreateDIDs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dids")
            .id()
            .tenantReference()
            .field("number", .string, .required)
            .field("trunk_id", .uuid, .required, .references("trunks", "id"))
            .field("dialplan_id", .uuid, .references("dialplans", "id"))
            .field("label", .string)
            .field("created_at", .datetime)
            .unique(on: "number")  // the inbound lookup: DID number -> tenant, dialplan
            .create()
        try await database.createIndex("dids_tenant", on: "dids", columns: ["tenant_id"])
        try await database.createIndex("dids_trunk", on: "dids", columns: ["trunk_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("dids").delete()
    }
}
