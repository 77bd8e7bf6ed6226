import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Logging
import Testing

@testable import ScaiDial

/// Trunk sync against the wire-exact fake LiveKit server.
@Suite("Trunk sync with LiveKit")
struct TrunkSyncTests {
    static func configure(_ lk: LiveKitCredentials) -> (inout AppConfig) -> Void {
        { config in
            config.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
            config.retryBackoff = Backoff(base: 0.2, cap: 0.5)
            config.jobPollInterval = .milliseconds(100)
        }
    }

    /// A tenant with one trunk (carrier credentials both ways, allowed addresses) and its admin token.
    static func setUp(_ api: API) async throws -> (base: String, token: String, trunk: String) {
        let root = try await api.login("root@platform.test", "root-password")
        let tenant = try await api.post("/v1/tenants", token: root, ["name": "Sync", "country": "NL"]).id
        let base = "/v1/tenants/\(tenant)"
        let trunk = try await api.post(
            "\(base)/trunks", token: root,
            [
                "name": "carrier", "address": "sip.carrier.example:5061", "transport": "tls",
                "auth_username": "acme", "auth_password": "our-secret",
                "inbound_auth_username": "carrier", "inbound_auth_password": "their-secret",
                "allowed_addresses": ["192.0.2.0/24"],
            ])
        #expect(trunk.status == .created)
        return (base, root, trunk.id)
    }

    /// (inbound trunks, outbound trunks, dispatch rules) at the fake LiveKit.
    static func counts(_ fake: FakeLiveKit) async -> [Int] {
        [await fake.inboundTrunks.count, await fake.outboundTrunks.count, await fake.dispatchRules.count]
    }

    static func sync(_ api: API, _ base: String, _ token: String, _ trunk: String) async throws -> [String: Any] {
        try await api.get("\(base)/trunks/\(trunk)", token: token).json["sync"] as? [String: Any] ?? [:]
    }

