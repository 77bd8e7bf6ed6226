import Foundation

/// A participant in a room (`livekit.ParticipantInfo`). An absent `kind` reads as `.standard`, an absent `state` as `.joining`.
public struct ParticipantInfo: Codable, Sendable, Equatable {
    /// The `PA_` sid.
    public var sid: String?
    /// Its identity.
    public var identity: String?
    /// Joining, joined, active or disconnected.
    public var state: ParticipantState?
    /// Its published tracks.
    public var tracks: [TrackInfo]?
    /// Its metadata.
    public var metadata: String?
    /// Unix seconds.
    public var joinedAt: Int64?
    /// Unix milliseconds.
    public var joinedAtMs: Int64?
    /// Its display name.
    public var name: String?
    /// State version.
    public var version: UInt32?
    /// Its permissions.
    public var permission: ParticipantPermission?
    /// Cloud region.
    public var region: String?
    /// Publishes tracks.
    public var isPublisher: Bool?
    /// Standard, SIP, agent, ...
    public var kind: ParticipantKind?
    /// Its attributes (`sip.callID`, `sip.phoneNumber`, ...).
    public var attributes: [String: String]?
    /// Why it left.
    public var disconnectReason: DisconnectReason?

    /// A ParticipantInfo; nil fields are not sent.
    public init(
        sid: String? = nil,
        identity: String? = nil,
        state: ParticipantState? = nil,
        tracks: [TrackInfo]? = nil,
        metadata: String? = nil,
        joinedAt: Int64? = nil,
        joinedAtMs: Int64? = nil,
        name: String? = nil,
        version: UInt32? = nil,
        permission: ParticipantPermission? = nil,
        region: String? = nil,
        isPublisher: Bool? = nil,
        kind: ParticipantKind? = nil,
        attributes: [String: String]? = nil,
        disconnectReason: DisconnectReason? = nil
    ) {
        self.sid = sid
        self.identity = identity
        self.state = state
        self.tracks = tracks
        self.metadata = metadata
        self.joinedAt = joinedAt
        self.joinedAtMs = joinedAtMs
        self.name = name
        self.version = version
        self.permission = permission
        self.region = region
        self.isPublisher = isPublisher
        self.kind = kind
        self.attributes = attributes
        self.disconnectReason = disconnectReason
    }
}

/// A published track (`livekit.TrackInfo`, abridged).
public struct TrackInfo: Codable, Sendable, Equatable {
    /// The `TR_` sid.
    public var sid: String?
    /// Audio, video or data.
    public var type: TrackType?
    /// Its name.
    public var name: String?
    /// Muted.
    public var muted: Bool?
    /// Video width.
    public var width: UInt32?
    /// Video height.
    public var height: UInt32?
    /// Microphone, camera, ...
    public var source: TrackSource?
    /// e.g. `audio/opus`.
    public var mimeType: String?
    /// SDP mid.
    public var mid: String?
    /// Stream name.
    public var stream: String?

    /// A TrackInfo; nil fields are not sent.
    public init(
        sid: String? = nil,
        type: TrackType? = nil,
        name: String? = nil,
        muted: Bool? = nil,
        width: UInt32? = nil,
        height: UInt32? = nil,
        source: TrackSource? = nil,
        mimeType: String? = nil,
        mid: String? = nil,
        stream: String? = nil
    ) {
        self.sid = sid
        self.type = type
        self.name = name
        self.muted = muted
        self.width = width
        self.height = height
        self.source = source
        self.mimeType = mimeType
        self.mid = mid
        self.stream = stream
    }
}
