import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// `POST /me/click-to-call`: what is written, what LiveKit is asked, and every refused request.
@Suite("Click-to-call: placing a call")
struct ClickToCallTests {
    @Test("201 at once with the room and a token for the user; the call, its wave leg and its sip leg are written")
    func places() async throws {
        try await ClickToCallEnv.run { env in
            let reply = try await env.place("06 1234 5678")
            #expect(reply.status == .created, "\(reply.text)")
            let callID = try #require(reply.json["call_id"] as? String)
            #expect(callID == callID.uppercased())
            let room = try #require(reply.json["room_name"] as? String)
            #expect(room.hasPrefix("scaidial-out-"))
            #expect(reply.json["livekit_url"] as? String == env.lk.wsURL)
            let claims = try TokenVerifier(apiKey: env.lk.apiKey, apiSecret: env.lk.apiSecret).verify(reply.json["token"] as? String ?? "")
            #expect(claims.sub == "user_\(env.world.a.userID.lowercased())")
            #expect(claims.video?.roomJoin == true && claims.video?.room == room && claims.video?.canPublish == true)
            #expect(claims.video?.roomAdmin != true && claims.sip == nil)

            let call = try await env.call(callID)
            #expect(call["direction"] as? String == "outbound")
            #expect(call["to"] as? String == "+31612345678")
            #expect(call["from"] as? String == "+31201110001")
            #expect(call["trunk_id"] as? String == env.world.a.trunkID)
            #expect(call["placed_by_user_id"] as? String == env.world.a.userID)
            #expect(call["room_name"] as? String == room)
            let wave = try #require(env.leg(call, "wave"))
            #expect(wave["user_id"] as? String == env.world.a.userID)
            #expect(wave["extension_id"] as? String == env.world.a.extensionID)
            #expect(wave["participant_identity"] as? String == claims.sub)
            let sip = try #require(env.leg(call, "sip"))
            #expect(sip["destination"] as? String == "+31612345678")
            #expect(sip["participant_identity"] as? String == "sip_+31612345678")
        }
    }

    @Test("the dial: the oldest synced trunk, the DID as caller id, waiting for the answer, ringback, the policy's longest call")
    func dialRequest() async throws {
        try await ClickToCallEnv.run { env in
            await env.fake.setCallee("+31612345678", .rings)
            try await env.policy(["max_call_duration_s": 1200])
            let callID = try #require(try await env.place("+31612345678").json["call_id"] as? String)
            try await eventually("LiveKit was asked to dial") { try await env.dials().count == 1 }
            let dial = try #require(try await env.dials().first)
            let outbound = await env.fake.outboundTrunks.first?.sipTrunkId
            #expect(dial.sipTrunkId != nil && dial.sipTrunkId == outbound)
            #expect(dial.sipCallTo == "+31612345678")
            #expect(dial.sipNumber == "+31201110001")
            #expect(dial.participantIdentity == "sip_+31612345678")
            #expect(dial.waitUntilAnswered == true)
            #expect(dial.playDialtone == true)
            #expect(dial.maxCallDuration == .seconds(1200))
            #expect(dial.ringingTimeout == .seconds(60))
            // livekit-sip's participant is in the room while the phone rings: the call says so.
            try await eventually("the call is ringing") { try await env.call(callID)["state"] as? String == "ringing" }
            #expect(try await env.call(callID)["room_name"] as? String == dial.roomName)
            #expect(!(try await env.call(callID)["answered_at"] is String))
            // The answer is the dial returning: then the call is active and knows LiveKit's call id.
            await env.fake.answerCallee(room: dial.roomName ?? "", identity: "sip_+31612345678")
            try await eventually("the call is active") { try await env.call(callID)["state"] as? String == "active" }
            #expect((try await env.call(callID)["livekit_call_id"] as? String)?.hasPrefix("SCL_") == true)
            try FakeOracle.write(await env.fake.requests, tag: "app-click-to-call")
        }
    }

    @Test("the tenant's default caller id wins over the trunk's number")
    func defaultCallerID() async throws {
        try await ClickToCallEnv.run { env in
            // `GET /me` says which number callees will see: the trunk's first number, then the
            // tenant's choice.
            func shown() async throws -> String? {
                try await env.api.get("/me", token: env.world.a.userToken).json["outbound_caller_id"] as? String
            }
            #expect(try await shown() == "+31201110001")
            try await env.policy(["default_caller_id": "020 111 9999"])
            #expect(try await shown() == "+31201119999")
            #expect(try await env.place("+31612345678").status == .created)
            try await eventually("LiveKit was asked to dial") { try await env.dials().count == 1 }
            #expect(try await env.dials().first?.sipNumber == "+31201119999")
        }
    }

