import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// The voicemail action through the fake LiveKit and signed webhooks: greeting (Ingress from a
/// signed link) → recording (participant Egress) → one message per call.
@Suite("Voicemail: greeting, recording, message")
struct VoicemailFlowTests {
    struct Env {
        let ringing: RingingTests.Env
        var api: API { ringing.api }
        var world: World { ringing.world }
        var fake: FakeLiveKit { ringing.fake }
        var hooks: WebhookDoorTests.Env {
            WebhookDoorTests.Env(api: api, world: world, fake: fake, key: ringing.lk.apiKey, secret: ringing.lk.apiSecret)
        }

        func call() async throws -> [String: Any] { try #require(try await ringing.calls().first) }
        func leg() async throws -> [String: Any]? {
            (try await call()["legs"] as? [[String: Any]])?.first { $0["kind"] as? String == "voicemail" }
        }
        func messages() async throws -> [[String: Any]] {
            try await api.get("\(world.a.base)/voicemails", token: world.a.adminToken).items
        }
    }

    func run(
        configure: @escaping (inout AppConfig) -> Void = { _ in }, _ body: @escaping @Sendable (Env) async throws -> Void
    ) async throws {
        try await RingingTests().run(configure: configure) { ringing in
            let w = ringing.world
            // Calls to the DID go straight to extension 101's box.
            let r = try await ringing.api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 1, "action": ["type": "voicemail", "extension_id": w.a.extensionID]])
            #expect(r.status == .created, "\(r.text)")
            try await body(Env(ringing: ringing))
        }
    }

    /// livekit-sip puts the caller in the room (ringing) and LiveKit tells us. Each caller comes a
    /// second after the one before (the clock is the test's), so calls list newest first.
    static func callerArrives(_ env: Env, room: String, callID: String, event: String) async throws {
        try await env.ringing.advance(.seconds(1))
        await env.fake.addParticipant(
            room: room,
            ParticipantInfo(identity: "sip_+31612345678", kind: .sip, attributes: ["sip.callID": callID, "sip.callStatus": "ringing"]))
        let r = try await env.hooks.send(WebhookDoorTests.joined(event, room: room, callID: callID))
        #expect(r.status == .ok, "\(r.text)")
    }

    static func ingressEnded(_ env: Env, _ id: String, event: String) async throws {
        let r = try await env.hooks.send([
            "event": "ingress_ended", "id": event, "ingressInfo": ["ingressId": id, "state": ["status": "ENDPOINT_COMPLETE"]],
        ])
        #expect(r.status == .ok, "\(r.text)")
    }

    static func egressEnded(
        _ env: Env, _ id: String, event: String, status: String = "EGRESS_COMPLETE", seconds: Int = 12, size: Int = 48_000,
        error: String? = nil
    ) async throws {
        var info: [String: Any] = [
            "egressId": id, "status": status,
            "fileResults": [["filename": "x.ogg", "duration": String(seconds * 1_000_000_000), "size": String(size)]],
        ]
        if let error { info["error"] = error }
        let r = try await env.hooks.send(["event": "egress_ended", "id": event, "egressInfo": info])
        #expect(r.status == .ok, "\(r.text)")
    }

    @Test("greeting from a signed link, then the caller is recorded, then one message — announced to the box's users")
    func wholeMessage() async throws {
        try await run { env in
            let w = env.world
            let events = try await SSEStream.open(port: env.ringing.port, token: w.a.userToken)
            defer { events.close() }
            _ = try await events.next("ready")
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_vm"
            try await Self.callerArrives(env, room: room, callID: "SCL_vm", event: "EV_vm1")

            // 1. The greeting: a URL Ingress into the caller's room, from a link that works only signed.
            let ingress = try #require(try await env.fake.requests("CreateIngress").first?.decode(CreateIngressRequest.self))
            #expect(ingress.inputType == .url && ingress.roomName == room)
            let link = try #require(ingress.url.flatMap(URLComponents.init(string:)))
            #expect(link.path == "/media/greetings/\(w.a.extensionID)")
            let pathAndQuery = "\(link.path)?\(link.percentEncodedQuery ?? "")"
            let greeting = try await env.api.get(pathAndQuery, token: nil)
            #expect(greeting.status == .ok && greeting.headers[.contentType] == "audio/wav")
            #expect(greeting.body.count > 10_000 && String(decoding: greeting.body.prefix(4), as: UTF8.self) == "RIFF")
            let tampered = try await env.api.get(pathAndQuery.replacingOccurrences(of: "sig=", with: "sig=0"), token: nil)
            #expect(tampered.status == .forbidden)
            let unsigned = try await env.api.get(link.path, token: nil)
            #expect(unsigned.status == .forbidden)
            #expect(try await env.leg()?["state"] as? String == "ringing")

            // 2. The greeting ends: the caller is recorded into the storage.
            let ingressID = try #require(await env.fake.ingresses.first?.ingressId)
            try await Self.ingressEnded(env, ingressID, event: "EV_vm2")
            let egress = try #require(
                try await env.fake.requests("StartParticipantEgress").first?.decode(ParticipantEgressRequest.self))
            #expect(egress.roomName == room && egress.identity == "sip_+31612345678")
            let output = try #require(egress.fileOutputs?.first)
            #expect(output.fileType == .ogg)
            #expect(output.filepath?.hasSuffix("/voicemail/\(w.a.id.lowercased())/\(w.a.extensionID.lowercased())/") == false)
            #expect(output.filepath?.contains("/voicemail/\(w.a.id.lowercased())/\(w.a.extensionID.lowercased())/") == true)
            #expect(output.filepath?.hasSuffix(".ogg") == true)
            #expect(try await env.leg()?["state"] as? String == "answered")
            #expect(try await env.call()["state"] as? String == "active")

            // 3. The recording ends: one message, however often LiveKit says so.
            let egressID = try #require(await env.fake.egresses.first?.egressId)
            try await Self.egressEnded(env, egressID, event: "EV_vm3")
            try await Self.egressEnded(env, egressID, event: "EV_vm3b")
            let messages = try await env.messages()
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            #expect(message["caller"] as? String == "+31612345678")
            #expect(message["duration_s"] as? Double == 12 && message["size_bytes"] as? Int == 48_000)
            #expect(message["extension_id"] as? String == w.a.extensionID && message["read"] as? Bool == false)
            try FakeOracle.write(await env.fake.requests, tag: "app-voicemail")
            let event = try await events.next("voicemail")
            #expect(event.json["voicemail_id"] as? String == message["id"] as? String)

            // The caller hangs up: the call ran its course in voicemail.
            _ = try await env.hooks.send(WebhookDoorTests.left("EV_vm4", room: room, identity: "sip_+31612345678"))
            let call = try await env.call()
            #expect(call["state"] as? String == "ended" && call["end_reason"] as? String == "voicemail")
        }
    }

    @Test("an empty recording is no message; a failed one fails the leg")
    func emptyAndFailed() async throws {
        try await run { env in
            for (n, failed) in [(1, false), (2, true)] {
                let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_e\(n)"
                try await Self.callerArrives(env, room: room, callID: "SCL_e\(n)", event: "EV_e\(n)a")
                let ingressID = try #require(await env.fake.ingresses.last?.ingressId)
                try await Self.ingressEnded(env, ingressID, event: "EV_e\(n)b")
                let egressID = try #require(await env.fake.egresses.last?.egressId)
                if failed {
                    try await Self.egressEnded(env, egressID, event: "EV_e\(n)c", status: "EGRESS_FAILED", error: "upload refused")
                } else {
                    try await Self.egressEnded(env, egressID, event: "EV_e\(n)c", seconds: 0, size: 0)
                }
                let leg = try #require(try await env.leg())
                #expect(leg["state"] as? String == (failed ? "failed" : "ended"))
                #expect((leg["failure_reason"] as? String)?.contains(failed ? "upload refused" : "empty recording") == true)
                _ = try await env.hooks.send(WebhookDoorTests.left("EV_e\(n)d", room: room, identity: "sip_+31612345678"))
            }
            #expect(try await env.messages().isEmpty)
        }
    }

    @Test("at the maximum message length the recording stops and the caller is let go")
    func maximumLength() async throws {
        try await run(configure: { $0.voicemailMaxMessage = .seconds(30) }) { env in
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_max"
            try await Self.callerArrives(env, room: room, callID: "SCL_max", event: "EV_max1")
            let ingressID = try #require(await env.fake.ingresses.first?.ingressId)
            try await Self.ingressEnded(env, ingressID, event: "EV_max2")
            let egressID = try #require(await env.fake.egresses.first?.egressId)
            try await env.ringing.advance(.seconds(29))
            #expect(await env.fake.requests("StopEgress").isEmpty)
            #expect(try await env.call()["state"] as? String == "active")
            try await env.ringing.advance(.seconds(1))
            #expect(try await env.fake.requests("StopEgress").first?.decode(StopEgressRequest.self).egressId == egressID)
            #expect(try await env.call()["state"] as? String == "ended")
            #expect(try await env.call()["end_reason"] as? String == "voicemail")
            #expect(await env.fake.requests("DeleteRoom").count >= 1)
        }
    }

    @Test("a caller who hangs up during the greeting is not recorded")
    func hangsUpDuringGreeting() async throws {
        try await run { env in
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_hu"
            try await Self.callerArrives(env, room: room, callID: "SCL_hu", event: "EV_hu1")
            _ = try await env.hooks.send(WebhookDoorTests.left("EV_hu2", room: room, identity: "sip_+31612345678"))
            let ingressID = try #require(await env.fake.ingresses.first?.ingressId)
            try await Self.ingressEnded(env, ingressID, event: "EV_hu3")
            #expect(await env.fake.requests("StartParticipantEgress").isEmpty)
            #expect((try await env.leg()?["failure_reason"] as? String)?.contains("during the greeting") == true)
            // The caller left: the room empties by itself, nobody is removed from it.
            #expect(await env.fake.requests("DeleteRoom").isEmpty)
            #expect(try await env.call()["end_reason"] as? String == "voicemail")
        }
    }

    @Test("through the hook door: nothing plays before the caller is in the room; its webhook starts the greeting")
    func hookDoor() async throws {
        try await run { env in
            let answer = try await env.ringing.call("SCL_vmhook")
            #expect(answer.json["result"] as? String == "ACCEPT")
            let room = try #require(answer.json["room_name"] as? String)
            #expect(await env.fake.requests("CreateIngress").isEmpty)
            try await Self.callerArrives(env, room: room, callID: "SCL_vmhook", event: "EV_vmhook")
            #expect(await env.fake.requests("CreateIngress").count == 1)
            // A repeated webhook plays nothing twice.
            _ = try await env.hooks.send(WebhookDoorTests.joined("EV_vmhook", room: room, callID: "SCL_vmhook"))
            _ = try await env.hooks.send(WebhookDoorTests.joined("EV_vmhook2", room: room, callID: "SCL_vmhook"))
            #expect(await env.fake.requests("CreateIngress").count == 1)
        }
    }
}
