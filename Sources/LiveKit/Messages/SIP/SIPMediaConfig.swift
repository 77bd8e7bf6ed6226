import Foundation

/// Media settings of a trunk, rule or call (`livekit.SIPMediaConfig`).
public struct SIPMediaConfig: Codable, Sendable, Equatable {
    /// Offer only `codecs`.
    public var onlyListedCodecs: Bool?
    /// Codecs in preference order.
    public var codecs: [SIPCodec]?
    /// SRTP policy.
    public var encryption: SIPMediaEncryption?
    /// Hang up after this long without media.
    public var mediaTimeout: ProtoDuration?

    /// A SIPMediaConfig; nil fields are not sent.
    public init(
        onlyListedCodecs: Bool? = nil,
        codecs: [SIPCodec]? = nil,
        encryption: SIPMediaEncryption? = nil,
        mediaTimeout: ProtoDuration? = nil
    ) {
        self.onlyListedCodecs = onlyListedCodecs
        self.codecs = codecs
        self.encryption = encryption
        self.mediaTimeout = mediaTimeout
    }
}

extension SIPMediaConfig: ProtoOneofs {
    static var oneofMembers: Set<String> { ["encryption", "mediaTimeout"] }
}

/// A codec and its clock rate (`livekit.SIPCodec`).
public struct SIPCodec: Codable, Sendable, Equatable {
    /// e.g. `PCMU`, `opus`.
    public var name: String?
    /// Clock rate in Hz.
    public var rate: UInt32?

    /// A SIPCodec; nil fields are not sent.
    public init(
        name: String? = nil,
        rate: UInt32? = nil
    ) {
        self.name = name
        self.rate = rate
    }
}
