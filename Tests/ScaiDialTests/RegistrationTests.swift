import FluentKit
import Foundation
import SIPRegistration
import SIPTestSupport
import Synchronization
import Testing

@testable import ScaiDial

/// REGISTER-mode trunks end to end: the API, the registration service and a real Kamailio.
@Suite("REGISTER-mode trunks")
struct RegistrationTests {
    static func configure(_ config: inout AppConfig) {
        config.sipContact = "sip:lk.example.com:5060;transport=udp"
        config.registrationInterval = .milliseconds(200)
        config.registrationRetry = RetryPolicy(base: 1, cap: 4)
        // Kamailio listens on 127.0.0.1: a private network, as the operator allows here.
        config.sipAddresses.allowPrivate = true
    }

    /// A tenant with one registering trunk pointing at `port`; returns (token, trunk path).
    static func trunk(
        _ api: API, port: Int, password: String = "s3cret-carrier-pw", transport: String = "udp"
    ) async throws -> (
        String, String
    ) {
        let root = try await api.login("root@platform.test", "root-password")
        let tenant = try await api.post("/v1/tenants", token: root, ["name": "Acme", "country": "NL"]).id
        let trunk = try await api.post(
            "/v1/tenants/\(tenant)/trunks", token: root,
            [
                "name": "carrier", "address": "127.0.0.1:\(port)", "transport": transport, "register": true, "auth_username": "acme",
                "auth_password": password,
            ])
        #expect(trunk.status == .created)
        return (root, "/v1/tenants/\(tenant)/trunks/\(trunk.id)")
    }

    static func registration(_ api: API, _ token: String, _ path: String) async throws -> [String: Any] {
        let reply = try await api.get(path, token: token)
        return reply.json["registration"] as? [String: Any] ?? [:]
    }

    @Test("a register=true trunk is registered at Kamailio and the API shows it; disabling and deleting un-REGISTER")
    func registersAndUnregisters() async throws {
        let k = try await Kamailio.start(users: ["acme": "s3cret-carrier-pw"])
        defer { k.stop() }
        try await withApp(configure: Self.configure) { api, _ in
            let (token, path) = try await Self.trunk(api, port: k.port)
            try await eventually("registered") { try await Self.registration(api, token, path)["state"] as? String == "registered" }
            let registration = try await Self.registration(api, token, path)
            #expect(registration["status_code"] as? Int == 200)
            #expect(registration["error"] is NSNull)
            #expect(registration["expires_at"] is String)
            #expect(registration["next_attempt_at"] is String)
            let contacts = try await k.contacts()
            #expect(contacts.map { $0["Address"] } == ["sip:acme@lk.example.com:5060;transport=udp"])
            #expect(contacts.first?["AoR"] == "acme")

            let metrics = try await api.get("/metrics", token: nil).text
            #expect(metrics.contains("scaidial_sip_register_attempts_total{kind=\"register\"} 2"))
            #expect(metrics.contains("scaidial_sip_registration_states_total{state=\"registered\"} 1"))

            let disabled = try await api.patch(path, token: token, ["register": false])
            #expect((disabled.json["registration"] as? [String: Any])?["state"] as? String == "disabled")
            try await eventually("Kamailio lost the Contact") { try await k.contacts().isEmpty }
            #expect(k.received.last?.contains("expires=0") == true)

            _ = try await api.patch(path, token: token, ["register": true])
            try await eventually("registered again") { try await Self.registration(api, token, path)["state"] as? String == "registered" }
            #expect(try await k.contacts().count == 1)
            #expect(try await api.delete(path, token: token).status == .noContent)
            try await eventually("Kamailio lost the Contact after the delete") { try await k.contacts().isEmpty }
        }
    }

