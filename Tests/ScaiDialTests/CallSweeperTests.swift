import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

@Suite("The call sweeper")
struct CallSweeperTests {
    @Test("a live call whose room LiveKit no longer has is ended; one whose room has people stays")
    func sweeps() async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withApp(configure: {
            $0.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
            $0.sipInboundSecret = InboundDispatchTests.secret
            $0.sweepInterval = .milliseconds(200)
            $0.sweepGrace = 1  // calls younger than 1 s are left alone: time to put the caller in the kept room
        }) { api, _ in
            let w = try await World.build(api)
            // Forward calls wait for their caller: both stay live until something ends them.
            _ = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 1, "action": ["type": "forward", "target": "+31611112222"]])
            let kept = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_kept"))
            let keptRoom = kept.json["room_name"] as? String ?? ""
            await fake.addParticipant(room: keptRoom, ParticipantInfo(sid: "PA_k", identity: "sip_+31612345678", kind: .sip))
            let lost = try await InboundDispatchTests.hook(api, InboundDispatchTests.body("SCL_lost"))
            let lostID = lost.json["scaidial_call_id"] as? String ?? ""
            try await eventually("the lost call ended") {
                try await api.get("\(w.a.base)/calls/\(lostID)", token: w.a.adminToken).json["end_reason"] as? String == "room_gone"
            }
            let stillLive = try await api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items
            #expect(stillLive.map { $0["room_name"] as? String } == [keptRoom])
            #expect(await fake.requests("ListParticipants").count >= 2)
        }
        await fake.stop()
    }
}
