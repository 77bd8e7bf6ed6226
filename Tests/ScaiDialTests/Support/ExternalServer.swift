import Foundation
import Synchronization

/// A helper server of the tests' own (`Tests/s3/moto_s3.py`, `Tests/stt/stt_server.py`), run as a
/// child process: it prints one JSON line saying where it listens, then serves until its standard
/// input closes — which happens when this test process ends, however it ends.
struct ExternalServer: Sendable {
    /// The JSON line the helper printed.
    let info: [String: String]
    private let process: Process
    /// Holding the write end keeps the helper alive.
    private let stdin: Pipe

    /// The repository's `Tests/` directory.
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Starts `python3 Tests/<script> <arguments>` and waits (up to `timeout`) for its line.
    static func start(_ script: String, _ arguments: [String] = [], timeout: Duration = .seconds(60)) async throws -> ExternalServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", testsDirectory.appendingPathComponent(script).path] + arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let line = try await firstLine(of: stdout.fileHandleForReading, timeout: timeout)
        guard let line, let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else {
            process.terminate()
            throw TestFailure(
                "\(script) did not start (\(line.map { "printed \($0)" } ?? "printed nothing")); "
                    + "`.ci/run` installs what it needs: python3 with moto[server], boto3, pocketsphinx; ffmpeg")
        }
        return ExternalServer(info: json, process: process, stdin: stdin)
    }

    /// Reads up to the first newline on a thread of its own (the read blocks; the concurrency
    /// pool must not); nil at end of file or after `timeout`.
    private static func firstLine(of handle: FileHandle, timeout: Duration) async throws -> String? {
        let waiter = OneShot()
        return await withCheckedContinuation { continuation in
            waiter.set(continuation)
            Thread.detachNewThread {
                var bytes = Data()
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    if chunk.isEmpty || chunk == Data("\n".utf8) { break }
                    bytes.append(chunk)
                }
                waiter.finish(bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
            }
            Task {
                try? await Task.sleep(for: timeout)
                waiter.finish(nil)
            }
        }
    }

    /// Resumes a continuation once, whoever comes first.
    private final class OneShot: Sendable {
        private let continuation = Mutex<CheckedContinuation<String?, Never>?>(nil)
        func set(_ c: CheckedContinuation<String?, Never>) { continuation.withLock { $0 = c } }
        func finish(_ line: String?) { continuation.withLock { $0.take() }?.resume(returning: line) }
    }

    /// Stops the helper now (shared helpers are left to stop with the test process).
    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// The helpers tests share: each starts once per test process, on first use.
enum SharedServers {
    /// Buckets the S3 server is created with (tests keep apart by key prefix).
    static let buckets = ["scaidial-tests", "scaidial-vhost"]
    static let s3 = Task { try await ExternalServer.start("s3/moto_s3.py", buckets) }
    static let sttModel = "pocketsphinx-en-us"
    static let sttAPIKey = "stt-test-key"
    static let stt = Task { try await ExternalServer.start("stt/stt_server.py", ["--model", sttModel, "--api-key", sttAPIKey]) }
}
