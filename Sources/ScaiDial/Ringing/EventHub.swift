import Foundation
import ServiceLifecycle
import Synchronization

/// One event for a user's browsers on `GET /me/events` (server-sent events).
struct UserEvent: Sendable, Equatable {
    /// `ready`, `ring`, `ring_cancelled`, `call_updated`, `voicemail`.
    let name: String
    /// JSON object text; holds at least `call_id` (except `ready`).
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
    private struct Subscriber { let user: UUID; let continuation: AsyncStream<UserEvent>.Continuation }
    private let subscribers = Mutex<[UUID: Subscriber]>([:])
    let shared: SharedEvents?

    init(shared: SharedEvents? = nil) { self.shared = shared }

    /// A new stream for one browser of `user`; it starts with `ready`.
    func subscribe(user: UUID) -> (id: UUID, events: AsyncStream<UserEvent>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: UserEvent.self, bufferingPolicy: .bufferingNewest(100))
        continuation.yield(.make("ready", ["user_id": user]))
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        subscribers.withLock { $0[id] = Subscriber(user: user, continuation: continuation) }
        shared?.presenceChanged()
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        let removed = subscribers.withLock { $0.removeValue(forKey: id) }
        removed?.continuation.finish()
        if removed != nil { shared?.presenceChanged() }
    }

    /// Ends every stream (graceful shutdown: open event streams must not keep the server up).
    func closeAll() {
        let all = subscribers.withLock { s -> [Subscriber] in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for subscriber in all { subscriber.continuation.finish() }
    }

    /// Users with a stream open on this replica.
    func localUsers() -> Set<UUID> {
        subscribers.withLock { Set($0.values.map(\.user)) }
    }

    /// Of `users`, those online here or (shared) on any replica.
    func online(_ users: some Sequence<UUID>) async throws -> Set<UUID> {
        let wanted = Array(users)
        let here = localUsers().intersection(wanted)
        guard let shared else { return here }
        return here.union(try await shared.online(wanted))
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
        let streams = subscribers.withLock { $0.values.filter { targets.contains($0.user) }.map(\.continuation) }
        for stream in streams { stream.yield(event) }
        return streams.count
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
