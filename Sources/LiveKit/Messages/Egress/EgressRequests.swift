import Foundation

/// Records one participant's tracks (`livekit.ParticipantEgressRequest`; stream, segment and image outputs and `advanced` not modelled).
public struct ParticipantEgressRequest: Codable, Sendable, Equatable {
    /// The room.
    public var roomName: String?
    /// The participant.
    public var identity: String?
    /// Record the screen share instead of the camera.
    public var screenShare: Bool?
    /// Encoding preset.
    public var preset: EncodingOptionsPreset?
    /// Where the file goes.
    public var fileOutputs: [EncodedFileOutput]?
    /// Extra webhook receivers for this egress.
    public var webhooks: [WebhookConfig]?

    /// A ParticipantEgressRequest; nil fields are not sent.
    public init(
        roomName: String? = nil,
        identity: String? = nil,
        screenShare: Bool? = nil,
        preset: EncodingOptionsPreset? = nil,
        fileOutputs: [EncodedFileOutput]? = nil,
        webhooks: [WebhookConfig]? = nil
    ) {
        self.roomName = roomName
        self.identity = identity
        self.screenShare = screenShare
        self.preset = preset
        self.fileOutputs = fileOutputs
        self.webhooks = webhooks
    }
}

extension ParticipantEgressRequest: ProtoOneofs {
    static var oneofMembers: Set<String> { ["preset"] }
}

/// Exports one track without transcoding (`livekit.TrackEgressRequest`).
public struct TrackEgressRequest: Codable, Sendable, Equatable {
    /// The room.
    public var roomName: String?
    /// The `TR_` track.
    public var trackId: String?
    /// Write a file...
    public var file: DirectFileOutput?
    /// ...or stream to a websocket.
    public var websocketUrl: String?
    /// Extra webhook receivers for this egress.
    public var webhooks: [WebhookConfig]?

    /// A TrackEgressRequest; nil fields are not sent.
    public init(
        roomName: String? = nil,
        trackId: String? = nil,
        file: DirectFileOutput? = nil,
        websocketUrl: String? = nil,
        webhooks: [WebhookConfig]? = nil
    ) {
        self.roomName = roomName
        self.trackId = trackId
        self.file = file
        self.websocketUrl = websocketUrl
        self.webhooks = webhooks
    }
}

extension TrackEgressRequest: ProtoOneofs {
    static var oneofMembers: Set<String> { ["file", "websocketUrl"] }
}

/// `livekit.StopEgressRequest`.
public struct StopEgressRequest: Codable, Sendable, Equatable {
    /// The `EG_` egress.
    public var egressId: String?

    /// A StopEgressRequest; nil fields are not sent.
    public init(
        egressId: String? = nil
    ) {
        self.egressId = egressId
    }
}

/// An extra webhook receiver (`livekit.WebhookConfig`).
public struct WebhookConfig: Codable, Sendable, Equatable {
    /// Where events go.
    public var url: String?
    /// API key whose secret signs them.
    public var signingKey: String?

    /// A WebhookConfig; nil fields are not sent.
    public init(
        url: String? = nil,
        signingKey: String? = nil
    ) {
        self.url = url
        self.signingKey = signingKey
    }
}