    @Test("a wrong password shows failed with 401 and the next attempt; no password reaches the log")
    func wrongPassword() async throws {
        let k = try await Kamailio.start(users: ["acme": "the-right-password"])
        defer { k.stop() }
        let logs = LogCapture()
        try await withApp(logs: logs, configure: Self.configure) { api, _ in
            let (token, path) = try await Self.trunk(api, port: k.port, password: "wrong-password-xyz")
            try await eventually("failed") { try await Self.registration(api, token, path)["state"] as? String == "failed" }
            let registration = try await Self.registration(api, token, path)
            #expect(registration["status_code"] as? Int == 401)
            #expect((registration["error"] as? String)?.contains("credentials") == true)
            #expect(registration["next_attempt_at"] is String)
            #expect(try await k.contacts().isEmpty)
            // It keeps trying, with backoff: a later pair of REGISTERs reaches Kamailio.
            try await eventually("a retry") { k.received.count >= 4 }
            let metrics = try await api.get("/metrics", token: nil).text
            #expect(metrics.contains("scaidial_sip_register_failures_total{reason=\"401\"}"))
        }
        #expect(logs.text.contains("trunk registration"))
        #expect(!logs.text.contains("wrong-password-xyz"))
        #expect(!k.log.contains("wrong-password-xyz"))
    }

    @Test("without SCAIDIAL_SIP_CONTACT a registering trunk shows failed with the reason")
    func noContact() async throws {
        try await withApp(configure: { config in
            Self.configure(&config)
            config.sipContact = nil
        }) { api, _ in
            let (token, path) = try await Self.trunk(api, port: 5060)
            try await eventually("failed") { try await Self.registration(api, token, path)["state"] as? String == "failed" }
            let registration = try await Self.registration(api, token, path)
            #expect((registration["error"] as? String)?.contains("SCAIDIAL_SIP_CONTACT") == true)
        }
    }

    @Test("graceful shutdown un-REGISTERs every trunk")
    func shutdownUnregisters() async throws {
        let k = try await Kamailio.start(users: ["acme": "s3cret-carrier-pw"])
        defer { k.stop() }
        try await withApp(configure: Self.configure) { api, _ in
            let (token, path) = try await Self.trunk(api, port: k.port, transport: "tcp")
            try await eventually("registered") { try await Self.registration(api, token, path)["state"] as? String == "registered" }
            #expect(try await k.contacts().count == 1)
        }
        #expect(try await k.contacts().isEmpty)
        #expect(k.received.last?.contains("expires=0") == true)
    }

    @Test("a silent carrier holds up neither the API nor shutdown: REGISTER waits for Timer F in the background")
    func silentCarrierDoesNotBlock() async throws {
        let silent = try SilentUDPServer()
        let shutdownStarted = Mutex<ContinuousClock.Instant?>(nil)
        try await withApp(configure: Self.configure) { api, _ in
            let (token, path) = try await Self.trunk(api, port: silent.port)
            try await eventually("the carrier got a REGISTER") { silent.datagrams > 0 }
            // Timer F is 32 s: the answer is there long before, telling the admin it is still trying.
            let reply = try await api.get(path, token: token)
            #expect((reply.json["registration"] as? [String: Any])?["state"] as? String == "registering")
            shutdownStarted.withLock { $0 = .now }
        }
        // Shutdown sends an un-REGISTER it waits at most 8 s for, not the 32 s of Timer F (the
        // bound leaves a loaded machine room, and still tells the two apart).
        let shutdown = ContinuousClock.now - (shutdownStarted.withLock { $0 } ?? .now)
        #expect(shutdown < .seconds(25), "shutdown took \(shutdown)")
    }
}

