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
        let clock = ManualClock(now: Date())
        try await SharedDatabase.run(configure: {
            $0.clock = clock
            $0.jobPollInterval = .seconds(3600)
        }) { shared in
            // First life: the call rings an online browser, then the server stops.
            let first = try await shared.application()
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
            let (second, services) = try await shared.applicationAndServices()
            try await second.test(.router) { client in
                let api = API(client: client)
                clock.advance(by: .seconds(6))
                try await services.jobs.runDue()
                #expect(
                    try await api.get("\(world.a.base)/calls/\(callID)", token: world.a.adminToken).json["action"] as? String == "voicemail"
                )
                let call = try await api.get("\(world.a.base)/calls/\(callID)", token: world.a.adminToken)
                let legs = call.json["legs"] as? [[String: Any]] ?? []
                #expect(legs.filter { $0["kind"] as? String == "voicemail" }.count == 1)
            }
        }
    }

    @Test("a decline before a restart still counts after it: when the last one rung declines, the call is busy")
    func declinesSurviveRestart() async throws {
        try await SharedDatabase.run { shared in
            // First life: two granted users online; the call rings both; one declines; the server stops.
            let first = try await shared.application()
            let (world, otherToken, callID) = try await first.test(.live) { client in
                let api = API(client: client)
                let w = try await World.build(api)
                _ = try await api.post("\(w.a.base)/users", token: w.a.adminToken, ["email": "o@a.test", "password": "other-password"]).id
                let other = try await api.get("\(w.a.base)/users", token: w.a.adminToken).items.first {
                    $0["email"] as? String == "o@a.test"
                }
                _ = try await api.post(
                    "\(w.a.base)/extensions/\(w.a.extensionID)/grants", token: w.a.adminToken, ["user_id": other?["id"] as? String ?? ""])
                // Busy goes to a number, so the outcome is visible on the call.
                _ = try await api.post(
                    "\(w.a.base)/extensions/\(w.a.extensionID)/forward-rules", token: w.a.adminToken,
                    ["trigger": "busy", "target_type": "number", "target": "+31611112222"])
                let otherToken = try await api.login("o@a.test", "other-password")
                let mine = try await SSEStream.open(port: client.port!, token: w.a.userToken)
                let theirs = try await SSEStream.open(port: client.port!, token: otherToken)
                _ = try await mine.next("ready")
                _ = try await theirs.next("ready")
                let reply = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_decline_restart"))
                _ = try await mine.next("ring")
                _ = try await theirs.next("ring")
                let callID = reply.json["scaidial_call_id"] as? String ?? ""
                let declined = try await api.call(.post, "/me/calls/\(callID)/decline", token: w.a.userToken)
                #expect(declined.status == .noContent)
                mine.close()
                theirs.close()
                return (w, otherToken, callID)
            }
            // Second life: the other user declines too — everyone rung has declined: busy.
            let second = try await shared.application()
            try await second.test(.router) { client in
                let api = API(client: client)
                let declined = try await api.call(.post, "/me/calls/\(callID)/decline", token: otherToken)
                #expect(declined.status == .noContent)
                let call = try await api.get("\(world.a.base)/calls/\(callID)", token: world.a.adminToken)
                #expect(call.json["action"] as? String == "forward")
                let legs = call.json["legs"] as? [[String: Any]] ?? []
                #expect(legs.contains { $0["destination"] as? String == "+31611112222" })
            }
        }
    }
}
