import FluentKit
import Foundation

final class TenantModel: Model, @unchecked Sendable {
    static let schema = "tenants"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "timezone") var timezone: String
    @Field(key: "country") var country: String
    @Field(key: "allow_international") var allowInternational: Bool
    /// JSON arrays of E.164 prefixes, kept as text so SQLite and PostgreSQL store them alike.
    @Field(key: "allowed_prefixes") var allowedPrefixesJSON: String
    @Field(key: "blocked_prefixes") var blockedPrefixesJSON: String
    @Field(key: "max_concurrent_calls") var maxConcurrentCalls: Int
    @Field(key: "max_call_duration_s") var maxCallDurationS: Int
    @Field(key: "voicemail_transcription") var voicemailTranscription: Bool
    @Field(key: "recording_retention_days") var recordingRetentionDays: Int
    @OptionalField(key: "default_caller_id") var defaultCallerID: String?
    @Field(key: "forward_caller_id") var forwardCallerID: String
    /// Click-to-calls one user may place in any rolling hour (toll-fraud brake).
    @Field(key: "max_calls_per_user_per_hour") var maxCallsPerUserPerHour: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    /// A person at a softphone rarely places more than one call a minute for long; a script that
    /// got hold of a session does, and is stopped after this many in an hour.
    static let defaultMaxCallsPerUserPerHour = 60

    static func new() -> TenantModel {
        let t = TenantModel()
        t.id = .v7()
        t.timezone = "UTC"
        t.allowInternational = false
        t.allowedPrefixesJSON = "[]"
        t.blockedPrefixesJSON = "[]"
        t.maxConcurrentCalls = 10
        t.maxCallDurationS = 3600
        t.voicemailTranscription = false
        t.recordingRetentionDays = 90
        t.forwardCallerID = "did"
        t.maxCallsPerUserPerHour = defaultMaxCallsPerUserPerHour
        return t
    }
}
