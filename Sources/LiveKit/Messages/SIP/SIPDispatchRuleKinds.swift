import Foundation

/// Every call into one room (`livekit.SIPDispatchRuleDirect`).
public struct SIPDispatchRuleDirect: Codable, Sendable, Equatable {
    /// The room.
    public var roomName: String?
    /// A PIN callers must enter.
    public var pin: String?

    /// A SIPDispatchRuleDirect; nil fields are not sent.
    public init(
        roomName: String? = nil,
        pin: String? = nil
    ) {
        self.roomName = roomName
        self.pin = pin
    }
}

/// A room per caller: `[prefix_]<caller>_<random>` (`livekit.SIPDispatchRuleIndividual`).
public struct SIPDispatchRuleIndividual: Codable, Sendable, Equatable {
    /// Prefix of the room names.
    public var roomPrefix: String?
    /// A PIN callers must enter.
    public var pin: String?
    /// Leave out the random suffix.
    public var noRandomness: Bool?

    /// A SIPDispatchRuleIndividual; nil fields are not sent.
    public init(
        roomPrefix: String? = nil,
        pin: String? = nil,
        noRandomness: Bool? = nil
    ) {
        self.roomPrefix = roomPrefix
        self.pin = pin
        self.noRandomness = noRandomness
    }
}

/// A room per called number: `[prefix_]<called>` (`livekit.SIPDispatchRuleCallee`).
public struct SIPDispatchRuleCallee: Codable, Sendable, Equatable {
    /// Prefix of the room names.
    public var roomPrefix: String?
    /// A PIN callers must enter.
    public var pin: String?
    /// Add a random suffix.
    public var randomize: Bool?

    /// A SIPDispatchRuleCallee; nil fields are not sent.
    public init(
        roomPrefix: String? = nil,
        pin: String? = nil,
        randomize: Bool? = nil
    ) {
        self.roomPrefix = roomPrefix
        self.pin = pin
        self.randomize = randomize
    }
}
