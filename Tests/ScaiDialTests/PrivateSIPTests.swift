import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import NIOCore
import SIPRegistration
import Testing

@testable import ScaiDial

/// Issue 14, item 8: trunks point at carriers on the public internet, not into the operator's network.
@Suite("Trunk addresses: no loopback, private or link-local targets unless the operator allows them")
struct PrivateSIPTests {
    @Test(
        "which addresses are not public",
        arguments: [
            ("127.0.0.1", true), ("10.20.30.40", true), ("172.16.0.1", true), ("172.31.255.255", true), ("172.32.0.1", false),
            ("192.168.1.1", true), ("169.254.169.254", true), ("100.64.0.1", true), ("100.128.0.1", false), ("0.0.0.0", true),
            ("224.0.0.1", true), ("255.255.255.255", true), ("192.0.2.10", false), ("203.0.113.5", false), ("8.8.8.8", false),
            ("::1", true), ("::", true), ("fe80::1", true), ("fd00::1", true), ("ff02::1", true), ("::ffff:10.0.0.1", true),
            ("::ffff:8.8.8.8", false), ("2001:db8::1", false), ("2a00:1450::1", false), ("[::1]", true),
        ])
    func scopes(ip: String, nonPublic: Bool) {
        #expect((AddressScope.nonPublicReason(ip: ip) != nil) == nonPublic, "\(ip): \(AddressScope.nonPublicReason(ip: ip) ?? "public")")
    }

    @Test("saving a trunk at an IP address that is not public, or localhost, is 422 naming address; the operator's switch allows it")
    func refusedWhenSaved() async throws {
        for allowed in [false, true] {
            try await withApp(configure: { $0.sipAddresses.allowPrivate = allowed }) { api, _ in
                let w = try await World.build(api)
                for address in ["127.0.0.1:5060", "10.0.0.7", "[::1]:5061", "localhost:5060", "192.168.1.20", "169.254.169.254:80"] {
                    let reply = try await api.post(
                        "\(w.a.base)/trunks", token: w.a.adminToken, ["name": "t \(address)", "address": address])
                    if allowed {
                        #expect(reply.status == .created, "\(address): \(reply.text)")
                    } else {
                        #expect(reply.status == .unprocessableContent && reply.errorFields == ["address"], "\(address): \(reply.text)")
                        #expect(reply.text.contains("SCAIDIAL_ALLOW_PRIVATE_SIP"))
                    }
                }
                let patched = try await api.patch("\(w.a.base)/trunks/\(w.a.trunkID)", token: w.a.adminToken, ["address": "10.1.1.1:5060"])
                #expect(patched.status == (allowed ? .ok : .unprocessableContent))
                let carrier = try await api.post(
                    "\(w.a.base)/trunks", token: w.a.adminToken, ["name": "public", "address": "203.0.113.5:5060"])
                #expect(carrier.status == .created)
            }
        }
    }

    @Test("a trunk whose name resolves into a private network is not synced to LiveKit: failed, saying why, nothing created there")
    func refusedWhenSynced() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withApp(configure: {
            TrunkSyncTests.configure(lk)(&$0)
            $0.sipAddresses.resolve = { host in host == "pbx.internal.example" ? ["10.0.0.7"] : [] }
        }) { api, _ in
            let (base, token, trunk) = try await TrunkSyncTests.setUp(api)
            let inside = try await api.post("\(base)/trunks", token: token, ["name": "inside", "address": "pbx.internal.example:5060"]).id
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": inside])
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234568", "trunk_id": trunk])
            try await eventually("the public trunk synced") {
                try await TrunkSyncTests.sync(api, base, token, trunk)["state"] as? String == "synced"
            }
            try await eventually("the inside trunk failed") {
                try await TrunkSyncTests.sync(api, base, token, inside)["state"] as? String == "failed"
            }
            let sync = try await TrunkSyncTests.sync(api, base, token, inside)
            #expect((sync["error"] as? String)?.contains("pbx.internal.example resolves to 10.0.0.7, a private address") == true, "\(sync)")
            #expect(await TrunkSyncTests.counts(fake) == [1, 1, 1])
            #expect(await fake.inboundTrunks.first?.numbers == ["+31201234568"])
        }
        await fake.stop()
    }

    @Test("REGISTER is not sent to a registrar whose address is not public: the transport refuses before a byte leaves")
    func registerRefused() async throws {
        let guardDefault = SIPAddressGuard()
        let transport = NIOSIPTransport(timers: .init(), addressCheck: guardDefault.transportCheck)
        let account = RegistrationAccount(
            host: "127.0.0.1", port: 5999, transport: .udp, username: "acme", password: "pw", contact: "sip:acme@lk.example.com")
        let request = RegisterRequest(
            requestURI: "sip:127.0.0.1:5999", addressOfRecord: "sip:acme@127.0.0.1", fromTag: "t1", callID: "c1", cseq: 1,
            branch: "z9hG4bK-private", contact: "sip:acme@lk.example.com", expires: 300)
        do {
            _ = try await transport.send(request, to: account) { _ in }
            Issue.record("a REGISTER to 127.0.0.1 was sent")
        } catch let error as SIPTransactionError {
            #expect("\(error)".contains("a loopback address"), "\(error)")
        }
        await transport.close()
        #expect(SIPAddressGuard(allowPrivate: true).transportCheck == nil)
    }
}
