import FluentKit
import Foundation

final class CallModel: Model, @unchecked Sendable {
    static let schema = "calls"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "direction") var direction: CallDirection
    @Field(key: "state") var state: CallState
    /// The machine's own word for where the call is (NULL on rows older than the machine).
    @OptionalField(key: "phase") var phase: CallPhase?
    @Field(key: "from_number") var fromNumber: String
    @Field(key: "to_number") var toNumber: String
    @OptionalField(key: "did_id") var didID: UUID?
    @OptionalField(key: "trunk_id") var trunkID: UUID?
    @OptionalField(key: "dialplan_id") var dialplanID: UUID?
    @OptionalField(key: "rule_id") var ruleID: UUID?
    @OptionalField(key: "action") var action: ActionType?
    @Field(key: "room_name") var roomName: String
    @OptionalField(key: "livekit_call_id") var livekitCallID: String?
    @OptionalField(key: "end_reason") var endReason: EndReason?
    @OptionalField(key: "sip_status") var sipStatus: Int?
    @Field(key: "hops") var hops: Int
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalField(key: "ended_at") var endedAt: Date?
    @OptionalField(key: "placed_by_user_id") var placedByUserID: UUID?
    /// The extension ringing now (or that took the call); follows forwards to other extensions.
    @OptionalField(key: "extension_id") var extensionID: UUID?
    /// The user whose browser won the answer.
    @OptionalField(key: "answered_by_user_id") var answeredByUserID: UUID?
    /// Bumped by every write of the call machine; a write names the version it read.
    @Field(key: "version") var version: Int
    @Field(key: "ring_round") var ringRound: Int
    init() {}
}

final class CallLegModel: Model, @unchecked Sendable {
    static let schema = "call_legs"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "call_id") var callID: UUID
    @Field(key: "kind") var kind: LegKind
    @Field(key: "state") var state: LegState
    /// Unique within the call: what this leg is for (`caller`, `wave:<user>`, `voicemail`, …).
    @OptionalField(key: "leg_key") var key: String?
    @OptionalField(key: "participant_identity") var participantIdentity: String?
    @OptionalField(key: "user_id") var userID: UUID?
    @OptionalField(key: "extension_id") var extensionID: UUID?
    @OptionalField(key: "destination") var destination: String?
    @OptionalField(key: "failure_reason") var failureReason: String?
    @OptionalField(key: "sip_status") var sipStatus: Int?
    /// The LiveKit object working for this leg: a greeting or announcement Ingress, a recording Egress.
    @OptionalField(key: "livekit_ref") var livekitRef: String?
    /// A voicemail leg's recording Egress.
    @OptionalField(key: "recording_ref") var recordingRef: String?
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "joined_at") var joinedAt: Date?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalField(key: "ended_at") var endedAt: Date?
    init() {}
}

final class VoicemailMessageModel: Model, @unchecked Sendable {
    static let schema = "voicemail_messages"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "extension_id") var extensionID: UUID
    @OptionalField(key: "call_id") var callID: UUID?
    @Field(key: "caller") var caller: String
    @Field(key: "storage_key") var storageKey: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size_bytes") var sizeBytes: Int
    @Field(key: "duration_s") var durationS: Double
    @OptionalField(key: "transcript") var transcript: String?
    @Field(key: "transcript_state") var transcriptState: TranscriptState
    @OptionalField(key: "transcript_error") var transcriptError: String?
    @Field(key: "read") var read: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// A durable job or timer: survives restarts; claimed with a lease so only one worker runs it.
final class JobModel: Model, @unchecked Sendable {
    static let schema = "jobs"
    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @OptionalField(key: "tenant_id") var tenantID: UUID?
    /// Makes "schedule this once" idempotent (e.g. one ring timeout per call).
    @OptionalField(key: "dedupe_key") var dedupeKey: String?
    @Field(key: "payload") var payload: String
    @Field(key: "state") var state: String
    @Field(key: "run_at") var runAt: Date
    @Field(key: "attempts") var attempts: Int
    /// Bumped each time the job is (re)scheduled, so a run that started earlier does not delete it.
    @Field(key: "generation") var generation: Int
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "locked_by") var lockedBy: String?
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

final class WebhookEventModel: Model, @unchecked Sendable {
    static let schema = "webhook_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: String
    @Field(key: "event") var event: String
    @Field(key: "received_at") var receivedAt: Date
    init() {}
}
