import Foundation
import NIOCore
import NIOPosix
import SIPRegistration

/// Where trunks may point: carriers on the public internet. A trunk whose address is (or resolves
/// to) a loopback, private, link-local or otherwise non-public address is refused — when saved
/// (an IP address or `localhost`), when synced to LiveKit (its name resolved then), and at every
/// REGISTER (the address actually dialled) — unless the operator runs carriers on a private
/// network and says so with `SCAIDIAL_ALLOW_PRIVATE_SIP=1`. Otherwise a tenant admin could make
/// ScaiDial or livekit-sip send SIP to services inside the operator's own network.
struct SIPAddressGuard: Sendable {
    /// `SCAIDIAL_ALLOW_PRIVATE_SIP=1`.
    var allowPrivate = false
    /// The addresses a host name stands for (getaddrinfo; tests give their own).
    var resolve: @Sendable (String) async -> [String] = SIPAddressGuard.systemResolve

    static let hint = "set SCAIDIAL_ALLOW_PRIVATE_SIP=1 if your carriers are on a private network"

    /// Why a trunk address, as written, is refused when saved; nil when it may be saved.
    func refusalWhenSaved(_ hostPort: String) -> String? {
        guard !allowPrivate, let host = HostPort(hostPort)?.host.lowercased() else { return nil }
        if host == "localhost" || host.hasSuffix(".localhost") { return "\(host) is this machine; \(Self.hint)" }
        return AddressScope.nonPublicReason(ip: host).map { "\(host) is \($0); \(Self.hint)" }
    }

    /// Why a trunk address is refused now, its name resolved; nil when it may be used (also when
    /// the name does not resolve here: livekit-sip resolves it for itself, and says so if it cannot).
    func refusal(_ hostPort: String) async -> String? {
        if let saved = refusalWhenSaved(hostPort) { return saved }
        // An IP address was judged above; only a name is left to resolve.
        guard !allowPrivate, let host = HostPort(hostPort)?.host, (try? SocketAddress(ipAddress: host, port: 0)) == nil else {
            return nil
        }
        for ip in await resolve(host) {
            if let reason = AddressScope.nonPublicReason(ip: ip) { return "\(host) resolves to \(ip), \(reason); \(Self.hint)" }
        }
        return nil
    }

    /// For the REGISTER transport: the resolved address it is about to use.
    var transportCheck: (@Sendable (SocketAddress) -> String?)? {
        if allowPrivate { return nil }
        let check: @Sendable (SocketAddress) -> String? = { address in AddressScope.nonPublicReason(address).map { "\($0); \(Self.hint)" } }
        return check
    }

    static let systemResolve: @Sendable (String) async -> [String] = { host in
        let address = try? await NIOThreadPool.singleton.runIfActive { try SocketAddress.makeAddressResolvingHost(host, port: 0) }
        return address?.ipAddress.map { [$0] } ?? []
    }
}
