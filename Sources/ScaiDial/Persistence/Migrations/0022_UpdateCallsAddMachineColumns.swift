import FluentKit
import SQLKit

/// What the call machine keeps besides the public state: its `phase`, the `version` every write
/// compares and bumps, the `ring_round` ring timeouts name; on legs a `leg_key` unique within the
/// call (a repeat of "create this leg" cannot write a second one) and when the participant joined.
/// Existing rows keep their values (phase NULL reads as the phase their state implies).
struct UpdateCallsAddMachineColumns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        try await database.schema("calls").field("phase", .string).update()
        try await database.schema("calls").field("version", .int, .required, .sql(.default(0))).update()
        try await database.schema("calls").field("ring_round", .int, .required, .sql(.default(0))).update()
        try await database.schema("call_legs").field("leg_key", .string).update()
        try await database.schema("call_legs").field("joined_at", .datetime).update()
        try await database.sql().create(index: "call_legs_call_key").unique().on("call_legs").column("call_id").column("leg_key").run()
        try await database.createIndex("call_legs_livekit_ref", on: "call_legs", columns: ["livekit_ref"])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("call_legs_livekit_ref")
        try await database.dropIndex("call_legs_call_key")
        for field in ["joined_at", "leg_key"] { try await database.schema("call_legs").deleteField(.string(field)).update() }
        for field in ["ring_round", "version", "phase"] { try await database.schema("calls").deleteField(.string(field)).update() }
    }
}
