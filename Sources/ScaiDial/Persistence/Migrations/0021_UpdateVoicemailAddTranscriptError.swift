import FluentKit

/// Why a message's transcription failed, for the admin who has to fix it (wrong API key, audio the
/// service refused, the service down for too long); empty unless `transcript_state` is `failed`.
struct UpdateVoicemailAddTranscriptError: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("voicemail_messages").field("transcript_error", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("voicemail_messages").deleteField("transcript_error").update()
    }
}
