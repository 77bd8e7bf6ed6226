/// How REGISTER travels to the registrar.
public enum SIPTransportKind: String, Sendable, CaseIterable {
    case udp, tcp, tls

    /// The token in `Via: SIP/2.0/<token>`.
    public var viaToken: String { rawValue.uppercased() }
    public var defaultPort: Int { self == .tls ? 5061 : 5060 }
}

/// One REGISTER request, as the state machine decides it. The transport renders it, adding the
/// address it sends from to `Via` (the machine does not know it).
public struct RegisterRequest: Sendable, Equatable {
    /// `sip:<domain>` (with the port when it is not the default).
    public var requestURI: String
    /// The address of record, `sip:<user>@<domain>`, in `From` and `To`.
    public var addressOfRecord: String
    public var fromTag: String
    public var callID: String
    public var cseq: Int
    /// `z9hG4bK…` (RFC 3261 §8.1.1.7): names the client transaction.
    public var branch: String
    public var contact: String
    /// What we ask for; 0 removes the binding (un-REGISTER).
    public var expires: Int
    /// `Authorization` or `Proxy-Authorization`, answering a challenge.
    public var credentials: (header: String, value: String)?
    public var userAgent: String

    public init(
        requestURI: String, addressOfRecord: String, fromTag: String, callID: String, cseq: Int, branch: String, contact: String,
        expires: Int, credentials: (header: String, value: String)? = nil, userAgent: String = "ScaiDial"
    ) {
        self.requestURI = requestURI
        self.addressOfRecord = addressOfRecord
        self.fromTag = fromTag
        self.callID = callID
        self.cseq = cseq
        self.branch = branch
        self.contact = contact
        self.expires = expires
        self.credentials = credentials
        self.userAgent = userAgent
    }

    /// The wire bytes. `sentBy` is `host:port` of the socket the request leaves from; `;rport`
    /// asks the registrar to answer to the port it saw (RFC 3581), which matters behind NAT.
    public func render(transport: SIPTransportKind, sentBy: String) -> [UInt8] {
        var lines = [
            "REGISTER \(requestURI) SIP/2.0",
            "Via: SIP/2.0/\(transport.viaToken) \(sentBy);rport;branch=\(branch)",
            "Max-Forwards: 70",
            "From: <\(addressOfRecord)>;tag=\(fromTag)",
            "To: <\(addressOfRecord)>",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) REGISTER",
            expires == 0 ? "Contact: <\(contact)>;expires=0" : "Contact: <\(contact)>",
            "Expires: \(expires)",
        ]
        if let credentials { lines.append("\(credentials.header): \(credentials.value)") }
        lines += ["User-Agent: \(userAgent)", "Content-Length: 0", "", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    public static func == (a: RegisterRequest, b: RegisterRequest) -> Bool {
        a.requestURI == b.requestURI && a.addressOfRecord == b.addressOfRecord && a.fromTag == b.fromTag && a.callID == b.callID
            && a.cseq == b.cseq && a.branch == b.branch && a.contact == b.contact && a.expires == b.expires
            && a.credentials?.header == b.credentials?.header && a.credentials?.value == b.credentials?.value
            && a.userAgent == b.userAgent
    }
}

/// Small helpers for the SIP URIs a registration uses.
public enum SIPURI {
    /// `<sip:a@b;transport=udp>` or `"Name" <sip:a@b>` → `sip:a@b;transport=udp`.
    public static func bare(_ s: String) -> String {
        if let open = s.firstIndex(of: "<"), let close = s[open...].firstIndex(of: ">") {
            return String(s[s.index(after: open)..<close])
        }
        return s.trimmingSIPWhitespace()
    }

    /// Whether `s` is a `sip:`/`sips:` URI with a host (`sip:host[:port][;params]`, optionally `user@`).
    public static func isValid(_ s: String) -> Bool {
        guard let rest = schemeless(s) else { return false }
        let hostPart = rest.split(separator: "@", maxSplits: 1).last.map(String.init) ?? ""
        let host = hostPart.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return !host.isEmpty && !host.contains(" ") && !s.contains(">") && !s.contains("<")
    }

    /// The Contact for an account: the configured URI with `user` put in front of the host when
    /// the URI has no user part (`sip:sip.example.com:5060;transport=udp` + `acme` →
    /// `sip:acme@sip.example.com:5060;transport=udp`). Carriers send calls to this URI.
    public static func contact(base: String, user: String) -> String {
        guard let rest = schemeless(base), !rest.split(separator: ";", maxSplits: 1)[0].contains("@") else { return base }
        let scheme = base.hasPrefix("sips:") ? "sips:" : "sip:"
        return scheme + escapeUser(user) + "@" + rest
    }

    /// The user part, escaped (RFC 3261 §25.1 `user`: unreserved and a few marks stay as they are).
    public static func escapeUser(_ user: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()&=+$,;?/")
        var out = ""
        for byte in user.utf8 {
            let ch = Character(UnicodeScalar(byte))
            if byte < 128 && allowed.contains(ch) {
                out.append(ch)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private static func schemeless(_ s: String) -> Substring? {
        if s.hasPrefix("sip:") { return s.dropFirst(4) }
        if s.hasPrefix("sips:") { return s.dropFirst(5) }
        return nil
    }
}

extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
