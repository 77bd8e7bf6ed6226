import Foundation

/// An ingress (`livekit.IngressInfo`, abridged).
public struct IngressInfo: Codable, Sendable, Equatable {
    /// The `IN_` id.
    public var ingressId: String?
    /// Its name.
    public var name: String?
    /// RTMP/WHIP stream key.
    public var streamKey: String?
    /// Where to send (or, for URL input, the source).
    public var url: String?
    /// RTMP, WHIP or URL.
    public var inputType: IngressInput?
    /// Deprecated.
    public var bypassTranscoding: Bool?
    /// Transcodes.
    public var enableTranscoding: Bool?
    /// Audio encoding.
    public var audio: IngressAudioOptions?
    /// The room.
    public var roomName: String?
    /// Its participant.
    public var participantIdentity: String?
    /// Participant name.
    public var participantName: String?
    /// Participant metadata.
    public var participantMetadata: String?
    /// Can be reused.
    public var reusable: Bool?
    /// What it is doing.
    public var state: IngressState?
    /// Accepts input.
    public var enabled: Bool?

    /// A IngressInfo; nil fields are not sent.
    public init(
        ingressId: String? = nil,
        name: String? = nil,
        streamKey: String? = nil,
        url: String? = nil,
        inputType: IngressInput? = nil,
        bypassTranscoding: Bool? = nil,
        enableTranscoding: Bool? = nil,
        audio: IngressAudioOptions? = nil,
        roomName: String? = nil,
        participantIdentity: String? = nil,
        participantName: String? = nil,
        participantMetadata: String? = nil,
        reusable: Bool? = nil,
        state: IngressState? = nil,
        enabled: Bool? = nil
    ) {
        self.ingressId = ingressId
        self.name = name
        self.streamKey = streamKey
        self.url = url
        self.inputType = inputType
        self.bypassTranscoding = bypassTranscoding
        self.enableTranscoding = enableTranscoding
        self.audio = audio
        self.roomName = roomName
        self.participantIdentity = participantIdentity
        self.participantName = participantName
        self.participantMetadata = participantMetadata
        self.reusable = reusable
        self.state = state
        self.enabled = enabled
    }
}

extension IngressInfo: ProtoOneofs {
    static var oneofMembers: Set<String> { ["enableTranscoding", "enabled"] }
}

/// `livekit.IngressState` (media details not modelled).
public struct IngressState: Codable, Sendable, Equatable {
    /// Inactive, buffering, publishing, error or complete.
    public var status: IngressStatus?
    /// Why it failed.
    public var error: String?
    /// The room's sid.
    public var roomId: String?
    /// Unix nanoseconds.
    public var startedAt: Int64?
    /// Unix nanoseconds.
    public var endedAt: Int64?
    /// Unix nanoseconds.
    public var updatedAt: Int64?
    /// Worker resource.
    public var resourceId: String?
    /// Published tracks.
    public var tracks: [TrackInfo]?

    /// A IngressState; nil fields are not sent.
    public init(
        status: IngressStatus? = nil,
        error: String? = nil,
        roomId: String? = nil,
        startedAt: Int64? = nil,
        endedAt: Int64? = nil,
        updatedAt: Int64? = nil,
        resourceId: String? = nil,
        tracks: [TrackInfo]? = nil
    ) {
        self.status = status
        self.error = error
        self.roomId = roomId
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.updatedAt = updatedAt
        self.resourceId = resourceId
        self.tracks = tracks
    }
}
