/// A carrier account to register: where the registrar is, who we are, and where calls for us
/// should go (the Contact).
public struct RegistrationAccount: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The registrar's host name or IP address; names are resolved at every attempt.
    public var host: String
    /// nil: the transport's default (5060, 5061 for TLS). No SRV lookup is done.
    public var port: Int?
    public var transport: SIPTransportKind
    /// The address-of-record domain (`sip:<username>@<domain>`); usually the registrar's host.
    public var domain: String
    public var username: String
    public var password: String
    /// The Contact URI the carrier sends calls to (livekit-sip's public address).
    public var contact: String
    /// The binding lifetime asked for (`Expires`); the registrar may grant less, or ask for more (423).
    public var expires: Int

    public init(
        host: String, port: Int? = nil, transport: SIPTransportKind = .udp, domain: String? = nil, username: String,
        password: String, contact: String, expires: Int = 3600
    ) {
        self.host = host
        self.port = port
        self.transport = transport
        self.domain = domain ?? host
        self.username = username
        self.password = password
        self.contact = contact
        self.expires = expires
    }

    /// `sip:<domain>` — plus the port when it is not the transport's default.
    var requestURI: String {
        let p = port.flatMap { $0 == transport.defaultPort ? nil : $0 }
        return "sip:\(bracketed(domain))" + (p.map { ":\($0)" } ?? "")
    }

    var addressOfRecord: String { "sip:\(SIPURI.escapeUser(username))@\(bracketed(domain))" }

    private func bracketed(_ host: String) -> String { host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }

    /// Never shows the password: accounts end up in logs.
    public var description: String {
        "\(username)@\(host):\(port ?? transport.defaultPort);transport=\(transport.rawValue) contact=\(contact)"
    }

    public var debugDescription: String { description }
}

/// What the application shows about a registration.
public struct RegistrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case registering, registered, failed, unregistered
    }
    public var state: State
    /// The registrar's last final status (200, 403, …); nil for timeouts and transport errors.
    public var statusCode: Int?
    /// Why it failed, in words.
    public var error: String?
    /// When the current binding runs out (also while a refresh is failing).
    public var expiresAt: Double?
    /// The next REGISTER: a refresh, or a retry after a failure.
    public var nextAttemptAt: Double?

    public init(state: State, statusCode: Int? = nil, error: String? = nil, expiresAt: Double? = nil, nextAttemptAt: Double? = nil) {
        self.state = state
        self.statusCode = statusCode
        self.error = error
        self.expiresAt = expiresAt
        self.nextAttemptAt = nextAttemptAt
    }
}
