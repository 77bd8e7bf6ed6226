import Foundation
import Hummingbird
import HummingbirdTesting
import LiveKitFake
import Logging
import Testing

@testable import ScaiDial

@Suite("Ringing across a restart")
struct RingRestartTests {
    @Test("a ring timeout set before a restart still fires once after it, and the no_answer rule follows")
    func timeoutSurvivesRestart() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        let database = try await TestDatabase.make()
        var config = database.config()
        config.port = 0
        config.sipInboundSecret = InboundDispatchTests.secret
        config.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
        config.jobPollInterval = .milliseconds(100)
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        _ = try await Admin.createPlatformAdmin(config, email: "root@platform.test", password: "root-password", displayName: nil)

        // First life: the call rings an online browser, then the server stops.
        let first = try await buildApplication(config, logger: logger)
        let (world, callID) = try await first.test(.live) { client in
            let api = API(client: client)
            let w = try await World.build(api)
            _ = try await api.patch("\(w.a.base)/extensions/\(w.a.extensionID)", token: w.a.adminToken, ["ring_timeout_s": 5])
            let stream = try await SSEStream.open(port: client.port!, token: w.a.userToken)
            _ = try await stream.next()
            let reply = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_restart"))
            _ = try await stream.next("ring")
            stream.close()
            return (w, reply.json["scaidial_call_id"] as? String ?? "")
        }
        // Second life: nobody answers; the timeout fires here and the no_answer rule (voicemail) decides.
        let second = try await buildApplication(config, logger: logger)
        try await second.test(.router) { client in
            let api = API(client: client)
            try await eventually(timeout: .seconds(20), "the timeout fired after the restart") {
                try await api.get("\(world.a.base)/calls/\(callID)", token: world.a.adminToken).json["action"] as? String == "voicemail"
            }
            let call = try await api.get("\(world.a.base)/calls/\(callID)", token: world.a.adminToken)
            let legs = call.json["legs"] as? [[String: Any]] ?? []
            #expect(legs.filter { $0["kind"] as? String == "voicemail" }.count == 1)
        }
        try await database.drop()
        await fake.stop()
    }
}
