import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A throwaway HTTP server on an ephemeral port of 127.0.0.1 that answers every request with
/// what `answer` returns (after `delay`) and counts the requests — for services that misbehave.
final class StubHTTPServer: Sendable {
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var body: String
        var delay: Duration = .zero
    }
    private let answer: Answer
    private let count = Mutex(0)
    private let server = Mutex<(group: ServiceGroup, task: Task<Void, Never>)?>(nil)

    init(_ answer: Answer) { self.answer = answer }

    var requests: Int { count.withLock { $0 } }

    /// Starts it; returns its base URL.
    func start() async throws -> String {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "stub-http")
        logger.logLevel = .critical
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in try await self.respond(to: request) },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            try? await group.run()
            continuation.finish()
        }
        server.withLock { $0 = (group, task) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("the stub server did not start") }
        return "http://127.0.0.1:\(port)"
    }

    private func respond(to request: Request) async throws -> Response {
        count.withLock { $0 += 1 }
        _ = try await request.body.collect(upTo: 64 << 20)
        if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
        return Response(
            status: answer.status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }

    func stop() async {
        guard let running = server.withLock({ $0.take() }) else { return }
        await running.group.triggerGracefulShutdown()
        await running.task.value
    }
}

/// Spoken English made the way the tests need it: espeak-ng (Debian) → WAV → ffmpeg → OGG/Opus,
/// the format LiveKit Egress records voicemail in.
enum Speech {
    /// A voice and pace PocketSphinx's bundled US-English model recognises reliably.
    static func ogg(_ text: String) throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-speech-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let wav = directory.appendingPathComponent("speech.wav").path, ogg = directory.appendingPathComponent("speech.ogg").path
        try run("espeak-ng", ["-v", "en-us+f2", "-s", "130", "-w", wav, text])
        try run("ffmpeg", ["-loglevel", "error", "-y", "-i", wav, "-ar", "48000", "-c:a", "libopus", "-b:a", "32k", ogg])
        return try Data(contentsOf: URL(fileURLWithPath: ogg))
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw TestFailure("cannot run \(tool) (`.ci/run` installs it from Debian): \(error)") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("\(tool) exited with \(process.terminationStatus)") }
    }
}
