import Foundation

/// SIPp as a user-agent server playing one scenario (`Scenarios/*.xml`), logging every message
/// it receives with a timestamp (`-trace_msg`).
public final class SIPp: Sendable {
    public let port: Int
    public let directory: URL
    private let process: ExternalProcess

    public static func scenario(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SIPRegistrationTests/Scenarios/\(name).xml")
    }

    /// Starts `sipp -sf <scenario>` on a free port over `transport` (`u1` UDP, `t1` TCP).
    public static func start(_ name: String, transport: String = "u1", timeout: Int = 30) async throws -> SIPp {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try freePort()
        let process = try ExternalProcess(
            "/usr/bin/sipp",
            [
                "-sf", scenario(name).path, "-i", "127.0.0.1", "-p", "\(port)", "-t", transport, "-m", "1", "-nostdin",
                "-trace_msg", "-message_file", directory.appendingPathComponent("messages.log").path,
                "-trace_err", "-error_file", directory.appendingPathComponent("errors.log").path,
                "-timeout", "\(timeout)s", "-timeout_error",
            ],
            output: directory.appendingPathComponent("sipp.out"))
        let sipp = SIPp(port: port, directory: directory, process: process)
        try await waitUntil("SIPp listens on \(port)", timeout: .seconds(10)) {
            guard process.isRunning else { throw SIPTestFailure("SIPp exited:\n\(process.log)") }
            return isBound(port: port, udp: transport.hasPrefix("u"))
        }
        return sipp
    }

    private init(port: Int, directory: URL, process: ExternalProcess) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Every request SIPp received, with when it first came; retransmissions (the same `Via`)
    /// are left out unless `retransmissions` is true.
    public func received(retransmissions: Bool = false) -> [(at: Date, text: String)] {
        var seen = Set<String>()
        return allReceived().filter { retransmissions || seen.insert($0.text.sipHeader("Via") ?? $0.text).inserted }
    }

    private func allReceived() -> [(at: Date, text: String)] {
        let log = (try? String(contentsOf: directory.appendingPathComponent("messages.log"), encoding: .utf8)) ?? ""
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        var out: [(Date, String)] = []
        for block in log.components(separatedBy: "----------------------------------------------- ").dropFirst() {
            let lines = block.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
            guard lines.count > 1, lines[1].contains("message received"),
                let at = formatter.date(from: lines[0].trimmingCharacters(in: .whitespaces))
            else { continue }
            out.append((at, lines.dropFirst(2).joined(separator: "\n")))
        }
        return out
    }

    /// SIPp's exit status once the scenario is over (0: every check in it passed).
    public func exitStatus(within timeout: Duration = .seconds(30)) async -> Int32? { await process.exitStatus(within: timeout) }

    public var errors: String {
        ((try? String(contentsOf: directory.appendingPathComponent("errors.log"), encoding: .utf8)) ?? "") + process.log
    }

    public func stop() {
        process.stop()
        if ProcessInfo.processInfo.environment["SCAIDIAL_KEEP_SIP_LOGS"] == nil { try? FileManager.default.removeItem(at: directory) }
    }
}

extension String {
    /// The value of header `name` in a logged SIP message.
    public func sipHeader(_ name: String) -> String? {
        for line in split(whereSeparator: \.isNewline) {
            let l = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if l.lowercased().hasPrefix(name.lowercased() + ":") {
                return String(l.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
