import Foundation

/// A per-call outbound trunk (`livekit.SIPOutboundConfig`).
public struct SIPOutboundConfig: Codable, Sendable, Equatable {
    /// The carrier, `host[:port]`.
    public var hostname: String?
    /// ISO country code of the destination.
    public var destinationCountry: String?
    /// UDP, TCP, TLS or auto.
    public var transport: SIPTransport?
    /// Our digest user at the carrier.
    public var authUsername: String?
    /// Our digest password.
    public var authPassword: String?
    /// SIP header → participant attribute.
    public var headersToAttributes: [String: String]?
    /// Participant attribute → SIP header.
    public var attributesToHeaders: [String: String]?
    /// Host used in the From header.
    public var fromHost: String?

    /// A SIPOutboundConfig; nil fields are not sent.
    public init(
        hostname: String? = nil,
        destinationCountry: String? = nil,
        transport: SIPTransport? = nil,
        authUsername: String? = nil,
        authPassword: String? = nil,
        headersToAttributes: [String: String]? = nil,
        attributesToHeaders: [String: String]? = nil,
        fromHost: String? = nil
    ) {
        self.hostname = hostname
        self.destinationCountry = destinationCountry
        self.transport = transport
        self.authUsername = authUsername
        self.authPassword = authPassword
        self.headersToAttributes = headersToAttributes
        self.attributesToHeaders = attributesToHeaders
        self.fromHost = fromHost
    }
}

/// A Request-URI override: raw text or parts (`livekit.SIPRequestDest`).
public struct SIPRequestDest: Codable, Sendable, Equatable {
    /// The URI as text.
    public var raw: String?
    /// The URI in parts.
    public var values: SIPUri?

    /// A SIPRequestDest; nil fields are not sent.
    public init(
        raw: String? = nil,
        values: SIPUri? = nil
    ) {
        self.raw = raw
        self.values = values
    }
}

extension SIPRequestDest: ProtoOneofs {
    static var oneofMembers: Set<String> { ["raw", "values"] }
}

/// A From/To header override (`livekit.SIPNamedDest`).
public struct SIPNamedDest: Codable, Sendable, Equatable {
    /// The display name.
    public var displayName: String?
    /// The URI as text.
    public var raw: String?
    /// The URI in parts.
    public var values: SIPUri?

    /// A SIPNamedDest; nil fields are not sent.
    public init(
        displayName: String? = nil,
        raw: String? = nil,
        values: SIPUri? = nil
    ) {
        self.displayName = displayName
        self.raw = raw
        self.values = values
    }
}

extension SIPNamedDest: ProtoOneofs {
    static var oneofMembers: Set<String> { ["raw", "values"] }
}

/// A SIP URI in parts (`livekit.SIPUri`).
public struct SIPUri: Codable, Sendable, Equatable {
    /// User part.
    public var user: String?
    /// Host name.
    public var host: String?
    /// IP address.
    public var ip: String?
    /// Port.
    public var port: UInt32?
    /// Transport.
    public var transport: SIPTransport?

    /// A SIPUri; nil fields are not sent.
    public init(
        user: String? = nil,
        host: String? = nil,
        ip: String? = nil,
        port: UInt32? = nil,
        transport: SIPTransport? = nil
    ) {
        self.user = user
        self.host = host
        self.ip = ip
        self.port = port
        self.transport = transport
    }
}

/// Where a callee is (`livekit.Destination`).
public struct SIPDestination: Codable, Sendable, Equatable {
    /// City.
    public var city: String?
    /// ISO country code.
    public var country: String?
    /// Region.
    public var region: String?

    /// A SIPDestination; nil fields are not sent.
    public init(
        city: String? = nil,
        country: String? = nil,
        region: String? = nil
    ) {
        self.city = city
        self.country = country
        self.region = region
    }
}
