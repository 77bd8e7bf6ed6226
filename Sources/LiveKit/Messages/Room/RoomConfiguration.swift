import Foundation

/// How a room is set up when it is created: in dispatch rules and tokens (`livekit.RoomConfiguration`; `egress` not modelled).
public struct RoomConfiguration: Codable, Sendable, Equatable {
    /// The room name.
    public var name: String?
    /// Seconds the room stays open when nobody joins.
    public var emptyTimeout: UInt32?
    /// Seconds it stays open after everyone left.
    public var departureTimeout: UInt32?
    /// Participant limit (not counting agents and egress).
    public var maxParticipants: UInt32?
    /// Room metadata.
    public var metadata: String?
    /// Minimum playout delay, ms.
    public var minPlayoutDelay: UInt32?
    /// Maximum playout delay, ms.
    public var maxPlayoutDelay: UInt32?
    /// Synchronise audio and video.
    public var syncStreams: Bool?
    /// Agents dispatched when the room is created.
    public var agents: [RoomAgentDispatch]?
    /// Room tags.
    public var tags: [String: String]?

    /// A RoomConfiguration; nil fields are not sent.
    public init(
        name: String? = nil,
        emptyTimeout: UInt32? = nil,
        departureTimeout: UInt32? = nil,
        maxParticipants: UInt32? = nil,
        metadata: String? = nil,
        minPlayoutDelay: UInt32? = nil,
        maxPlayoutDelay: UInt32? = nil,
        syncStreams: Bool? = nil,
        agents: [RoomAgentDispatch]? = nil,
        tags: [String: String]? = nil
    ) {
        self.name = name
        self.emptyTimeout = emptyTimeout
        self.departureTimeout = departureTimeout
        self.maxParticipants = maxParticipants
        self.metadata = metadata
        self.minPlayoutDelay = minPlayoutDelay
        self.maxPlayoutDelay = maxPlayoutDelay
        self.syncStreams = syncStreams
        self.agents = agents
        self.tags = tags
    }
}

/// An agent to dispatch into a room (`livekit.RoomAgentDispatch`).
public struct RoomAgentDispatch: Codable, Sendable, Equatable {
    /// The agent's registered name.
    public var agentName: String?
    /// Job metadata for the agent.
    public var metadata: String?
    /// Cloud only.
    public var restartPolicy: JobRestartPolicy?
    /// Agent deployment (Cloud).
    public var deployment: String?
    /// Job attributes.
    public var attributes: [String: String]?

    /// A RoomAgentDispatch; nil fields are not sent.
    public init(
        agentName: String? = nil,
        metadata: String? = nil,
        restartPolicy: JobRestartPolicy? = nil,
        deployment: String? = nil,
        attributes: [String: String]? = nil
    ) {
        self.agentName = agentName
        self.metadata = metadata
        self.restartPolicy = restartPolicy
        self.deployment = deployment
        self.attributes = attributes
    }
}