/// One replica registers a trunk; another takes over once the holder stops renewing.
@Suite("Registration leases")
struct RegistrationLeaseTests {
    @Test("a lease is held by one replica until it runs out, then another takes it over")
    func takeover() async throws {
        try await withApp { api, db in
            let root = try await api.login("root@platform.test", "root-password")
            let tenant = try await api.post("/v1/tenants", token: root, ["name": "T", "country": "NL"]).id
            let trunk = try await api.post("/v1/tenants/\(tenant)/trunks", token: root, ["name": "c", "address": "sip.c.example"]).id
            let trunkID = try #require(UUID(uuidString: trunk))
            var config = db.config()
            config.databasePoolSize = 1
            let persistence = try Persistence(
                url: DatabaseURL.parse(config.databaseURL)!, logger: .init(label: "lease-test"),
                postgresSearchPath: config.postgresSearchPath, poolSize: 1)
            do {
                let a = RegistrationLeases(holder: "a", duration: 30)
                let b = RegistrationLeases(holder: "b", duration: 30)
                let t0 = Date()
                let d = persistence.db
                #expect(try await a.acquire(trunkID, now: t0, on: d))
                #expect(try await !b.acquire(trunkID, now: t0.addingTimeInterval(1), on: d))
                #expect(try await a.acquire(trunkID, now: t0.addingTimeInterval(2), on: d))  // its own again
                #expect(try await a.renew(now: t0.addingTimeInterval(10), on: d) == [trunkID])
                // a stops renewing: its lease (until t0+40) runs out, and b takes over.
                #expect(try await !b.acquire(trunkID, now: t0.addingTimeInterval(39), on: d))
                #expect(try await b.acquire(trunkID, now: t0.addingTimeInterval(41), on: d))
                #expect(try await a.renew(now: t0.addingTimeInterval(42), on: d).isEmpty)
                try await a.release(trunkID, on: d)  // not a's any more: nothing happens
                #expect(try await !a.acquire(trunkID, now: t0.addingTimeInterval(43), on: d))
                try await b.release(trunkID, on: d)
                #expect(try await a.acquire(trunkID, now: t0.addingTimeInterval(44), on: d))
            } catch {
                await persistence.shutdown()
                throw error
            }
            await persistence.shutdown()
        }
    }
}

/// Two replicas on one database, each with its own registration service, against Kamailio.
@Suite("Registration takeover between replicas")
struct RegistrationTakeoverTests {
    @Test("when the holder stops renewing, another replica registers the trunk; the old holder lets go without un-REGISTER")
    func takeover() async throws {
        let k = try await Kamailio.start(users: ["acme": "s3cret-carrier-pw"])
        defer { k.stop() }
        // The application's own service has no Contact, so it registers nothing itself.
        try await withApp(configure: {
            $0.sipContact = nil
            $0.sipAddresses.allowPrivate = true
        }) { api, db in
            _ = try await RegistrationTests.trunk(api, port: k.port)
            func replica(_ interval: Duration) throws -> (RegistrationService, Persistence) {
                var config = db.config()
                RegistrationTests.configure(&config)
                config.registrationInterval = interval
                config.registrationLease = 1
                let persistence = try Persistence(
                    url: DatabaseURL.parse(config.databaseURL)!, logger: .init(label: "replica"),
                    postgresSearchPath: config.postgresSearchPath, poolSize: 1)
                let service = RegistrationService(
                    config: config, persistence: persistence, secrets: SecretBox(secretKey: config.secretKey), metrics: MetricsRegistry(),
                    logger: .init(label: "replica"))
                return (service, persistence)
            }
            // Replica A looks only when kicked, so after its first pass it stops renewing its lease.
            let (a, pa) = try replica(.seconds(3600))
            let (b, pb) = try replica(.milliseconds(200))
            let runA = Task { try await a.run() }
            a.kick()
            try await eventually("A registered the trunk") { (try? await k.contacts().count) == 1 }
            let callIDOfA = try #require(try await k.contacts().first?["Call-ID"])
            let runB = Task { try await b.run() }
            try await eventually("B took over once A's lease ran out") {
                let callID = (try? await k.contacts().first?["Call-ID"]) ?? nil
                return callID != nil && callID != callIDOfA
            }
            // A's next pass finds the lease gone and stops its client without removing B's binding.
            let before = k.received.count
            a.kick()
            try await Task.sleep(for: .milliseconds(500))
            #expect(!k.received.dropFirst(before).contains { $0.contains("expires=0") })
            #expect(try await k.contacts().count == 1)
            runB.cancel()
            _ = try? await runB.value
            runA.cancel()
            _ = try? await runA.value
            await pa.shutdown()
            await pb.shutdown()
        }
    }
}
