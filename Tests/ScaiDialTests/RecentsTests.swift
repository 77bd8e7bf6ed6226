import Foundation
import Testing

@testable import ScaiDial

/// `GET /me/calls`: a user's call log — what each call was for them, newest first, only theirs.
@Suite("Recents: the user's call log")
struct RecentsTests {
    @Test("answered by me, by a colleague, missed, to voicemail and still ringing; newest first, paged; only my calls")
    func kinds() async throws {
        try await RingingTests().run { env in
            let w = env.world
            let (mine, theirs) = try await env.bothListening()
            func call(_ id: String, from: String) async throws -> (id: String, decision: Reply) {
                env.clock.advance(by: .seconds(1))  // each call starts a second after the last
                let decision = try await env.call(id, from: from)
                _ = try await mine.next("ring")
                return (try #require(decision.json["scaidial_call_id"] as? String), decision)
            }
            // 1: I answer. 2: my colleague answers. 3: the caller gives up. 4: still ringing.
            // (Each answered call is hung up again: a user on a call is not rung.)
            let answered = try await call("SCL_rc1", from: "+31611000001")
            #expect(try await env.api.post("/me/calls/\(answered.id)/answer", token: w.a.userToken, [:]).status == .ok)
            #expect(try await env.api.post("/me/calls/\(answered.id)/hangup", token: w.a.userToken, [:]).status == .noContent)
            let taken = try await call("SCL_rc2", from: "+31611000002")
            #expect(try await env.api.post("/me/calls/\(taken.id)/answer", token: env.otherToken, [:]).status == .ok)
            #expect(try await env.api.post("/me/calls/\(taken.id)/hangup", token: env.otherToken, [:]).status == .noContent)
            let missed = try await call("SCL_rc3", from: "+31611000003")
            let (room, caller) = try await env.callerJoins(missed.decision, callID: "SCL_rc3", from: "+31611000003")
            await env.fake.callerHangsUp(room: room, identity: caller)
            _ = try await mine.next("ring_cancelled")
            let ringing = try await call("SCL_rc4", from: "+31611000004")
            // 5: nobody online any more: the extension's voicemail takes it.
            mine.close()
            theirs.close()
            let me = try #require(UUID(uuidString: w.a.userID))
            let me2 = try await env.api.get("/me", token: env.otherToken).json["user"] as? [String: Any]
            let colleague = try #require((me2?["id"] as? String).flatMap { UUID(uuidString: $0) })
            try await eventually("both streams are gone") { try await env.services.hub.online([me, colleague]).isEmpty }
            env.clock.advance(by: .seconds(1))
            let voicemail = try #require(try await env.call("SCL_rc5", from: "+31611000005").json["scaidial_call_id"] as? String)

            let log = try await env.api.get("/me/calls", token: w.a.userToken)
            #expect(log.status == .ok, "\(log.text)")
            let kinds = log.items.map { ($0["id"] as? String ?? "", $0["kind"] as? String ?? "", $0["number"] as? String ?? "") }
            #expect(kinds.map(\.0) == [voicemail, ringing.id, missed.id, taken.id, answered.id])
            #expect(kinds.map(\.1) == ["voicemail", "ringing", "missed", "answered_elsewhere", "incoming"])
            #expect(kinds.map(\.2) == ["+31611000005", "+31611000004", "+31611000003", "+31611000002", "+31611000001"])
            #expect(log.items.allSatisfy { $0["extension_number"] as? String == "101" && $0["direction"] as? String == "inbound" })
            // For my colleague the first call was taken elsewhere and the second was theirs.
            let theirLog = try await env.api.get("/me/calls", token: env.otherToken).items
            #expect(theirLog.first { $0["id"] as? String == answered.id }?["kind"] as? String == "answered_elsewhere")
            #expect(theirLog.first { $0["id"] as? String == taken.id }?["kind"] as? String == "incoming")

            // Paged by cursor: every call once, in order.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await env.api.get("/me/calls?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: w.a.userToken)
                seen += page.items.compactMap { $0["id"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == kinds.map(\.0))
            #expect(try await env.api.get("/me/calls?cursor=nonsense", token: w.a.userToken).status == .unprocessableContent)

            // Only the user's: another tenant's user, and the admin who holds no grant on 101, see none of them.
            #expect(try await env.api.get("/me/calls", token: w.b.userToken).items.isEmpty)
            #expect(try await env.api.get("/me/calls", token: w.a.adminToken).items.isEmpty)
            #expect(try await env.api.get("/me/calls", token: nil).status == .unauthorized)
        }
    }

    @Test("what a call was for a user, from its row")
    func kindRules() {
        let me = UUID()
        let other = UUID()
        func kind(
            _ d: CallDirection = .inbound, _ s: CallState = .ended, action: ActionType? = .ringExtension, by: UUID? = nil,
            answered: Bool = false, reason r: EndReason? = nil
        ) -> RecentCallDTO.Kind {
            RecentCallDTO.kind(direction: d, state: s, action: action, answeredBy: by, answered: answered, endReason: r, user: me)
        }
        #expect(kind(.outbound, reason: .noAnswer) == .outgoing)
        #expect(kind(by: me, answered: true, reason: .completed) == .incoming)
        #expect(kind(by: other, answered: true, reason: .completed) == .answeredElsewhere)
        #expect(kind(action: .forward, answered: true, reason: .completed) == .answeredElsewhere)
        #expect(kind(action: .voicemail, answered: true, reason: .voicemail) == .voicemail)
        #expect(kind(.inbound, .ringing, action: .voicemail) == .voicemail)
        #expect(kind(reason: .callerHangup) == .missed)
        #expect(kind(reason: .noAnswer) == .missed)
        #expect(kind(.inbound, .ringing) == .ringing)
    }
}
