import Foundation
import Testing

@testable import ScaiDial

/// Do not disturb (`PATCH /me`): persisted on the user, not rung, unavailable for forward rules,
/// and told to the user's other browsers.
@Suite("Do not disturb")
struct DoNotDisturbTests {
    @Test("a user on do-not-disturb is not rung; the others are; every device of theirs hears the change")
    func notRung() async throws {
        try await RingingTests().run { env in
            let w = env.world
            let mine = try await SSEStream.open(port: env.port, token: w.a.userToken)
            let myOther = try await SSEStream.open(port: env.port, token: w.a.userToken)
            let theirs = try await SSEStream.open(port: env.port, token: env.otherToken)
            for s in [mine, myOther, theirs] { #expect(try await s.next().name == "ready") }
            #expect(
                (try await env.api.get("/me", token: w.a.userToken).json["user"] as? [String: Any])?["do_not_disturb"] as? Bool == false)

            let on = try await env.api.patch("/me", token: w.a.userToken, ["do_not_disturb": true])
            #expect(on.status == .ok, "\(on.text)")
            #expect((on.json["user"] as? [String: Any])?["do_not_disturb"] as? Bool == true)
            // Both of the user's browsers hear it (a second device updates its switch).
            #expect(try await mine.next("presence").json["do_not_disturb"] as? Bool == true)
            #expect(try await myOther.next("presence").json["do_not_disturb"] as? Bool == true)
            // Persisted: a new sign-in (another device) reads it back.
            let again = try await env.api.login("user@a.test", "user-password")
            #expect((try await env.api.get("/me", token: again).json["user"] as? [String: Any])?["do_not_disturb"] as? Bool == true)

            let callID = try #require(try await env.call("SCL_dnd").json["scaidial_call_id"] as? String)
            #expect(try await theirs.next("ring").json["call_id"] as? String == callID)
            // The user on do-not-disturb was not rung: the next thing their stream carries is the
            // switch turned off again, not a ring.
            _ = try await env.api.patch("/me", token: w.a.userToken, ["do_not_disturb": false])
            let next = try await mine.next()
            #expect(next.name == "presence" && next.json["do_not_disturb"] as? Bool == false)
            for s in [mine, myOther, theirs] { s.close() }
        }
    }

    @Test("everyone granted on do-not-disturb: the call follows the unavailable rule (voicemail)")
    func unavailable() async throws {
        try await RingingTests().run { env in
            let w = env.world
            let (mine, theirs) = try await env.bothListening()
            for token in [w.a.userToken, env.otherToken] {
                #expect(try await env.api.patch("/me", token: token, ["do_not_disturb": true]).status == .ok)
            }
            _ = try await env.call("SCL_dnd_all")
            let call = try #require(try await env.calls().first)
            #expect(call["action"] as? String == "voicemail")
            #expect((call["legs"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["sip", "voicemail"])
            mine.close()
            theirs.close()
        }
    }

    @Test("bad input: a clear error naming the field, and nothing written")
    func badInput() async throws {
        try await RingingTests().run { env in
            let token = env.world.a.userToken
            for body: [String: Any] in [["do_not_disturb": "yes"], [:], ["do_not_disturb": true, "presence": "away"]] {
                let reply = try await env.api.patch("/me", token: token, body)
                #expect(reply.status == .unprocessableContent || reply.status == .badRequest, "\(reply.text)")
                #expect(!reply.errorFields.isEmpty, "\(reply.text)")
            }
            #expect((try await env.api.get("/me", token: token).json["user"] as? [String: Any])?["do_not_disturb"] as? Bool == false)
            #expect(try await env.api.patch("/me", token: nil, ["do_not_disturb": true]).status == .unauthorized)
        }
    }
}
