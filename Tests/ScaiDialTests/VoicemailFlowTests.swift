import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import NIOCore
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
            WebhookDoorTests.Env(
                api: api, world: world, fake: fake, key: ringing.lk.apiKey, secret: ringing.lk.apiSecret,
                services: ringing.services)
        }

        func call() async throws -> [String: Any] { try #require(try await ringing.calls().first) }
        func leg() async throws -> [String: Any]? {
            (try await call()["legs"] as? [[String: Any]])?.first { $0["kind"] as? String == "voicemail" }
        }
        func call(when what: String, _ condition: @escaping @Sendable ([String: Any]) -> Bool) async throws -> [String: Any] {
            try await hooks.call(when: what, condition)
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

    /// livekit-sip puts the caller in the room (ringing, its track published) and LiveKit tells us.
    /// Each caller comes a second after the one before (the clock is the test's), so calls list
    /// newest first. The greeting's Ingress is in the room once this returns.
    @discardableResult
    static func callerArrives(_ env: Env, room: String, callID: String) async throws -> String {
        try await env.ringing.advance(.seconds(1))
        let ingresses = await env.fake.ingresses.count
        await env.hooks.liveKitSendsWebhooks()
        let identity = await env.fake.sipInbound(room: room, from: "+31612345678", to: "+31201110001", callID: callID)
        try await eventually("the greeting plays") { await env.fake.ingresses.count > ingresses }
        return identity
    }

    /// The greeting's Ingress ends (its media is over): `ingress_ended`.
    static func greetingEnds(_ env: Env) async throws {
        let ingress = try #require(await env.fake.ingresses.last?.ingressId)
        try await eventually("the recording started") { await env.fake.egresses.contains { $0.status == .active } }
        await env.fake.endIngress(ingress)
        try await eventually("the greeting is over") { try await env.leg()?["state"] as? String != "ringing" }
    }

    @Test("greeting from a signed link, recorded from its start, then one message — announced to the box's users")
    func wholeMessage() async throws {
        try await run { env in
            let w = env.world
            let events = try await SSEStream.open(port: env.ringing.port, token: w.a.userToken)
            defer { events.close() }
            _ = try await events.next("ready")
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_vm"
            let caller = try await Self.callerArrives(env, room: room, callID: "SCL_vm")

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
            // The greeting's audio answered the caller (livekit-sip subscribes to it).
            #expect(await env.fake.participants(in: room).first { $0.identity == caller }?.attributes?["sip.callStatus"] == "active")

            // 2. The caller is recorded from the greeting's start, so the first words after the tone are kept.
            try await eventually("the recording starts") { await !env.fake.requests("StartParticipantEgress").isEmpty }
            let egress = try #require(
                try await env.fake.requests("StartParticipantEgress").first?.decode(ParticipantEgressRequest.self))
            #expect(egress.roomName == room && egress.identity == caller)
            let output = try #require(egress.fileOutputs?.first)
            #expect(output.fileType == .ogg)
            #expect(output.filepath?.contains("/voicemail/\(w.a.id.lowercased())/\(w.a.extensionID.lowercased())/") == true)
            #expect(output.filepath?.hasSuffix(".ogg") == true)
            #expect(await env.fake.ingresses.count == 1)  // the greeting still plays
            #expect(try await env.leg()?["state"] as? String == "ringing")

            // 3. The greeting ends: the caller is connected to the box.
            try await Self.greetingEnds(env)
            #expect(try await env.leg()?["state"] as? String == "answered")
            #expect(try await env.call()["state"] as? String == "active")

            // 4. The caller hangs up: the participant egress ends with it; one message, however often LiveKit says so.
            await env.fake.callerHangsUp(room: room, identity: caller)
            try await eventually("the message is stored") { try await env.messages().count == 1 }
            let egressEnded = try #require(await env.fake.sentEvents.last { $0.event == "egress_ended" })
            _ = try await env.hooks.send(
                try JSONSerialization.jsonObject(with: ProtoJSON.encode(egressEnded, keys: .camelCase)) as? [String: Any] ?? [:])
            let messages = try await env.messages()
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            #expect(message["caller"] as? String == "+31612345678")
            #expect(message["duration_s"] as? Double == 6 && message["size_bytes"] as? Int == 48_000)
            #expect(message["extension_id"] as? String == w.a.extensionID && message["read"] as? Bool == false)
            try FakeOracle.write(await env.fake.requests, tag: "app-voicemail")
            try await FakeOracle.writeWebhooks(of: env.fake, tag: "app-voicemail")
            let event = try await events.next("voicemail")
            #expect(event.json["voicemail_id"] as? String == message["id"] as? String)
            let call = try await env.call()
            #expect(call["state"] as? String == "ended" && call["end_reason"] as? String == "voicemail")
        }
    }

    @Test("egress_ended overtaking the caller's participant_left still makes the message")
    func egressOvertakes() async throws {
        try await run { env in
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_ov"
            _ = try await Self.callerArrives(env, room: room, callID: "SCL_ov")
            try await Self.greetingEnds(env)
            // The recording ends first (the egress queue is not the room's): then the caller leaves.
            let egressID = try #require(await env.fake.egresses.last?.egressId)
            await env.fake.endEgress(egressID, seconds: 9)
            try await eventually("the message is stored") { try await env.messages().count == 1 }
            #expect(try await env.messages().first?["duration_s"] as? Double == 9)
            await env.fake.callerHangsUp(room: room, identity: "sip_+31612345678")
            _ = try await env.call(when: "the call ends") { $0["state"] as? String == "ended" }
            #expect(try await env.messages().count == 1)
        }
    }

    @Test("an empty recording is no message; a failed one fails the leg")
    func emptyAndFailed() async throws {
        try await run { env in
            for (n, failed) in [(1, false), (2, true)] {
                let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_e\(n)"
                let caller = try await Self.callerArrives(env, room: room, callID: "SCL_e\(n)")
                try await Self.greetingEnds(env)
                let egressID = try #require(await env.fake.egresses.last?.egressId)
                let key = try await Self.recordingWritten(env)
                if failed {
                    await env.fake.endEgress(egressID, status: .failed, error: "upload refused")
                } else {
                    await env.fake.endEgress(egressID, seconds: 0, size: 0)
                }
                try await eventually("the recording's end is recorded") { try await env.leg()?["failure_reason"] is String }
                let leg = try #require(try await env.leg())
                #expect(leg["state"] as? String == (failed ? "failed" : "ended"))
                #expect((leg["failure_reason"] as? String)?.contains(failed ? "upload refused" : "empty recording") == true)
                try await eventually("the recording that is no message is removed") {
                    try await env.ringing.services.jobs.runDue()
                    return try await env.ringing.services.storage.head(key) == nil
                }
                await env.fake.callerHangsUp(room: room, identity: caller)
                _ = try await env.call(when: "the call ends") { $0["state"] as? String == "ended" || $0["state"] as? String == "failed" }
            }
            #expect(try await env.messages().isEmpty)
        }
    }

    @Test(
        "at the maximum message length (counted from the greeting's start, plus its allowance) the recording stops and the caller is let go"
    )
    func maximumLength() async throws {
        try await run(configure: { $0.voicemailMaxMessage = .seconds(30) }) { env in
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_max"
            let caller = try await Self.callerArrives(env, room: room, callID: "SCL_max")
            try await Self.greetingEnds(env)
            let egressID = try #require(await env.fake.egresses.first?.egressId)
            let allowance = Int(CallMachine.greetingAllowance)
            try await env.ringing.advance(.seconds(30 + allowance - 1))
            #expect(await env.fake.requests("StopEgress").isEmpty)
            #expect(try await env.call()["state"] as? String == "active")
            try await env.ringing.advance(.seconds(1))
            try await eventually("the recording stops") { await !env.fake.requests("StopEgress").isEmpty }
            #expect(try await env.fake.requests("StopEgress").first?.decode(StopEgressRequest.self).egressId == egressID)
            let call = try await env.call(when: "the call ends") { $0["state"] as? String == "ended" }
            #expect(call["end_reason"] as? String == "voicemail")
            try await eventually("the caller is let go") { await env.fake.participants(in: room).allSatisfy { $0.identity != caller } }
            try await eventually("the message is stored") { try await env.messages().count == 1 }
        }
    }

    /// What Egress wrote for the current call: a file at the key the machine gave it.
    static func recordingWritten(_ env: Env) async throws -> String {
        let w = env.world
        let callID = try #require(UUID(uuidString: try await env.call()["id"] as? String ?? ""))
        let key = CallMachine.storageKey(
            tenant: try #require(UUID(uuidString: w.a.id)), box: try #require(UUID(uuidString: w.a.extensionID)), call: callID)
        try await env.ringing.services.storage.put(key, ByteBuffer(string: "OggS partial"), contentType: "audio/ogg")
        return key
    }

    @Test("a caller who hangs up during the greeting is not recorded, and what was recorded is removed")
    func hangsUpDuringGreeting() async throws {
        try await run { env in
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_hu"
            let caller = try await Self.callerArrives(env, room: room, callID: "SCL_hu")
            try await eventually("the recording started") { await env.fake.egresses.contains { $0.status == .active } }
            let key = try await Self.recordingWritten(env)
            await env.fake.callerHangsUp(room: room, identity: caller)
            try await eventually("the leg says why") {
                (try await env.leg()?["failure_reason"] as? String)?.contains("during the greeting") == true
            }
            #expect(try await env.messages().isEmpty)
            // The greeting's recorded seconds are nobody's message: the file goes (a durable job).
            try await eventually("the recording is removed") {
                try await env.ringing.services.jobs.runDue()
                return try await env.ringing.services.storage.head(key) == nil
            }
            #expect(try await env.call()["end_reason"] as? String == "voicemail")
            // The caller left: nobody is removed from the room.
            #expect(await env.fake.requests("RemoveParticipant").isEmpty)
        }
    }

    @Test("through the hook door: nothing plays before the caller is in the room; its webhook starts the greeting")
    func hookDoor() async throws {
        try await run { env in
            let answer = try await env.ringing.call("SCL_vmhook")
            #expect(answer.json["result"] as? String == "ACCEPT")
            let room = try #require(answer.json["room_name"] as? String)
            try await env.ringing.advance(.zero)
            #expect(await env.fake.requests("CreateIngress").isEmpty)
            _ = try await Self.callerArrives(env, room: room, callID: "SCL_vmhook")
            #expect(await env.fake.requests("CreateIngress").count == 1)
            // A repeated webhook plays nothing twice.
            let joined = try #require(await env.fake.sentEvents.first { $0.event == "participant_joined" })
            var again = try JSONSerialization.jsonObject(with: ProtoJSON.encode(joined, keys: .camelCase)) as? [String: Any] ?? [:]
            _ = try await env.hooks.send(again)
            again["id"] = "EV_other"
            _ = try await env.hooks.send(again)
            try await env.ringing.advance(.zero)
            #expect(await env.fake.requests("CreateIngress").count == 1)
        }
    }
}
