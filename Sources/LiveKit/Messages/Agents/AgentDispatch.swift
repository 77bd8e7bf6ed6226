import Foundation

/// `livekit.AgentDispatchService/CreateDispatch`: sends an agent into a room.
public struct CreateAgentDispatchRequest: Codable, Sendable, Equatable {
    /// The agent's registered name.
    public var agentName: String?
    /// The room.
    public var room: String?
    /// Job metadata for the agent.
    public var metadata: String?
    /// Cloud only.
    public var restartPolicy: JobRestartPolicy?
    /// Agent deployment (Cloud).
    public var deployment: String?
    /// Job attributes.
    public var attributes: [String: String]?

    /// A CreateAgentDispatchRequest; nil fields are not sent.
    public init(
        agentName: String? = nil,
        room: String? = nil,
        metadata: String? = nil,
        restartPolicy: JobRestartPolicy? = nil,
        deployment: String? = nil,
        attributes: [String: String]? = nil
    ) {
        self.agentName = agentName
        self.room = room
        self.metadata = metadata
        self.restartPolicy = restartPolicy
        self.deployment = deployment
        self.attributes = attributes
    }
}

/// A dispatch of an agent into a room (`livekit.AgentDispatch`).
public struct AgentDispatch: Codable, Sendable, Equatable {
    /// The `AD_` id.
    public var id: String?
    /// The agent.
    public var agentName: String?
    /// The room.
    public var room: String?
    /// Job metadata.
    public var metadata: String?
    /// Its jobs.
    public var state: AgentDispatchState?
    /// Cloud only.
    public var restartPolicy: JobRestartPolicy?
    /// Agent deployment.
    public var deployment: String?
    /// Job attributes.
    public var attributes: [String: String]?

    /// A AgentDispatch; nil fields are not sent.
    public init(
        id: String? = nil,
        agentName: String? = nil,
        room: String? = nil,
        metadata: String? = nil,
        state: AgentDispatchState? = nil,
        restartPolicy: JobRestartPolicy? = nil,
        deployment: String? = nil,
        attributes: [String: String]? = nil
    ) {
        self.id = id
        self.agentName = agentName
        self.room = room
        self.metadata = metadata
        self.state = state
        self.restartPolicy = restartPolicy
        self.deployment = deployment
        self.attributes = attributes
    }
}

/// `livekit.AgentDispatchState` (jobs not modelled).
public struct AgentDispatchState: Codable, Sendable, Equatable {
    /// Unix nanoseconds.
    public var createdAt: Int64?
    /// Unix nanoseconds.
    public var deletedAt: Int64?

    /// A AgentDispatchState; nil fields are not sent.
    public init(
        createdAt: Int64? = nil,
        deletedAt: Int64? = nil
    ) {
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }
}
