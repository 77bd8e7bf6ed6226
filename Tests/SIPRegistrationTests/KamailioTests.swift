import Foundation
import NIOSSL
import SIPRegistration
import SIPTestSupport
import Testing

/// Against a real Kamailio registrar with digest authentication.
@Suite("Kamailio registrar", .serialized)
struct KamailioTests {
    static func account(
        _ k: Kamailio, password: String = "s3cret", transport: SIPTransportKind = .udp, expires: Int = 3600
    )
        -> RegistrationAccount
    {
        RegistrationAccount(
            host: "127.0.0.1", port: k.port, transport: transport, username: "acme", password: password,
            contact: "sip:acme@lk.example.com:5060;transport=udp", expires: expires)
    }

    @Test("registers with MD5 digest auth over UDP; Kamailio holds the Contact; stop removes it", arguments: [SIPTransportKind.udp, .tcp])
    func registers(transport: SIPTransportKind) async throws {
        let k = try await Kamailio.start(users: ["acme": "s3cret"])
        defer { k.stop() }
        let run = RunningClient.start(Self.account(k, transport: transport, expires: 600))
        try await run.waitFor("registered") { $0.state == .registered }
        #expect(run.recorder.last?.statusCode == 200)
        let contacts = try await k.contacts()
        #expect(contacts.count == 1)
        #expect(contacts.first?["AoR"] == "acme")
        #expect(contacts.first?["Address"] == "sip:acme@lk.example.com:5060;transport=udp")
        #expect(contacts.first?["Call-ID"] == run.recorder.attempts.first?.callID)
        #expect(Int(contacts.first?["Expires"] ?? "") ?? 0 > 590)
        #expect(k.received.allSatisfy { $0.contains("proto=\(transport.rawValue)") })
        // The first REGISTER carried no credentials, the second answered Kamailio's challenge.
        #expect(k.received.count == 2)
        #expect(k.received.first?.contains("auth=[<null>]") == true)
        #expect(k.received.last?.contains("algorithm=MD5") == true)
        #expect(k.received.allSatisfy { $0.contains(";rport;branch=z9hG4bK") })
        await run.stop()
        #expect(run.recorder.last?.state == .unregistered)
        #expect(try await k.contacts().isEmpty)
        #expect(k.received.last?.contains("expires=0") == true)
    }

    @Test("registers over TLS, verifying the registrar's certificate; an untrusted certificate is a transport failure")
    func tls() async throws {
        let k = try await Kamailio.start(users: ["acme": "s3cret"], tls: true)
        defer { k.stop() }
        var account = Self.account(k, transport: .tls)
        account.port = k.tlsPort
        var trusted = TLSConfiguration.makeClientConfiguration()
        trusted.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(k.certificate.path))
        let run = RunningClient.start(account, tls: trusted)
        try await run.waitFor("registered") { $0.state == .registered }
        #expect(k.received.allSatisfy { $0.contains("proto=tls") && $0.contains("SIP/2.0/TLS") })
        #expect(try await k.contacts().count == 1)
        await run.stop()
        #expect(try await k.contacts().isEmpty)

        // The system's trust roots do not know this self-signed certificate.
        let untrusted = RunningClient.start(account)
        try await untrusted.waitFor("failed") { $0.state == .failed }
        #expect(untrusted.recorder.last?.error?.contains("TLS") == true, "\(untrusted.recorder.last?.error ?? "")")
        await untrusted.stop()
    }

    @Test("refreshes before expiry with the same Call-ID and a higher CSeq")
    func refreshes() async throws {
        let k = try await Kamailio.start(users: ["acme": "s3cret"])
        defer { k.stop() }
        // Kamailio grants what is asked (min_expires 1): 4 s is refreshed after about 2 s.
        let run = RunningClient.start(Self.account(k, expires: 4))
        try await run.waitFor("registered") { $0.state == .registered }
        let first = try #require(try await k.contacts().first)
        try await waitUntil("a refresh reached Kamailio", timeout: .seconds(10)) { k.received.count >= 4 }
        try await waitUntil("Kamailio saw the refresh", timeout: .seconds(5)) {
            Int(try await k.contacts().first?["CSeq"] ?? "0")! > Int(first["CSeq"]!)!
        }
        let refreshed = try #require(try await k.contacts().first)
        #expect(refreshed["Call-ID"] == first["Call-ID"])
        #expect(try await k.contacts().count == 1)
        let callIDs = Set(k.received.compactMap { line in line.range(of: "callid=").map { line[$0.upperBound...].prefix { $0 != " " } } })
        #expect(callIDs.count == 1)
        await run.stop()
    }

    @Test("SHA-256 challenges (RFC 8760) are answered and verified by Kamailio")
    func sha256() async throws {
        let k = try await Kamailio.start(users: ["acme": "s3cret"], algorithm: "SHA-256")
        defer { k.stop() }
        let run = RunningClient.start(Self.account(k))
        try await run.waitFor("registered") { $0.state == .registered }
        #expect(k.received.last?.contains("algorithm=SHA-256") == true)
        #expect(try await k.contacts().count == 1)
        await run.stop()
    }

    @Test("a wrong password ends in failed with 401 and a backoff; Kamailio keeps no Contact")
    func wrongPassword() async throws {
        let k = try await Kamailio.start(users: ["acme": "s3cret"])
        defer { k.stop() }
        let started = Date().timeIntervalSince1970
        let run = RunningClient.start(Self.account(k, password: "wrong-password"))
        try await run.waitFor("failed") { $0.state == .failed }
        let observed = Date().timeIntervalSince1970
        let status = try #require(run.recorder.last)
        #expect(status.statusCode == 401)
        #expect(status.error?.contains("credentials") == true)
        let next = try #require(status.nextAttemptAt)
        // 50–100 % of the 1 s base after the failure, which came after the start and before it was
        // seen (bounds that hold however slowly a loaded machine gets there).
        #expect(next >= started + 0.49 && next <= observed + 1.01, "\(next - started) s after the start")
        #expect(try await k.contacts().isEmpty)
        // It tries again after the backoff: a new pair of REGISTERs, still refused.
        try await waitUntil("the retry reached Kamailio", timeout: .seconds(10)) { k.received.count >= 4 }
        #expect(run.recorder.statuses.filter { $0.state == .failed }.count >= 1)
        #expect(!k.log.contains("wrong-password"))
        await run.stop()
        #expect(try await k.contacts().isEmpty)
    }
}