    @Test("a trunk with numbers gets one inbound trunk, one outbound trunk and one catch-all rule at LiveKit")
    func createsObjects() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withApp(configure: Self.configure(lk)) { api, _ in
            let (base, token, trunk) = try await Self.setUp(api)
            #expect(try await Self.sync(api, base, token, trunk)["error"] as? String == "no DIDs yet")
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": trunk])
            try await eventually("synced") { try await Self.sync(api, base, token, trunk)["state"] as? String == "synced" }
            let inbound = await fake.inboundTrunks, outbound = await fake.outboundTrunks, rules = await fake.dispatchRules
            #expect(inbound.count == 1 && outbound.count == 1 && rules.count == 1)
            #expect(inbound[0].numbers == ["+31201234567"])
            #expect(inbound[0].allowedAddresses == ["192.0.2.0/24"])
            #expect(inbound[0].authUsername == "carrier" && inbound[0].authPassword == "their-secret")
            #expect(outbound[0].address == "sip.carrier.example:5061" && outbound[0].transport == .tls)
            #expect(outbound[0].numbers == ["+31201234567"])
            #expect(outbound[0].authUsername == "acme" && outbound[0].authPassword == "our-secret")
            #expect(rules[0].trunkIds == [inbound[0].sipTrunkId ?? "-"])
            #expect(rules[0].rule?.dispatchRuleIndividual?.roomPrefix == TrunkSyncHandler.roomPrefix)
            let sync = try await Self.sync(api, base, token, trunk)
            #expect(sync["livekit_inbound_trunk_id"] as? String == inbound[0].sipTrunkId)
            #expect(sync["livekit_outbound_trunk_id"] as? String == outbound[0].sipTrunkId)
            #expect(sync["livekit_dispatch_rule_id"] as? String == rules[0].sipDispatchRuleId)
            #expect(sync["synced_at"] is String)

            // A second number updates the same objects; nothing is duplicated.
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234568", "trunk_id": trunk])
            try await eventually("both numbers at LiveKit") { await fake.inboundTrunks.first?.numbers?.count == 2 }
            #expect(await Self.counts(fake) == [1, 1, 1])
            #expect(await fake.requests("CreateSIPInboundTrunk").count == 1)
        }
        await fake.stop()
    }

    @Test("removing the last number deletes the LiveKit objects; deleting the trunk is then clean")
    func removesObjects() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withApp(configure: Self.configure(lk)) { api, _ in
            let (base, token, trunk) = try await Self.setUp(api)
            let did = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": trunk]).id
            try await eventually("synced") { try await Self.sync(api, base, token, trunk)["state"] as? String == "synced" }
            #expect(try await api.delete("\(base)/dids/\(did)", token: token).status == .noContent)
            try await eventually("objects removed") { await Self.counts(fake) == [0, 0, 0] }
            try await eventually("back to waiting") { try await Self.sync(api, base, token, trunk)["error"] as? String == "no DIDs yet" }
            #expect(try await Self.sync(api, base, token, trunk)["livekit_inbound_trunk_id"] is NSNull)
            #expect(try await api.delete("\(base)/trunks/\(trunk)", token: token).status == .noContent)
        }
        await fake.stop()
    }

    @Test("deleting a synced trunk's last DID and the trunk removes everything it had at LiveKit")
    func deleteTrunk() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withApp(configure: Self.configure(lk)) { api, _ in
            let (base, token, trunk) = try await Self.setUp(api)
            // A second trunk stays synced and untouched.
            let other = try await api.post("\(base)/trunks", token: token, ["name": "other", "address": "sip.other.example"]).id
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31209999999", "trunk_id": other])
            let did = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": trunk]).id
            try await eventually("both synced") {
                await Self.counts(fake) == [2, 2, 2]
            } describe: {
                "LiveKit holds \(await Self.counts(fake)) (inbound trunks, outbound trunks, dispatch rules)"
            }
            try await eventually("trunk synced") { try await Self.sync(api, base, token, trunk)["state"] as? String == "synced" }
            // Move the number away, then delete the trunk at once: the delete job cleans up by id and tag.
            _ = try await api.patch("\(base)/dids/\(did)", token: token, ["trunk_id": other])
            #expect(try await api.delete("\(base)/trunks/\(trunk)", token: token).status == .noContent)
            try await eventually("only the other trunk's objects remain") {
                let numbers = await fake.inboundTrunks.first?.numbers?.count
                return await Self.counts(fake) == [1, 1, 1] && numbers == 2
            }
        }
        await fake.stop()
    }

    @Test("deleting a tenant removes its trunks and dispatch rules at LiveKit (queued, retried through an outage); another tenant's stay")
    func deleteTenant() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withApp(configure: Self.configure(lk)) { api, _ in
            let (base, token, trunk) = try await Self.setUp(api)
            let second = try await api.post("\(base)/trunks", token: token, ["name": "second", "address": "sip.second.example"]).id
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": trunk])
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234568", "trunk_id": second])
            let other = try await api.post("/v1/tenants", token: token, ["name": "Other", "country": "NL"]).id
            let otherTrunk = try await api.post("/v1/tenants/\(other)/trunks", token: token, ["name": "c", "address": "sip.c.example"]).id
            _ = try await api.post("/v1/tenants/\(other)/dids", token: token, ["number": "+31207777777", "trunk_id": otherTrunk])
            try await eventually("all three synced") { await Self.counts(fake) == [3, 3, 3] }
            // LiveKit is down when the tenant goes: the rows go at once, the teardown waits for LiveKit.
            await fake.failAll(with: .unavailable)
            #expect(try await api.delete(base, token: token).status == .noContent)
            #expect(try await api.get(base, token: token).status == .notFound)
            await fake.failAll(with: nil)
            try await eventually("only the other tenant's objects remain") {
                let numbers = await fake.inboundTrunks.first?.numbers ?? []
                return await Self.counts(fake) == [1, 1, 1] && numbers == ["+31207777777"]
            }
        }
        await fake.stop()
    }

    @Test("LiveKit down: the trunk is saved, sync says why and when it retries, and a later retry succeeds")
    func failureAndRetry() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        await fake.failAll(with: .unavailable)
        try await withApp(configure: Self.configure(lk)) { api, _ in
            let (base, token, trunk) = try await Self.setUp(api)
            let did = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": trunk])
            #expect(did.status == .created)
            try await eventually("failed") { try await Self.sync(api, base, token, trunk)["state"] as? String == "failed" }
            let failed = try await Self.sync(api, base, token, trunk)
            #expect((failed["error"] as? String)?.contains("unavailable") == true)
            #expect(failed["next_retry_at"] is String)
            await fake.failAll(with: nil)
            try await eventually("synced after a retry") { try await Self.sync(api, base, token, trunk)["state"] as? String == "synced" }
            #expect(try await Self.sync(api, base, token, trunk)["next_retry_at"] is NSNull)
        }
        await fake.stop()
    }

    @Test("a retry after a half-done sync updates what exists instead of duplicating it")
    func halfDone() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        await fake.fail("CreateSIPOutboundTrunk", with: .status(500, code: "internal", message: "boom"), times: 2)
        try await withApp(configure: Self.configure(lk)) { api, _ in
            let (base, token, trunk) = try await Self.setUp(api)
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": trunk])
            try await eventually("synced") { try await Self.sync(api, base, token, trunk)["state"] as? String == "synced" }
            #expect(await fake.inboundTrunks.count == 1)
            #expect(await fake.requests("CreateSIPInboundTrunk").count == 1)
            #expect(await fake.requests("UpdateSIPInboundTrunk").count >= 2)
        }
        await fake.stop()
    }

    @Test("an object created at LiveKit whose answer was lost is found by its tag and adopted")
    func adoptsLostCreate() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withApp(configure: Self.configure(lk)) { api, db in
            let (base, token, trunk) = try await Self.setUp(api)
            let tag = TrunkSyncHandler.tag(UUID(uuidString: trunk)!)
            _ = try await LiveKitClient(credentials: lk).createSIPInboundTrunk(
                SIPInboundTrunkInfo(name: "left over", metadata: tag, numbers: ["+31200000000"]))
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": trunk])
            try await eventually("synced") { try await Self.sync(api, base, token, trunk)["state"] as? String == "synced" }
            #expect(await fake.inboundTrunks.count == 1)
            #expect(await fake.inboundTrunks.first?.numbers == ["+31201234567"])
        }
        await fake.stop()
    }

    @Test("POST …/sync answers 202 and syncs now; without LiveKit it is 409")
    func syncNow() async throws {
        try await withApp { api, _ in
            let (base, token, trunk) = try await Self.setUp(api)
            let reply = try await api.post("\(base)/trunks/\(trunk)/sync", token: token, [:])
            #expect(reply.status == .conflict)
            #expect(try await Self.sync(api, base, token, trunk)["state"] as? String == "not_configured")
        }
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withApp(configure: {
            Self.configure(lk)(&$0)
            $0.retryBackoff = Backoff(base: 3600, cap: 3600)  // no automatic retry within the test
        }) { api, _ in
            let (base, token, trunk) = try await Self.setUp(api)
            await fake.failAll(with: .unavailable)
            _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": trunk])
            try await eventually("failed") { try await Self.sync(api, base, token, trunk)["state"] as? String == "failed" }
            await fake.failAll(with: nil)
            let reply = try await api.post("\(base)/trunks/\(trunk)/sync", token: token, [:])
            #expect(reply.status == .accepted)
            try await eventually("synced at once, not in an hour") {
                try await Self.sync(api, base, token, trunk)["state"] as? String == "synced"
            }
        }
        await fake.stop()
    }

    @Test("a queued sync survives a restart and runs on the next start")
    func durable() async throws {
        try await SharedDatabase.run(configure: { config in
            config.retryBackoff = Backoff(base: 1, cap: 1)
            config.jobPollInterval = .milliseconds(100)
        }) { shared in
            let fake = shared.fake
            await fake.failAll(with: .unavailable)
            // First life: the sync fails (LiveKit down) and stays queued.
            let first = try await shared.application()
            let ids = try await first.test(.router) { client in
                let api = API(client: client)
                let (base, token, trunk) = try await Self.setUp(api)
                _ = try await api.post("\(base)/dids", token: token, ["number": "+31201234567", "trunk_id": trunk])
                try await eventually("failed") { try await Self.sync(api, base, token, trunk)["state"] as? String == "failed" }
                return (base, token, trunk)
            }
            // LiveKit is back; the second life picks the queued job up by itself.
            await fake.failAll(with: nil)
            let second = try await shared.application()
            try await second.test(.router) { client in
                let api = API(client: client)
                try await eventually("synced after restart") {
                    try await Self.sync(api, ids.0, ids.1, ids.2)["state"] as? String == "synced"
                }
            }
            #expect(await fake.inboundTrunks.count == 1)
        }
    }
}
