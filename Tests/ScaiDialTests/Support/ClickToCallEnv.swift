import Foundation
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// A live server with the fake LiveKit (sending its own webhooks), the two-tenant world, and
/// tenant A's trunk synced (it carries click-to-calls).
struct ClickToCallEnv {
    let api: API
    let port: Int
    let world: World
    let fake: FakeLiveKit
    let lk: LiveKitCredentials
    let services: AppServices

    var user: String { world.a.userToken }
    var webhooks: WebhookDoorTests.Env {
        .init(api: api, world: world, fake: fake, key: lk.apiKey, secret: lk.apiSecret, services: services)
    }

    static func run(
        configure: @escaping @Sendable (inout AppConfig) -> Void = { _ in },
        _ body: @escaping @Sendable (ClickToCallEnv) async throws -> Void
    ) async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withAppServices(
            live: true,
            configure: {
                $0.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
                $0.sipInboundSecret = InboundDispatchTests.secret
                $0.jobPollInterval = .milliseconds(100)
                configure(&$0)
            }
        ) { api, _, services in
            let world = try await World.build(api)
            let env = ClickToCallEnv(
                api: api, port: try #require(api.client.port), world: world, fake: fake, lk: lk, services: services)
            try await eventually("trunk synced") { try await env.trunkState() == "synced" }
            // From here on the fake tells the application what it plays, as LiveKit would.
            await env.webhooks.liveKitSendsWebhooks()
            // A dial still ringing must not hold the application's shutdown for its ringing time.
            try await fake.abandoningDials { try await body(env) }
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
        let reply = try await api.patch(world.a.base, token: world.rootToken, ["policy": policy])
        #expect(reply.status == .ok, "\(reply.text)")
    }

    /// The far end's participant in the call's room (livekit-sip's, named after the number).
    func callee(_ room: String, _ destination: String = "+31612345678") async -> ParticipantInfo? {
        await fake.participants(in: room).first { $0.identity == "sip_\(destination)" }
    }

    /// The dials LiveKit received, decoded.
    func dials() async throws -> [CreateSIPParticipantRequest] {
        try await fake.requests("CreateSIPParticipant").map { try $0.decode(CreateSIPParticipantRequest.self) }
    }
}
