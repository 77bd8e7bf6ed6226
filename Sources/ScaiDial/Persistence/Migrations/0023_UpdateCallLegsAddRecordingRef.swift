import FluentKit
import SQLKit

/// A voicemail leg's recording Egress (`recording_ref`), next to its greeting Ingress in
/// `livekit_ref`: the recording starts with the greeting, so both run at once. Indexed because
/// `egress_ended` finds its call by it.
struct UpdateCallLegsAddRecordingRef: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("call_legs").field("recording_ref", .string).update()
        try await database.createIndex("call_legs_recording_ref", on: "call_legs", columns: ["recording_ref"])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("call_legs_recording_ref")
        try await database.schema("call_legs").deleteField("recording_ref").update()
    }
}
