import AsyncHTTPClient
import Foundation
import NIOCore

/// A browser's `GET /me/events` over real HTTP, read event by event.
final class SSEStream: Sendable {
    struct Event: Sendable {
        let name: String
        let data: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:] }
    }

    private let events: AsyncStream<Event>
    private let reader: Task<Void, Never>

    private init(events: AsyncStream<Event>, reader: Task<Void, Never>) {
        self.events = events
        self.reader = reader
    }

    static func open(port: Int, token: String) async throws -> SSEStream {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/me/events")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(3600))
        guard response.status == .ok else { throw TestFailure("event stream answered \(response.status)") }
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
        let reader = Task {
            var pending = ""
            do {
                for try await chunk in response.body {
                    pending += String(buffer: chunk)
                    while let range = pending.range(of: "\n\n") {
                        let block = pending[..<range.lowerBound]
                        pending = String(pending[range.upperBound...])
                        var name = "message", data = ""
                        for line in block.split(separator: "\n") {
                            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                            if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                        }
                        continuation.yield(Event(name: name, data: data))
                    }
                }
            } catch {}
            continuation.finish()
        }
        return SSEStream(events: stream, reader: reader)
    }

    /// The next event, or a failure after `timeout`.
    func next(timeout: Duration = .seconds(10)) async throws -> Event {
        let events = self.events
        return try await withThrowingTaskGroup(of: Event?.self) { group in
            group.addTask {
                for await event in events { return event }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else { throw TestFailure("no event within \(timeout)") }
            return first
        }
    }

    /// Skips events until one named `name` arrives.
    func next(_ name: String, timeout: Duration = .seconds(10)) async throws -> Event {
        let deadline = ContinuousClock.now + timeout
        while true {
            let event = try await next(timeout: deadline - ContinuousClock.now)
            if event.name == name { return event }
        }
    }

    func close() { reader.cancel() }
}
