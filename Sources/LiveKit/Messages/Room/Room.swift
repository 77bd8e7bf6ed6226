import Foundation

/// `livekit.RoomService/CreateRoom` (`egress` not modelled).
public struct CreateRoomRequest: Codable, Sendable, Equatable {
    /// The room name.
    public var name: String?
    /// A Cloud room preset.
    public var roomPreset: String?
    /// Seconds the room stays open when nobody joins.
    public var emptyTimeout: UInt32?
    /// Seconds it stays open after everyone left.
    public var departureTimeout: UInt32?
    /// Participant limit.
    public var maxParticipants: UInt32?
    /// Pin the room to a node.
    public var nodeId: String?
    /// Room metadata.
    public var metadata: String?
    /// Room tags.
    public var tags: [String: String]?
    /// Minimum playout delay, ms.
    public var minPlayoutDelay: UInt32?
    /// Maximum playout delay, ms.
    public var maxPlayoutDelay: UInt32?
    /// Synchronise audio and video.
    public var syncStreams: Bool?
    /// Cloud replay.
    public var replayEnabled: Bool?
    /// Agents dispatched into the room.
    public var agents: [RoomAgentDispatch]?

    /// A CreateRoomRequest; nil fields are not sent.
    public init(
        name: String? = nil,
        roomPreset: String? = nil,
        emptyTimeout: UInt32? = nil,
        departureTimeout: UInt32? = nil,
        maxParticipants: UInt32? = nil,
        nodeId: String? = nil,
        metadata: String? = nil,
        tags: [String: String]? = nil,
        minPlayoutDelay: UInt32? = nil,
        maxPlayoutDelay: UInt32? = nil,
        syncStreams: Bool? = nil,
        replayEnabled: Bool? = nil,
        agents: [RoomAgentDispatch]? = nil
    ) {
        self.name = name
        self.roomPreset = roomPreset
        self.emptyTimeout = emptyTimeout
        self.departureTimeout = departureTimeout
        self.maxParticipants = maxParticipants
        self.nodeId = nodeId
        self.metadata = metadata
        self.tags = tags
        self.minPlayoutDelay = minPlayoutDelay
        self.maxPlayoutDelay = maxPlayoutDelay
        self.syncStreams = syncStreams
        self.replayEnabled = replayEnabled
        self.agents = agents
    }
}

/// A room (`livekit.Room`).
public struct Room: Codable, Sendable, Equatable {
    /// The `RM_` sid.
    public var sid: String?
    /// Its name.
    public var name: String?
    /// Seconds it stays open when empty.
    public var emptyTimeout: UInt32?
    /// Seconds after the last participant left.
    public var departureTimeout: UInt32?
    /// Participant limit.
    public var maxParticipants: UInt32?
    /// Unix seconds.
    public var creationTime: Int64?
    /// Unix milliseconds.
    public var creationTimeMs: Int64?
    /// TURN password.
    public var turnPassword: String?
    /// Room metadata.
    public var metadata: String?
    /// Participants now.
    public var numParticipants: UInt32?
    /// Publishers now.
    public var numPublishers: UInt32?
    /// Being recorded.
    public var activeRecording: Bool?

    /// A Room; nil fields are not sent.
    public init(
        sid: String? = nil,
        name: String? = nil,
        emptyTimeout: UInt32? = nil,
        departureTimeout: UInt32? = nil,
        maxParticipants: UInt32? = nil,
        creationTime: Int64? = nil,
        creationTimeMs: Int64? = nil,
        turnPassword: String? = nil,
        metadata: String? = nil,
        numParticipants: UInt32? = nil,
        numPublishers: UInt32? = nil,
        activeRecording: Bool? = nil
    ) {
        self.sid = sid
        self.name = name
        self.emptyTimeout = emptyTimeout
        self.departureTimeout = departureTimeout
        self.maxParticipants = maxParticipants
        self.creationTime = creationTime
        self.creationTimeMs = creationTimeMs
        self.turnPassword = turnPassword
        self.metadata = metadata
        self.numParticipants = numParticipants
        self.numPublishers = numPublishers
        self.activeRecording = activeRecording
    }
}
