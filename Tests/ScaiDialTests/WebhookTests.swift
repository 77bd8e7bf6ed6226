import Crypto
import FluentKit
import Foundation
import Hummingbird
import LiveKit
import Logging
import Synchronization
import Testing

@testable import ScaiDial

/// Records what reaches the application's event handler.
final class RecordingHandler: LiveKitEventHandler {
    private let seen = Mutex<[String]>([])
    var events: [String] { seen.withLock { $0 } }
    let persistence: Mutex<Persistence?> = Mutex(nil)
    func handle(_ event: WebhookEvent, delivery: WebhookDelivery) async throws -> Bool {
        seen.withLock {
            $0.append("\(event.event) \(event.id ?? "-") \(event.participant.map { $0.kind.map { "\($0)" } ?? "absent" } ?? "none")")
        }
        guard let db = persistence.withLock({ $0 })?.db else { return true }
        return try await delivery.recordAlone(at: Date(), on: db)
    }
}

@Suite("LiveKit webhooks")
struct WebhookTests {
    static let key = "APIwebhook", secret = "webhook-secret-0123456789-0123456789"

    static func signed(_ body: String, key: String = key, secret: String = secret) throws -> String {
        var token = AccessToken(apiKey: key, apiSecret: secret)
        token.sha256 = Data(SHA256.hash(data: Data(body.utf8))).base64EncodedString()
        token.ttl = .seconds(300)
        return try token.jwt()
    }

    static let joined = #"""
        {"event":"participant_joined","id":"EV_test1","createdAt":"1790000000",
         "room":{"sid":"RM_1","name":"scaidial-in_+31612345678_abcd"},
         "participant":{"sid":"PA_1","identity":"sip_+31612345678","state":"ACTIVE","kind":"SIP",
           "attributes":{"sip.callID":"SCL_123","sip.phoneNumber":"+31612345678","sip.trunkPhoneNumber":"+31201234567",
                         "sip.trunkID":"ST_abc","sip.callStatus":"ringing"}}}
        """#

    func run(_ body: @escaping @Sendable (API, RecordingHandler) async throws -> Void) async throws {
        let database = try await TestDatabase.make()
        var config = database.config()
        config.liveKit = LiveKitSettings(url: "http://127.0.0.1:9", apiKey: Self.key, apiSecret: Self.secret)
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        let handler = RecordingHandler()
        let (app, services) = try await buildApplicationAndServices(config, logger: logger, events: handler)
        handler.persistence.withLock { $0 = services.persistence }
        try await app.test(.router) { client in try await body(API(client: client), handler) }
        try await database.drop()
    }

    @Test("a correctly signed event is applied once; a repeat is acknowledged and not applied again")
    func appliedOnce() async throws {
        try await run { api, handler in
            let auth = try Self.signed(Self.joined)
            let first = try await api.call(
                .post, "/livekit/webhook", raw: Self.joined, headers: [.authorization: auth, .contentType: "application/webhook+json"])
            let again = try await api.call(.post, "/livekit/webhook", raw: Self.joined, headers: [.authorization: auth])
            #expect(first.status == .ok && first.json["status"] as? String == "applied")
            #expect(again.status == .ok && again.json["status"] as? String == "duplicate")
            #expect(handler.events.count == 1)
            #expect(handler.events.first?.hasPrefix("participant_joined EV_test1") == true)
        }
    }

    @Test("bad signatures are 401 and change nothing", arguments: ["tampered", "wrong secret", "missing", "bearer garbage", "expired"])
    func refused(_ variant: String) async throws {
        try await run { api, handler in
            var body = Self.joined
            var auth: String? = try Self.signed(body)
            switch variant {
            case "tampered": body = body.replacingOccurrences(of: "+31612345678", with: "+31600000000")
            case "wrong secret": auth = try Self.signed(body, secret: "another-secret-0123456789-0123456789")
            case "missing": auth = nil
            case "bearer garbage": auth = "Bearer not.a.jwt"
            default:
                var token = AccessToken(apiKey: Self.key, apiSecret: Self.secret)
                token.sha256 = Data(SHA256.hash(data: Data(body.utf8))).base64EncodedString()
                token.ttl = .seconds(1)
                auth = try token.jwt(now: Date().addingTimeInterval(-600))
            }
            let reply = try await api.call(.post, "/livekit/webhook", raw: body, headers: auth.map { [.authorization: $0] } ?? [:])
            #expect(reply.status == .unauthorized)
            #expect(handler.events.isEmpty)
            // The genuine event is still applied afterwards: a refused delivery recorded nothing.
            let ok = try await api.call(
                .post, "/livekit/webhook", raw: Self.joined, headers: [.authorization: try Self.signed(Self.joined)])
            #expect(ok.json["status"] as? String == "applied")
        }
    }

    @Test("absent defaults decode as LiveKit means them: no kind is STANDARD")
    func defaults() async throws {
        try await run { api, handler in
            let body = #"{"event":"participant_joined","id":"EV_std","room":{"name":"r"},"participant":{"identity":"alice"}}"#
            let reply = try await api.call(.post, "/livekit/webhook", raw: body, headers: [.authorization: try Self.signed(body)])
            #expect(reply.status == .ok)
            #expect(handler.events.first?.lowercased().contains("standard") == true)
        }
    }

    @Test("without LiveKit configured the webhook route is 404")
    func notConfigured() async throws {
        try await withApp { api, _ in
            let reply = try await api.call(
                .post, "/livekit/webhook", raw: Self.joined, headers: [.authorization: try Self.signed(Self.joined)])
            #expect(reply.status == .notFound)
        }
    }
}
