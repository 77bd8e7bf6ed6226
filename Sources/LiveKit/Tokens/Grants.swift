import Foundation

/// The `video` claim of an access token (LiveKit's `VideoGrant`; every key optional).
public struct VideoGrant: Codable, Sendable, Equatable {
    /// Create and delete rooms.
    public var roomCreate: Bool?
    /// List rooms.
    public var roomList: Bool?
    /// Record (egress).
    public var roomRecord: Bool?
    /// Administer `room`: participants, metadata, agent dispatch.
    public var roomAdmin: Bool?
    /// Join `room`.
    public var roomJoin: Bool?
    /// The room this grant is for.
    public var room: String?
    /// Publish tracks.
    public var canPublish: Bool?
    /// Subscribe to tracks.
    public var canSubscribe: Bool?
    /// Publish data.
    public var canPublishData: Bool?
    /// Publish only these sources (`camera`, `microphone`, `screen_share`, `screen_share_audio`).
    public var canPublishSources: [String]?
    /// Update its own metadata.
    public var canUpdateOwnMetadata: Bool?
    /// Manage ingresses.
    public var ingressAdmin: Bool?
    /// Invisible to other participants.
    public var hidden: Bool?
    /// Marks a recorder (deprecated).
    public var recorder: Bool?
    /// May register as an agent worker.
    public var agent: Bool?
    /// Subscribe to metrics.
    public var canSubscribeMetrics: Bool?
    /// Manage an agent session.
    public var canManageAgentSession: Bool?
    /// Room a participant may be forwarded to.
    public var destinationRoom: String?

    /// A grant; nil keys are left out of the token.
    public init(
        roomCreate: Bool? = nil, roomList: Bool? = nil, roomRecord: Bool? = nil, roomAdmin: Bool? = nil, roomJoin: Bool? = nil,
        room: String? = nil, canPublish: Bool? = nil, canSubscribe: Bool? = nil, canPublishData: Bool? = nil,
        canPublishSources: [String]? = nil, canUpdateOwnMetadata: Bool? = nil, ingressAdmin: Bool? = nil, hidden: Bool? = nil,
        recorder: Bool? = nil, agent: Bool? = nil, canSubscribeMetrics: Bool? = nil, canManageAgentSession: Bool? = nil,
        destinationRoom: String? = nil
    ) {
        self.roomCreate = roomCreate
        self.roomList = roomList
        self.roomRecord = roomRecord
        self.roomAdmin = roomAdmin
        self.roomJoin = roomJoin
        self.room = room
        self.canPublish = canPublish
        self.canSubscribe = canSubscribe
        self.canPublishData = canPublishData
        self.canPublishSources = canPublishSources
        self.canUpdateOwnMetadata = canUpdateOwnMetadata
        self.ingressAdmin = ingressAdmin
        self.hidden = hidden
        self.recorder = recorder
        self.agent = agent
        self.canSubscribeMetrics = canSubscribeMetrics
        self.canManageAgentSession = canManageAgentSession
        self.destinationRoom = destinationRoom
    }
}

/// The `sip` claim of an access token.
public struct SIPGrant: Codable, Sendable, Equatable {
    /// Manage trunks and dispatch rules.
    public var admin: Bool?
    /// Make and transfer calls.
    public var call: Bool?

    /// A grant; nil keys are left out of the token.
    public init(admin: Bool? = nil, call: Bool? = nil) {
        self.admin = admin
        self.call = call
    }
}