    @Test("bad input: each refusal is its own problem, and nothing is written or dialled")
    func badInput() async throws {
        try await ClickToCallEnv.run { env in
            let w = env.world
            let fields = try await env.api.post("/me/click-to-call", token: env.user, [:])
            #expect(fields.status == .unprocessableContent)
            #expect(Set(fields.errorFields) == ["extension_id", "destination"])
            let garbage = try await env.place("call me maybe")
            #expect(garbage.status == .unprocessableContent && garbage.errorFields == ["destination"])
            #expect(try await env.place("12").errorFields == ["destination"])
            #expect(try await env.place(31_612_345_678).errorFields == ["destination"])
            #expect(try await env.place("+31612345678", ext: "not-a-uuid").errorFields == ["extension_id"])
            #expect(try await env.api.call(.post, "/me/click-to-call", token: env.user, raw: "{").status == .badRequest)

            let unknown = try await env.place("+31612345678", ext: UUID().uuidString)
            #expect(unknown.status == .notFound && unknown.json["code"] as? String == "unknown_extension")
            let theirs = try await env.place("+31612345678", ext: w.b.extensionID)
            #expect(theirs.status == .notFound && theirs.json["code"] as? String == "unknown_extension")
            let ungranted = try await env.api.post("\(w.a.base)/extensions", token: w.a.adminToken, ["number": "102", "name": "Other"]).id
            let noGrant = try await env.place("+31612345678", ext: ungranted)
            #expect(noGrant.status == .forbidden && noGrant.json["code"] as? String == "no_grant")
            #expect((noGrant.json["detail"] as? String)?.contains("102") == true)
            let root = try await env.place("+31612345678", token: w.rootToken)
            #expect(root.status == .forbidden && root.json["code"] as? String == "no_tenant")
            #expect(try await env.api.call(.post, "/me/click-to-call", json: ["extension_id": w.a.extensionID]).status == .unauthorized)
            // The admin's own grant-less request is refused the same way (roles do not bypass grants).
            #expect(try await env.place("+31612345678", token: w.a.adminToken).json["code"] as? String == "no_grant")

            #expect(try await env.calls().isEmpty)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await env.dials().isEmpty)
        }
    }

    @Test("no synced trunk: 409 with its own reason")
    func noSyncedTrunk() async throws {
        try await ClickToCallEnv.run { env in
            let w = env.world
            // The trunk's only number goes: its LiveKit objects go with it and it is pending again.
            #expect(try await env.api.delete("\(w.a.base)/dids/\(w.a.didID)", token: w.a.adminToken).status == .noContent)
            try await eventually("trunk no longer synced") { try await env.trunkState() != "synced" }
            let reply = try await env.place("+31612345678")
            #expect(reply.status == .conflict && reply.json["code"] as? String == "no_synced_trunk")
            #expect(try await env.calls().isEmpty)
        }
    }

    @Test("without LiveKit: 409 with its own reason")
    func noLiveKit() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let reply = try await api.post(
                "/me/click-to-call", token: w.a.userToken, ["extension_id": w.a.extensionID, "destination": "0612345678"])
            #expect(reply.status == .conflict && reply.json["code"] as? String == "livekit_not_configured")
            #expect(try await api.get("\(w.a.base)/calls", token: w.a.adminToken).items.isEmpty)
        }
    }

    @Test("a colleague holding a grant on the same extension cannot answer someone's outbound call")
    func notAnswerableByColleagues() async throws {
        try await ClickToCallEnv.run { env in
            let w = env.world
            let other = try await env.api.post(
                "\(w.a.base)/users", token: w.a.adminToken, ["email": "o@a.test", "password": "other-password"]
            ).id
            _ = try await env.api.post("\(w.a.base)/extensions/\(w.a.extensionID)/grants", token: w.a.adminToken, ["user_id": other])
            let otherToken = try await env.api.login("o@a.test", "other-password")
            await env.fake.setCallee("+31612345678", .rings)
            let callID = try #require(try await env.place("+31612345678").json["call_id"] as? String)
            try await eventually("the call is ringing") { try await env.call(callID)["state"] as? String == "ringing" }
            #expect(try await env.api.post("/me/calls/\(callID)/answer", token: otherToken, [:]).status == .notFound)
            #expect(try await env.api.post("/me/calls/\(callID)/hangup", token: otherToken, [:]).status == .notFound)
            #expect(try await env.api.get("/me/calls/active", token: otherToken).items.isEmpty)
        }
    }
}
