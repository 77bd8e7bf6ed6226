import Foundation
import Synchronization

/// A UDP port on 127.0.0.1 that takes datagrams and never answers: a carrier that has gone
/// silent. Its blocking receive loop runs on a thread of its own: on the tests' small
/// cooperative pool it would hold up every other test's timers.
public final class SilentUDPServer: Sendable {
    public let port: Int
    private let state = State()

    final class State: Sendable {
        let value = Mutex((datagrams: 0, stopped: false))
    }

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard let port = bindLoopback(fd, port: 0) else {
            close(fd)
            throw SIPTestFailure("cannot bind a UDP port")
        }
        self.port = port
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [state] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !state.value.withLock({ $0.stopped }) {
                if recv(fd, &buffer, buffer.count, 0) > 0 { state.value.withLock { $0.datagrams += 1 } }
            }
            close(fd)  // here, not in deinit: the number must not be reused while recv may still run
        }
        thread.start()
    }

    /// How many datagrams arrived.
    public var datagrams: Int { state.value.withLock { $0.datagrams } }

    deinit { state.value.withLock { $0.stopped = true } }
}
