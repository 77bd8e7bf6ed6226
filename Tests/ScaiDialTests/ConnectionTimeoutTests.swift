import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

@testable import ScaiDial

/// Issue 14, item 11: connections that send nothing (or half a request) do not stay open forever.
@Suite("Connections: idle and half-sent requests are closed; event streams are not idle")
struct ConnectionTimeoutTests {
    static func connect(_ port: Int) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
    }

    /// Whether the server closes `channel` within `seconds`.
    static func closed(_ channel: any Channel, within seconds: Int) async throws -> Bool {
        try await SignInFloodTests.within(seconds + 5, "waiting for the close") {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await channel.closeFuture.get()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
        }
    }

    @Test("half a request line (slowloris) and an idle keep-alive are closed after the idle timeout; a stream being answered stays")
    func idle() async throws {
        try await withAppServices(live: true, configure: { $0.httpIdleTimeout = .seconds(5) }) { api, _, services in
            let port = try #require(api.client.port)
            // The test client's own connection is idle-closed too: everything through it comes first.
            let w = try await World.build(api)
            let stream = try await SSEStream.open(port: port, token: w.a.userToken)
            #expect(try await stream.next().name == "ready")
            let slow = try await Self.connect(port)
            // (On a loaded machine the server may have closed it before the write: that is the point.)
            try? await slow.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHo")).get()
            let idle = try await Self.connect(port)
            try? await idle.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")).get()
            #expect(try await Self.closed(slow, within: 10))
            #expect(try await Self.closed(idle, within: 10))
            // The event stream outlived the timeout and still delivers.
            let user = try #require(UUID(uuidString: w.a.userID))
            services.hub.send(.make("ring", ["call_id": UUID()]), to: [user])
            #expect(try await stream.next().name == "ring")
            stream.close()
        }
    }
}
