import FluentKit
import Foundation
import ServiceLifecycle
import Synchronization

/// One event for a user's browsers on `GET /me/events` (server-sent events).
struct UserEvent: Sendable, Equatable {
    /// `ready`, `ring`, `ring_cancelled`, `call_updated`, `voicemail`, `presence`.
    let name: String
    /// JSON object text; holds at least `call_id` (except `ready` and `presence`).
    let data: String

    static func make(_ name: String, _ fields: [String: any Sendable]) -> UserEvent {
        let object = fields.mapValues { value -> Any in
            switch value {
            case let id as UUID: id.uuidString  // the same spelling as the JSON API
            case let date as Date: ISO8601DateFormatter().string(from: date)
            default: value
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return UserEvent(name: name, data: String(decoding: data, as: UTF8.self))
    }

    /// The SSE wire form.
    var wire: String { "event: \(name)\ndata: \(data)\n\n" }
}

/// Who is online (has an open event stream) and how to reach their browsers. The streams are this
/// process's; with `shared` (PostgreSQL), who is online and what is sent span every replica.
final class EventHub: Sendable {
    private struct Subscriber {
        let user: UUID
        /// The session or API token the stream was opened with.
        let token: UUID?
        /// Order of opening, for closing a user's oldest stream first.
        let serial: Int
        let continuation: AsyncStream<UserEvent>.Continuation
    }
    private struct State {
        var subscribers: [UUID: Subscriber] = [:]
        var serial = 0
    }
    private let state = Mutex(State())
    let shared: SharedEvents?
    /// A user's open streams on this replica at most; opening one more closes their oldest.
    let maxStreamsPerUser: Int

    /// The event that closes streams whose credentials are gone; it never reaches a browser as such.
    static let revokeEvent = "_revoke"

    init(shared: SharedEvents? = nil, maxStreamsPerUser: Int = 10) {
        self.shared = shared
        self.maxStreamsPerUser = max(1, maxStreamsPerUser)
    }

    /// A new stream for one browser of `user`, opened with `token`; it starts with `ready`. Past
    /// `maxStreamsPerUser` the user's oldest stream here is closed (told `signed_out`, reason `too_many_streams`).
    func subscribe(user: UUID, token: UUID? = nil) -> (id: UUID, events: AsyncStream<UserEvent>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: UserEvent.self, bufferingPolicy: .bufferingNewest(100))
        continuation.yield(.make("ready", ["user_id": user]))
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        let evicted = state.withLock { state -> [Subscriber] in
            state.serial += 1
            state.subscribers[id] = Subscriber(user: user, token: token, serial: state.serial, continuation: continuation)
            let mine = state.subscribers.filter { $0.value.user == user }.sorted { $0.value.serial < $1.value.serial }
            let excess = mine.prefix(max(0, mine.count - maxStreamsPerUser))
            for (key, _) in excess { state.subscribers[key] = nil }
            return excess.map(\.value)
        }
        for old in evicted { Self.signOff(old.continuation, reason: "too_many_streams") }
        shared?.presenceChanged()
        return (id, stream)
    }

    /// Closes the streams opened with `token` (signed out, token deleted) or, with nil, every
    /// stream of `user` (password changed, account disabled or deleted) — here and on every replica.
    func revoke(user: UUID, token: UUID?, reason: String) {
        var fields: [String: any Sendable] = ["reason": reason]
        if let token { fields["token"] = token }
        send(.make(Self.revokeEvent, fields), to: [user])
    }

    private static func signOff(_ continuation: AsyncStream<UserEvent>.Continuation, reason: String) {
        continuation.yield(.make("signed_out", ["reason": reason]))
        continuation.finish()
    }

    func unsubscribe(_ id: UUID) {
        let removed = state.withLock { $0.subscribers.removeValue(forKey: id) }
        removed?.continuation.finish()
        if removed != nil { shared?.presenceChanged() }
    }

    /// Ends every stream (graceful shutdown: open event streams must not keep the server up).
    func closeAll() {
        let all = state.withLock { s -> [Subscriber] in
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        for subscriber in all { subscriber.continuation.finish() }
    }

    /// Users with a stream open on this replica.
    func localUsers() -> Set<UUID> {
        state.withLock { Set($0.subscribers.values.map(\.user)) }
    }

    /// Streams open on this replica (tests, `/metrics`).
    var openStreams: Int { state.withLock { $0.subscribers.count } }

    /// Of `users`, those online here or (shared) on any replica.
    /// `db`: where the other replicas' streams are read (the caller's transaction, when it holds
    /// one: a second connection taken inside it could wait on the pool for the first).
    func online(_ users: some Sequence<UUID>, on db: (any Database)? = nil) async throws -> Set<UUID> {
        let wanted = Array(users)
        let here = localUsers().intersection(wanted)
        guard let shared else { return here }
        return here.union(try await shared.online(wanted, on: db))
    }

    /// Delivers `event` to every open stream of these users, here and (shared) on the other
    /// replicas; returns how many streams of this replica got it.
    @discardableResult
    func send(_ event: UserEvent, to users: some Sequence<UUID>) -> Int {
        let targets = Array(Set(users))
        shared?.publish(event, to: targets)
        return deliver(event, to: targets)
    }

    /// Delivers to this replica's streams only.
    @discardableResult
    func deliver(_ event: UserEvent, to users: [UUID]) -> Int {
        let targets = Set(users)
        if event.name == Self.revokeEvent { return close(event, users: targets) }
        let streams = state.withLock { $0.subscribers.values.filter { targets.contains($0.user) }.map(\.continuation) }
        for stream in streams { stream.yield(event) }
        return streams.count
    }

    /// A revocation: the matching streams are told `signed_out` and closed, atomically with their
    /// removal (no event can be delivered to them after).
    private func close(_ revocation: UserEvent, users: Set<UUID>) -> Int {
        let fields = (try? JSONSerialization.jsonObject(with: Data(revocation.data.utf8))) as? [String: Any] ?? [:]
        let token = (fields["token"] as? String).flatMap(UUID.init(uuidString:))
        let reason = fields["reason"] as? String ?? "signed_out"
        let closed = state.withLock { state -> [Subscriber] in
            let matching = state.subscribers.filter { users.contains($0.value.user) && (token == nil || $0.value.token == token) }
            for key in matching.keys { state.subscribers[key] = nil }
            return Array(matching.values)
        }
        for subscriber in closed { Self.signOff(subscriber.continuation, reason: reason) }
        if !closed.isEmpty { shared?.presenceChanged() }
        return closed.count
    }
}

/// Closes the event streams when the server shuts down gracefully.
struct EventHubService: Service {
    let hub: EventHub
    func run() async throws {
        try? await gracefulShutdown()
        hub.closeAll()
    }
}
