import NIOCore

/// Whether an IP address is on the public internet. A carrier is; loopback, private, link-local,
/// shared (carrier-grade NAT), multicast and reserved addresses are not, and a trunk pointing there
/// would make ScaiDial (or livekit-sip) send SIP into the operator's own network.
public enum AddressScope {
    /// Why `address` is not a public internet address, or nil when it is.
    public static func nonPublicReason(_ address: SocketAddress) -> String? {
        switch address {
        case .v4(let a):
            let n = UInt32(bigEndian: a.address.sin_addr.s_addr)
            return v4Reason([UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)])
        case .v6(let a):
            var raw = a.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            return v6Reason(bytes)
        case .unixDomainSocket:
            return "a local socket"
        }
    }

    /// The same for an address written as text; nil also for text that is not an IP address.
    public static func nonPublicReason(ip: String) -> String? {
        let bare = ip.hasPrefix("[") && ip.hasSuffix("]") ? String(ip.dropFirst().dropLast()) : ip
        guard let address = try? SocketAddress(ipAddress: bare, port: 0) else { return nil }
        return nonPublicReason(address)
    }

    static func v4Reason(_ b: [UInt8]) -> String? {
        switch (b[0], b[1]) {
        case (0, _): "in 0.0.0.0/8 (this network)"
        case (10, _): "a private address (10.0.0.0/8)"
        case (100, 64...127): "a shared address (100.64.0.0/10, carrier-grade NAT)"
        case (127, _): "a loopback address (127.0.0.0/8)"
        case (169, 254): "a link-local address (169.254.0.0/16)"
        case (172, 16...31): "a private address (172.16.0.0/12)"
        case (192, 168): "a private address (192.168.0.0/16)"
        case (192, 0) where b[2] == 0: "an IETF protocol address (192.0.0.0/24)"
        case (198, 18...19): "a benchmarking address (198.18.0.0/15)"
        case (224...239, _): "a multicast address (224.0.0.0/4)"
        case (240...255, _): "a reserved address (240.0.0.0/4)"
        default: nil
        }
    }

    static func v6Reason(_ b: [UInt8]) -> String? {
        guard b.count == 16 else { return "not an IPv6 address" }
        if b.allSatisfy({ $0 == 0 }) { return "the unspecified address (::)" }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return "the loopback address (::1)" }
        // ::ffff:a.b.c.d carries an IPv4 address: that address decides.
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return v4Reason(Array(b[12..<16])) }
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return "a link-local address (fe80::/10)" }
        if b[0] & 0xFE == 0xFC { return "a unique local address (fc00::/7)" }
        if b[0] == 0xFF { return "a multicast address (ff00::/8)" }
        return nil
    }
}
