import FluentKit
import Foundation
import Hummingbird
import Logging
import NIOCore
import Testing

@testable import ScaiDial

/// Voicemail transcription (ScaiEcho) through the real application and its job worker, against a
/// real speech-to-text engine (`Tests/stt/stt_server.py`: PocketSphinx behind the OpenAI API) fed
/// speech made with espeak-ng — and against services that fail.
@Suite("Voicemail transcription")
struct TranscriptionTests {
    static let spoken = "please call me back tomorrow"

    struct Env {
        let api: API
        let world: World
        let db: any Database
        let storage: FileStorage

        /// A message of tenant A's extension 101 whose recording (`audio`, if any) is in the storage.
        func message(audio: Data?) async throws -> UUID {
            let message = VoicemailMessageModel()
            message.id = .v7()
            message.tenantID = UUID(uuidString: world.a.id)!
            message.extensionID = UUID(uuidString: world.a.extensionID)!
            message.caller = "+31612345678"
            message.storageKey = "voicemail/\(world.a.id.lowercased())/\(world.a.extensionID.lowercased())/\(message.id!).ogg"
            message.contentType = "audio/ogg"
            message.sizeBytes = audio?.count ?? 0
            message.durationS = 2
            message.transcriptState = .none
            message.read = false
            try await message.create(on: db)
            if let audio { try await storage.put(message.storageKey, ByteBuffer(bytes: audio), contentType: "audio/ogg") }
            return message.id!
        }

        /// The message as the inbox API shows it.
        func shown(_ id: UUID) async throws -> [String: Any] {
            try await api.get("\(world.a.base)/voicemails/\(id.uuidString.lowercased())", token: world.a.adminToken).json
        }

        func optIn(_ on: Bool = true) async throws {
            let r = try await api.patch(world.a.base, token: world.rootToken, ["policy": ["voicemail_transcription": on]])
            #expect(r.status == .ok, "\(r.text)")
        }
    }

    /// The application with a file storage of its own, STT at `sttURL`, and fast retries.
    func run(sttURL: String, apiKey: String? = nil, _ body: @escaping @Sendable (Env) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-stt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withApp(configure: {
            $0.storageURL = "file://\(directory)"
            $0.sttURL = sttURL
            $0.sttModel = SharedServers.sttModel
            $0.sttAPIKey = apiKey
            $0.retryBackoff = Backoff(base: 0.05, cap: 0.1)
            $0.jobPollInterval = .milliseconds(100)
        }) { api, database in
            let world = try await World.build(api)
            let p = try Persistence(
                url: DatabaseURL.parse(database.url)!, logger: Logger(label: "t"), postgresSearchPath: database.searchPath, poolSize: 1)
            do {
                try await body(Env(api: api, world: world, db: p.db, storage: FileStorage(directory: directory)))
            } catch {
                await p.shutdown()
                throw error
            }
            await p.shutdown()
        }
    }

    static func realSTT() async throws -> String {
        try #require(try await SharedServers.stt.value.info["url"])
    }

    @Test("an opted-in tenant's message is transcribed by the real engine: the transcript holds the spoken words")
    func transcribesSpeech() async throws {
        let speech = try Speech.ogg(Self.spoken)
        try await run(sttURL: try await Self.realSTT(), apiKey: SharedServers.sttAPIKey) { env in
            try await env.optIn()
            let id = try await env.message(audio: speech)
            #expect(try await TranscriptionHandler.enqueue(messageID: id, on: env.db))
            #expect(try await env.shown(id)["transcript_state"] as? String != "none")
            try await eventually("transcribed") { try await env.shown(id)["transcript_state"] as? String == "done" }
            let transcript = try #require(try await env.shown(id)["transcript"] as? String).lowercased()
            #expect(try await env.shown(id)["transcript_error"] is NSNull)
            for word in ["call", "back", "tomorrow"] {
                #expect(transcript.split(separator: " ").contains(Substring(word)), "\(word) not in \"\(transcript)\"")
            }
        }
    }

    @Test("STT failing (HTTP 503): retried with backoff, then failed after 8 attempts — the message and its audio kept")
    func sttDown() async throws {
        let stt = StubHTTPServer(.init(status: .serviceUnavailable, body: #"{"error": {"message": "overloaded"}}"#))
        try await run(sttURL: try await stt.start()) { env in
            try await env.optIn()
            let id = try await env.message(audio: Data("OggS-not-really".utf8))
            try await TranscriptionHandler.enqueue(messageID: id, on: env.db)
            try await eventually("failed") { try await env.shown(id)["transcript_state"] as? String == "failed" }
            #expect(stt.requests == 8)
            let shown = try await env.shown(id)
            #expect((shown["id"] as? String).flatMap(UUID.init(uuidString:)) == id && shown["transcript"] is NSNull)
            let reason = try #require(shown["transcript_error"] as? String)
            #expect(reason.hasPrefix("gave up after 8 attempts") && reason.contains("503") && reason.contains("overloaded"), "\(reason)")
            let stored = try await VoicemailMessageModel.find(id, on: env.db)
            #expect(try await env.storage.head(try #require(stored).storageKey)?.size == 15)
            #expect(try await JobModel.query(on: env.db).filter(\.$kind == TranscriptionHandler.kind).count() == 0)
        }
        await stt.stop()
    }

    @Test("a permanent refusal (HTTP 400: unreadable audio) fails at once, without retries")
    func permanentRefusal() async throws {
        let stt = StubHTTPServer(.init(status: .badRequest, body: #"{"error": {"message": "could not decode the audio"}}"#))
        try await run(sttURL: try await stt.start()) { env in
            try await env.optIn()
            let id = try await env.message(audio: Data("garbage".utf8))
            try await TranscriptionHandler.enqueue(messageID: id, on: env.db)
            try await eventually("failed") { try await env.shown(id)["transcript_state"] as? String == "failed" }
            try await Task.sleep(for: .milliseconds(400))  // a few more polls: nothing runs again
            #expect(stt.requests == 1)
            let reason = try #require(try await env.shown(id)["transcript_error"] as? String)
            #expect(reason.contains("400") && reason.contains("could not decode the audio") && !reason.contains("gave up"), "\(reason)")
        }
        await stt.stop()
    }

    @Test("a tenant that did not opt in: the message stays none, nothing is queued, STT is never called")
    func notOptedIn() async throws {
        let stt = StubHTTPServer(.init(status: .ok, body: #"{"text": "must not be asked"}"#))
        try await run(sttURL: try await stt.start()) { env in
            let id = try await env.message(audio: Data("OggS".utf8))
            #expect(try await TranscriptionHandler.enqueue(messageID: id, on: env.db) == false)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await env.shown(id)["transcript_state"] as? String == "none")
            #expect(try await JobModel.query(on: env.db).filter(\.$kind == TranscriptionHandler.kind).count() == 0)
            #expect(stt.requests == 0)
        }
        await stt.stop()
    }

    @Test("the real engine with the wrong API key answers 401: failed at once, the message kept")
    func wrongKey() async throws {
        try await run(sttURL: try await Self.realSTT(), apiKey: "not-the-key") { env in
            try await env.optIn()
            let id = try await env.message(audio: try Speech.ogg("hello"))
            try await TranscriptionHandler.enqueue(messageID: id, on: env.db)
            try await eventually("failed") { try await env.shown(id)["transcript_state"] as? String == "failed" }
            #expect(try await env.shown(id)["caller"] as? String == "+31612345678")
            #expect((try await env.shown(id)["transcript_error"] as? String)?.contains("401") == true)
        }
    }
}
