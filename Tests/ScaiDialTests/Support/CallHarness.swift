import Crypto
import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import LiveKit
import LiveKitFake
import Logging
import Synchronization

@testable import ScaiDial

/// The real application in-process with the fake LiveKit and a `ManualClock`, and its services at
/// hand: tests send requests and webhooks, move time and run the timers that came due, and look at
/// the call engine's work directly. No real time passes unless a test waits for it.
struct CallHarness: Sendable {
    let api: API
    let services: AppServices
    let fake: FakeLiveKit
    let lk: LiveKitCredentials
    let clock: ManualClock
    let world: World
    let database: TestDatabase

    var engine: CallEngine { services.engine }
    var db: any Database { services.db }

    /// Runs `body` against a fresh application on a fresh database. `configure` sees LiveKit,
    /// the hook door's secret and the manual clock already set.
    static func run(
        configure: @escaping @Sendable (inout AppConfig) -> Void = { _ in }, _ body: @escaping @Sendable (CallHarness) async throws -> Void
    ) async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        let clock = ManualClock(now: Date())
        let database = try await TestDatabase.make()
        var config = database.config()
        config.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
        config.sipInboundSecret = InboundDispatchTests.secret
        config.clock = clock
        // Timers fire when a test runs them (`runDue`), not on a poll of their own.
        config.jobPollInterval = .seconds(3600)
        config.sweepInterval = .seconds(3600)
        configure(&config)
        var logger = Logger(label: "scaidial-test")
        logger.logLevel = .critical
        do {
            let (app, services) = try await buildApplicationAndServices(config, logger: logger)
            _ = try await Admin.createPlatformAdmin(config, email: "root@platform.test", password: "root-password", displayName: "Root")
            try await app.test(.router) { client in
                let api = API(client: client)
                let world = try await World.build(api)
                // LiveKit's own webhooks, for what the fake plays.
                await fake.deliverWebhooks { body, authorization in
                    _ = try? await api.call(
                        .post, "/livekit/webhook", raw: String(decoding: body, as: UTF8.self), headers: [.authorization: authorization])
                }
                try await body(
                    CallHarness(api: api, services: services, fake: fake, lk: lk, clock: clock, world: world, database: database))
            }
        } catch {
            try? await database.drop()
            await fake.stop()
            throw error
        }
        try await database.drop()
        await fake.stop()
    }

    /// Moves time on and runs every timer that came due.
    func advance(_ duration: Duration) async throws {
        clock.advance(by: duration)
        try await services.jobs.runDue()
    }

    /// A call through the hook door; its id. Unless `joins` is false, livekit-sip then puts the
    /// caller in the room (ringing, its track published) and LiveKit's webhooks say so.
    @discardableResult
    func inbound(_ lkCallID: String, from: String = "+31612345678", joins: Bool = true) async throws -> UUID {
        let reply = try await InboundDispatchTests.hook(api, InboundDispatchTests.body(lkCallID, from: from))
        guard let id = (reply.json["scaidial_call_id"] as? String).flatMap(UUID.init(uuidString:)),
            let room = reply.json["room_name"] as? String
        else {
            throw TestFailure("no call: \(reply.text)")
        }
        if joins {
            await fake.sipInbound(
                room: room, from: from, to: "+31201110001", callID: lkCallID, identity: reply.json["participant_identity"] as? String)
            await fake.flush()
        }
        return id
    }

    /// A signed LiveKit webhook.
    @discardableResult
    func webhook(_ event: [String: Any]) async throws -> Reply {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: event), as: UTF8.self)
        var token = AccessToken(apiKey: lk.apiKey, apiSecret: lk.apiSecret)
        token.sha256 = Data(SHA256.hash(data: Data(body.utf8))).base64EncodedString()
        return try await api.call(.post, "/livekit/webhook", raw: body, headers: [.authorization: try token.jwt()])
    }

    func call(_ id: UUID) async throws -> Call {
        guard let loaded = try await CallStore.load(id, on: db) else { throw TestFailure("no call \(id)") }
        return loaded.call
    }

    /// A user's browser listening on the event hub (as `/me/events` would), recording what it hears.
    func listen(_ user: UUID) -> EventLog {
        let (_, stream) = services.hub.subscribe(user: user)
        let log = EventLog()
        Task {
            for await event in stream { log.append(event) }
        }
        return log
    }
}

/// What one user's browser heard on the event hub.
final class EventLog: Sendable {
    private let events = Mutex<[UserEvent]>([])
    func append(_ e: UserEvent) { events.withLock { $0.append(e) } }
    var all: [UserEvent] { events.withLock { $0 } }
    /// The events about `call`, by name, in order.
    func names(for call: UUID) -> [String] {
        all.filter { $0.data.contains(call.uuidString) }.map(\.name)
    }
}
