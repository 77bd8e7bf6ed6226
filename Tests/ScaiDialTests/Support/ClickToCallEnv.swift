import Foundation
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// A live server with the fake LiveKit, the two-tenant world, and tenant A's trunk synced (it
/// carries click-to-calls).
struct ClickToCallEnv {
    let api: API
    let port: Int
    let world: World
    let fake: FakeLiveKit
    let lk: LiveKitCredentials

    var user: String { world.a.userToken }
    var webhooks: WebhookDoorTests.Env { .init(api: api, world: world, fake: fake, key: lk.apiKey, secret: lk.apiSecret) }

    static func run(
        configure: @escaping @Sendable (inout AppConfig) -> Void = { _ in },
        _ body: @escaping @Sendable (ClickToCallEnv) async throws -> Void
    ) async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withApp(
            live: true,
            configure: {
                $0.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
                $0.sipInboundSecret = InboundDispatchTests.secret
                $0.jobPollInterval = .milliseconds(100)
                configure(&$0)
            }
        ) { api, _ in
            let world = try await World.build(api)
            let env = ClickToCallEnv(api: api, port: try #require(api.client.port), world: world, fake: fake, lk: lk)
            try await eventually("trunk synced") { try await env.trunkState() == "synced" }
            try await body(env)
        }
        await fake.stop()
    }

    func trunkState() async throws -> String? {
        let trunk = try await api.get("\(world.a.base)/trunks/\(world.a.trunkID)", token: world.a.adminToken).json
        return (trunk["sync"] as? [String: Any])?["state"] as? String
    }

    @discardableResult
    func place(_ destination: Any, ext: String? = nil, token: String? = nil) async throws -> Reply {
        try await api.post(
            "/me/click-to-call", token: token ?? user, ["extension_id": ext ?? world.a.extensionID, "destination": destination])
    }

    func calls() async throws -> [[String: Any]] {
        try await api.get("\(world.a.base)/calls", token: world.a.adminToken).items
    }

    func call(_ id: String) async throws -> [String: Any] {
        try await api.get("\(world.a.base)/calls/\(id)", token: world.a.adminToken).json
    }

    func leg(_ call: [String: Any], _ kind: String) -> [String: Any]? {
        (call["legs"] as? [[String: Any]])?.first { $0["kind"] as? String == kind }
    }

    func policy(_ policy: [String: Any]) async throws {
        let reply = try await api.patch(world.a.base, token: world.a.adminToken, ["policy": policy])
        #expect(reply.status == .ok, "\(reply.text)")
    }

    /// A signed webhook about the call's SIP participant (the callee).
    func sip(_ event: String, room: String, destination: String, status: String?, id: String, reason: String? = nil) async throws {
        var attributes: [String: Any] = ["sip.callID": "SCL_x", "sip.phoneNumber": destination, "sip.trunkPhoneNumber": "+31201110001"]
        if let status { attributes["sip.callStatus"] = status }
        var participant: [String: Any] = ["identity": "sip_\(destination)", "kind": "SIP", "state": "ACTIVE", "attributes": attributes]
        if let reason { participant["disconnectReason"] = reason }
        let reply = try await webhooks.send(["event": event, "id": id, "room": ["name": room], "participant": participant])
        #expect(reply.status == .ok, "\(reply.text)")
    }

    /// The dials LiveKit received, decoded.
    func dials() async throws -> [CreateSIPParticipantRequest] {
        try await fake.requests("CreateSIPParticipant").map { try $0.decode(CreateSIPParticipantRequest.self) }
    }
}
