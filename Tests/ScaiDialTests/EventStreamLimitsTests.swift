import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ScaiDial

/// Issue 14, item 11: event streams end with the credentials they were opened with, and a user
/// cannot hold an unbounded number of them.
@Suite("Event streams: closed on sign-out and lost credentials, at most N per user")
struct EventStreamLimitsTests {
    static func drain(_ stream: AsyncStream<UserEvent>) async -> [String] {
        var names: [String] = []
        for await event in stream { names.append(event.name) }
        return names
    }

    @Test("one stream too many closes the user's oldest, telling it why; other users are not counted")
    func cap() async {
        let hub = EventHub(maxStreamsPerUser: 2)
        let (alice, bob) = (UUID(), UUID())
        let first = hub.subscribe(user: alice)
        let second = hub.subscribe(user: alice)
        let bobs = hub.subscribe(user: bob)
        #expect(hub.openStreams == 3)
        let third = hub.subscribe(user: alice)
        #expect(hub.openStreams == 3)
        #expect(await Self.drain(first.events) == ["ready", "signed_out"])
        hub.send(.make("ring", ["call_id": UUID()]), to: [alice])
        hub.unsubscribe(second.id)
        hub.unsubscribe(third.id)
        #expect(await Self.drain(third.events) == ["ready", "ring"])
        hub.unsubscribe(bobs.id)
        #expect(await Self.drain(bobs.events) == ["ready"])
    }

    @Test("revoking a token closes only its streams; revoking a user closes all of theirs; nothing reaches them after")
    func revoke() async {
        let hub = EventHub()
        let user = UUID()
        let (session, other) = (UUID(), UUID())
        let mine = hub.subscribe(user: user, token: session)
        let theirs = hub.subscribe(user: user, token: other)
        hub.revoke(user: user, token: session, reason: "signed_out")
        hub.send(.make("ring", ["call_id": UUID()]), to: [user])
        #expect(await Self.drain(mine.events) == ["ready", "signed_out"])
        hub.revoke(user: user, token: nil, reason: "password_changed")
        hub.send(.make("ring", ["call_id": UUID()]), to: [user])
        #expect(await Self.drain(theirs.events) == ["ready", "ring", "signed_out"])
        #expect(hub.openStreams == 0 && hub.localUsers().isEmpty)
    }

    @Test("over HTTP: signing out ends that session's stream at once; a new password ends the user's others")
    func overHTTP() async throws {
        try await withAppServices(live: true) { api, _, services in
            let w = try await World.build(api)
            let port = try #require(api.client.port)
            let laptop = try await api.login("user@a.test", "user-password")
            let phone = try await api.login("user@a.test", "user-password")
            let onLaptop = try await SSEStream.open(port: port, token: laptop)
            let onPhone = try await SSEStream.open(port: port, token: phone)
            let readyLaptop = try await onLaptop.next()
            let readyPhone = try await onPhone.next()
            #expect(readyLaptop.name == "ready" && readyPhone.name == "ready")
            #expect(try await api.call(.post, "/v1/auth/logout", token: laptop).status == .noContent)
            let bye = try await onLaptop.next()
            #expect(bye.name == "signed_out" && bye.json["reason"] as? String == "signed_out")
            let user = try #require(UUID(uuidString: w.a.userID))
            services.hub.send(.make("ring", ["call_id": UUID()]), to: [user])
            #expect(try await onPhone.next().name == "ring")
            await #expect(throws: TestFailure.self) { _ = try await onLaptop.next(timeout: .milliseconds(300)) }
            let changed = try await api.patch("\(w.a.base)/users/\(w.a.userID)", token: w.a.adminToken, ["password": "a-new-password"])
            #expect(changed.status == .ok, "\(changed.text)")
            let gone = try await onPhone.next()
            #expect(gone.name == "signed_out" && gone.json["reason"] as? String == "password_changed")
            onLaptop.close()
            onPhone.close()
            #expect(services.hub.openStreams == 0)
        }
    }
}
