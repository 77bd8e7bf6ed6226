import Foundation
import Synchronization

/// A program the tests start (Kamailio, SIPp, kamcmd), with its output in a file.
///
/// Spawned with posix_spawn rather than Foundation's `Process`: with several children alive,
/// `Process` blocked in `wait4` on one that never exits. Each child gets its own process group
/// (so stopping Kamailio stops its worker processes too), the default signal dispositions and an
/// empty signal mask (the test process's threads block SIGTERM, which a child would inherit).
public final class ExternalProcess: Sendable {
    public let pid: pid_t
    public let output: URL
    private let exit = Mutex<Int32?>(nil)

    public init(_ path: String, _ arguments: [String], output: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SIPTestFailure(
                "\(path) is not installed: apt-get install kamailio sip-tester (with a policy-rc.d that exits 101; see .ci/run)")
        }
        self.output = output
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process's: a child must not hold its database connections or
        // listening sockets (a leftover child would keep them open).
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw SIPTestFailure("cannot start \(path): \(String(cString: strerror(rc)))") }
        self.pid = pid
        Self.register(pid, path: path)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does not
    /// declare: looked up at run time.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    // MARK: children left behind by a test process that crashed

    /// One file per running child, naming the test process that started it; a child whose test
    /// process is gone (it crashed before `stop()`) is killed with its process group by the next
    /// test process that starts one.
    private static let registry = URL(fileURLWithPath: "/tmp/scaidial-test-children", isDirectory: true)
    private static let reapOnce: Void = reapOrphans()

    private static func register(_ pid: pid_t, path: String) {
        _ = reapOnce
        try? FileManager.default.createDirectory(at: registry, withIntermediateDirectories: true)
        try? "\(getpid()) \(path)".write(to: registry.appendingPathComponent("\(pid)"), atomically: true, encoding: .utf8)
    }

    private static func unregister(_ pid: pid_t) {
        try? FileManager.default.removeItem(at: registry.appendingPathComponent("\(pid)"))
    }

    private static func reapOrphans() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: registry.path)) ?? []
        for name in entries {
            guard let child = pid_t(name),
                let text = try? String(contentsOf: registry.appendingPathComponent(name), encoding: .utf8),
                let owner = pid_t(text.split(separator: " ").first ?? "")
            else { continue }
            if kill(owner, 0) == 0 || errno == EPERM { continue }  // its test process still runs
            // Still the program that was started (not a recycled pid)?
            let command = (try? String(contentsOfFile: "/proc/\(child)/cmdline", encoding: .utf8)) ?? ""
            let program = text.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "-"
            if command.hasPrefix(program) { kill(-child, SIGKILL) }
            unregister(child)
        }
    }

    public var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    public var isRunning: Bool { exitCode == nil }

    /// The exit status once it ended (reaped here), nil while it runs.
    public var exitCode: Int32? {
        exit.withLock { code in
            if code == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            }
            return code
        }
    }

    /// Waits for the program to end by itself; nil if it is still running after `timeout`.
    public func exitStatus(within timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return exitCode
    }

    /// SIGTERM to its process group, then SIGKILL if it is still there after 5 s.
    public func stop() {
        defer { Self.unregister(pid) }
        guard isRunning else { return }
        kill(-pid, SIGTERM)
        for _ in 0..<100 where isRunning { usleep(50_000) }
        if isRunning { kill(-pid, SIGKILL) }
        for _ in 0..<100 where isRunning { usleep(20_000) }
    }

    /// Runs a short command to its end (at most `timeout`) and returns its exit status and output.
    /// Polls with `Task.sleep`, never blocking a thread: tests share a small cooperative pool,
    /// and a blocked thread delays every other test's timers (SIP retransmissions among them).
    public static func run(
        _ path: String, _ arguments: [String], timeout: Duration = .seconds(5)
    ) async throws -> (
        status: Int32, output: String
    ) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cmd-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: out) }
        let p = try ExternalProcess(path, arguments, output: out)
        defer { unregister(p.pid) }
        let deadline = ContinuousClock.now + timeout
        while p.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        if p.isRunning {
            p.stop()
            throw SIPTestFailure("\(path) \(arguments) did not finish in \(timeout)")
        }
        return (p.exitCode ?? -1, p.log)
    }

    deinit { if isRunning { kill(-pid, SIGKILL) } }
}

public struct SIPTestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// A port free for both UDP and TCP on 127.0.0.1 right now (the kernel picks it; tests run in
/// parallel, so fixed ports would collide).
public func freePort() throws -> Int {
    for _ in 0..<20 {
        let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(tcp) }
        if let port = bindLoopback(tcp, port: 0), !isBound(port: port, udp: true) { return port }
    }
    throw SIPTestFailure("no free port")
}

/// Whether someone listens on 127.0.0.1:`port` (tried by binding it ourselves).
public func isBound(port: Int, udp: Bool) -> Bool {
    let fd = socket(AF_INET, Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    return bindLoopback(fd, port: port) == nil
}

/// Binds `fd` to 127.0.0.1:`port` (0: the kernel picks); the bound port, or nil when taken.
public func bindLoopback(_ fd: Int32, port: Int) -> Int? {
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    let size = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
    guard bound == 0 else { return nil }
    var len = size
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Polls `condition` until it holds or `timeout` passes.
public func waitUntil(_ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw SIPTestFailure("timed out waiting for: \(what)")
}
