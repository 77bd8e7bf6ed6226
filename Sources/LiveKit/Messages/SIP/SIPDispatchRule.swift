import Foundation

/// How a dispatch rule picks the room (`livekit.SIPDispatchRule`, a oneof): set exactly one member.
/// Only one is ever sent — the first set of direct, individual, callee.
public struct SIPDispatchRule: Codable, Sendable, Equatable {
    /// Every call into one room.
    public var dispatchRuleDirect: SIPDispatchRuleDirect?
    /// A room per caller.
    public var dispatchRuleIndividual: SIPDispatchRuleIndividual?
    /// A room per called number.
    public var dispatchRuleCallee: SIPDispatchRuleCallee?

    /// A rule; set exactly one member.
    public init(
        dispatchRuleDirect: SIPDispatchRuleDirect? = nil,
        dispatchRuleIndividual: SIPDispatchRuleIndividual? = nil,
        dispatchRuleCallee: SIPDispatchRuleCallee? = nil
    ) {
        self.dispatchRuleDirect = dispatchRuleDirect
        self.dispatchRuleIndividual = dispatchRuleIndividual
        self.dispatchRuleCallee = dispatchRuleCallee
    }

    private enum CodingKeys: String, CodingKey {
        case dispatchRuleDirect, dispatchRuleIndividual, dispatchRuleCallee
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let dispatchRuleDirect {
            try container.encode(dispatchRuleDirect, forKey: .dispatchRuleDirect)
        } else if let dispatchRuleIndividual {
            try container.encode(dispatchRuleIndividual, forKey: .dispatchRuleIndividual)
        } else if let dispatchRuleCallee {
            try container.encode(dispatchRuleCallee, forKey: .dispatchRuleCallee)
        }
    }
}
