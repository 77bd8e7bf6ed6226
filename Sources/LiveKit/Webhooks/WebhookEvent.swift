import Foundation

/// A LiveKit webhook (`livekit.WebhookEvent`), as ``WebhookReceiver`` decodes it.
public struct WebhookEvent: Codable, Sendable, Equatable {
    /// `room_started`, `room_finished`, `participant_joined`, `participant_left`,
    /// `participant_connection_aborted`, `track_published`, `track_unpublished`, `egress_started`,
    /// `egress_updated`, `egress_ended`, `ingress_started`, `ingress_ended`, ...
    public var event: String
    /// The event id (`EV_...`): the same delivery repeated has the same id.
    public var id: String?
    /// Unix seconds.
    public var createdAt: Int64?
    /// The room (room_* and participant_* events).
    public var room: Room?
    /// The participant (participant_* and track_* events).
    public var participant: ParticipantInfo?
    /// The track (track_* events).
    public var track: TrackInfo?
    /// The egress (egress_* events).
    public var egressInfo: EgressInfo?
    /// The ingress (ingress_* events).
    public var ingressInfo: IngressInfo?

    /// An event (tests build these; LiveKit sends them).
    public init(
        event: String, id: String? = nil, createdAt: Int64? = nil, room: Room? = nil, participant: ParticipantInfo? = nil,
        track: TrackInfo? = nil, egressInfo: EgressInfo? = nil, ingressInfo: IngressInfo? = nil
    ) {
        self.event = event
        self.id = id
        self.createdAt = createdAt
        self.room = room
        self.participant = participant
        self.track = track
        self.egressInfo = egressInfo
        self.ingressInfo = ingressInfo
    }
}
