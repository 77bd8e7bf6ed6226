import Foundation

/// `livekit.DeleteRoomRequest`.
public struct DeleteRoomRequest: Codable, Sendable, Equatable {
    /// The room.
    public var room: String?

    /// A DeleteRoomRequest; nil fields are not sent.
    public init(
        room: String? = nil
    ) {
        self.room = room
    }
}

/// `livekit.ListParticipantsRequest`.
public struct ListParticipantsRequest: Codable, Sendable, Equatable {
    /// The room.
    public var room: String?

    /// A ListParticipantsRequest; nil fields are not sent.
    public init(
        room: String? = nil
    ) {
        self.room = room
    }
}

/// `livekit.ListParticipantsResponse`.
public struct ListParticipantsResponse: Codable, Sendable, Equatable {
    /// Who is in the room.
    public var participants: [ParticipantInfo]?

    /// A ListParticipantsResponse; nil fields are not sent.
    public init(
        participants: [ParticipantInfo]? = nil
    ) {
        self.participants = participants
    }
}

/// `livekit.RoomParticipantIdentity` (RemoveParticipant, GetParticipant).
public struct RoomParticipantIdentity: Codable, Sendable, Equatable {
    /// The room.
    public var room: String?
    /// The participant.
    public var identity: String?
    /// Revoke tokens issued before this (unix s).
    public var revokeTokenTs: Int64?

    /// A RoomParticipantIdentity; nil fields are not sent.
    public init(
        room: String? = nil,
        identity: String? = nil,
        revokeTokenTs: Int64? = nil
    ) {
        self.room = room
        self.identity = identity
        self.revokeTokenTs = revokeTokenTs
    }
}

/// `livekit.UpdateParticipantRequest`.
public struct UpdateParticipantRequest: Codable, Sendable, Equatable {
    /// The room.
    public var room: String?
    /// The participant.
    public var identity: String?
    /// New metadata (empty = unchanged).
    public var metadata: String?
    /// New permissions.
    public var permission: ParticipantPermission?
    /// New name (empty = unchanged).
    public var name: String?
    /// Attributes to set; a value of "" deletes the key.
    public var attributes: [String: String]?

    /// A UpdateParticipantRequest; nil fields are not sent.
    public init(
        room: String? = nil,
        identity: String? = nil,
        metadata: String? = nil,
        permission: ParticipantPermission? = nil,
        name: String? = nil,
        attributes: [String: String]? = nil
    ) {
        self.room = room
        self.identity = identity
        self.metadata = metadata
        self.permission = permission
        self.name = name
        self.attributes = attributes
    }
}

/// What a participant may do (`livekit.ParticipantPermission`).
public struct ParticipantPermission: Codable, Sendable, Equatable {
    /// Subscribe to tracks.
    public var canSubscribe: Bool?
    /// Publish tracks.
    public var canPublish: Bool?
    /// Publish data.
    public var canPublishData: Bool?
    /// Only these sources.
    public var canPublishSources: [TrackSource]?
    /// Invisible to others.
    public var hidden: Bool?
    /// Update its own metadata.
    public var canUpdateMetadata: Bool?
    /// Subscribe to metrics.
    public var canSubscribeMetrics: Bool?
    /// Manage agent sessions.
    public var canManageAgentSession: Bool?

    /// A ParticipantPermission; nil fields are not sent.
    public init(
        canSubscribe: Bool? = nil,
        canPublish: Bool? = nil,
        canPublishData: Bool? = nil,
        canPublishSources: [TrackSource]? = nil,
        hidden: Bool? = nil,
        canUpdateMetadata: Bool? = nil,
        canSubscribeMetrics: Bool? = nil,
        canManageAgentSession: Bool? = nil
    ) {
        self.canSubscribe = canSubscribe
        self.canPublish = canPublish
        self.canPublishData = canPublishData
        self.canPublishSources = canPublishSources
        self.hidden = hidden
        self.canUpdateMetadata = canUpdateMetadata
        self.canSubscribeMetrics = canSubscribeMetrics
        self.canManageAgentSession = canManageAgentSession
    }
}
