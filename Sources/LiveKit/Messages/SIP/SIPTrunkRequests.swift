import Foundation

/// `livekit.CreateSIPInboundTrunkRequest`.
public struct CreateSIPInboundTrunkRequest: Codable, Sendable, Equatable {
    /// The trunk to create.
    public var trunk: SIPInboundTrunkInfo?

    /// A CreateSIPInboundTrunkRequest; nil fields are not sent.
    public init(
        trunk: SIPInboundTrunkInfo? = nil
    ) {
        self.trunk = trunk
    }
}

/// `livekit.CreateSIPOutboundTrunkRequest`.
public struct CreateSIPOutboundTrunkRequest: Codable, Sendable, Equatable {
    /// The trunk to create.
    public var trunk: SIPOutboundTrunkInfo?

    /// A CreateSIPOutboundTrunkRequest; nil fields are not sent.
    public init(
        trunk: SIPOutboundTrunkInfo? = nil
    ) {
        self.trunk = trunk
    }
}

/// `livekit.UpdateSIPInboundTrunkRequest` (whole-object replace).
public struct UpdateSIPInboundTrunkRequest: Codable, Sendable, Equatable {
    /// The trunk.
    public var sipTrunkId: String?
    /// Its new contents.
    public var replace: SIPInboundTrunkInfo?

    /// A UpdateSIPInboundTrunkRequest; nil fields are not sent.
    public init(
        sipTrunkId: String? = nil,
        replace: SIPInboundTrunkInfo? = nil
    ) {
        self.sipTrunkId = sipTrunkId
        self.replace = replace
    }
}

extension UpdateSIPInboundTrunkRequest: ProtoOneofs {
    static var oneofMembers: Set<String> { ["replace"] }
}

/// `livekit.UpdateSIPOutboundTrunkRequest` (whole-object replace).
public struct UpdateSIPOutboundTrunkRequest: Codable, Sendable, Equatable {
    /// The trunk.
    public var sipTrunkId: String?
    /// Its new contents.
    public var replace: SIPOutboundTrunkInfo?

    /// A UpdateSIPOutboundTrunkRequest; nil fields are not sent.
    public init(
        sipTrunkId: String? = nil,
        replace: SIPOutboundTrunkInfo? = nil
    ) {
        self.sipTrunkId = sipTrunkId
        self.replace = replace
    }
}

extension UpdateSIPOutboundTrunkRequest: ProtoOneofs {
    static var oneofMembers: Set<String> { ["replace"] }
}

/// `livekit.DeleteSIPTrunkRequest` (either kind of trunk).
public struct DeleteSIPTrunkRequest: Codable, Sendable, Equatable {
    /// The trunk.
    public var sipTrunkId: String?

    /// A DeleteSIPTrunkRequest; nil fields are not sent.
    public init(
        sipTrunkId: String? = nil
    ) {
        self.sipTrunkId = sipTrunkId
    }
}

/// The legacy trunk shape DeleteSIPTrunk answers with (`livekit.SIPTrunkInfo`, abridged).
public struct SIPTrunkInfo: Codable, Sendable, Equatable {
    /// The trunk.
    public var sipTrunkId: String?
    /// Its name.
    public var name: String?
    /// Its metadata.
    public var metadata: String?

    /// A SIPTrunkInfo; nil fields are not sent.
    public init(
        sipTrunkId: String? = nil,
        name: String? = nil,
        metadata: String? = nil
    ) {
        self.sipTrunkId = sipTrunkId
        self.name = name
        self.metadata = metadata
    }
}
