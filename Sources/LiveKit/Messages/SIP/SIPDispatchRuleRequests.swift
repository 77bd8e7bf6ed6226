import Foundation

/// `livekit.CreateSIPDispatchRuleRequest` (the non-deprecated `dispatch_rule` form).
public struct CreateSIPDispatchRuleRequest: Codable, Sendable, Equatable {
    /// The rule to create.
    public var dispatchRule: SIPDispatchRuleInfo?

    /// A CreateSIPDispatchRuleRequest; nil fields are not sent.
    public init(
        dispatchRule: SIPDispatchRuleInfo? = nil
    ) {
        self.dispatchRule = dispatchRule
    }
}

/// `livekit.UpdateSIPDispatchRuleRequest` (whole-object replace).
public struct UpdateSIPDispatchRuleRequest: Codable, Sendable, Equatable {
    /// The rule.
    public var sipDispatchRuleId: String?
    /// Its new contents.
    public var replace: SIPDispatchRuleInfo?

    /// A UpdateSIPDispatchRuleRequest; nil fields are not sent.
    public init(
        sipDispatchRuleId: String? = nil,
        replace: SIPDispatchRuleInfo? = nil
    ) {
        self.sipDispatchRuleId = sipDispatchRuleId
        self.replace = replace
    }
}

extension UpdateSIPDispatchRuleRequest: ProtoOneofs {
    static var oneofMembers: Set<String> { ["replace"] }
}

/// `livekit.DeleteSIPDispatchRuleRequest`.
public struct DeleteSIPDispatchRuleRequest: Codable, Sendable, Equatable {
    /// The rule.
    public var sipDispatchRuleId: String?

    /// A DeleteSIPDispatchRuleRequest; nil fields are not sent.
    public init(
        sipDispatchRuleId: String? = nil
    ) {
        self.sipDispatchRuleId = sipDispatchRuleId
    }
}
