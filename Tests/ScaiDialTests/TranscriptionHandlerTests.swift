import FluentKit
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

@testable import ScaiDial

/// The `transcribe_voicemail` job, one run at a time, with fakes for STT and storage that fail
/// loudly when used where they must not be.
@Suite("Transcription job")
struct TranscriptionHandlerTests {
    /// Answers with `result`, counting calls; `allowed: false` records an issue when called.
    final class FakeSTT: SpeechToText {
        let result: @Sendable () throws -> String
        let allowed: Bool
        private let count = Mutex(0)
        var calls: Int { count.withLock { $0 } }
        init(allowed: Bool = true, _ result: @escaping @Sendable () throws -> String) {
            self.allowed = allowed
            self.result = result
        }
        func transcribe(_ audio: ByteBuffer, contentType: String) async throws -> String {
            count.withLock { $0 += 1 }
            if !allowed { Issue.record("STT must not be called here") }
            return try result()
        }
    }

    struct Env {
        let db: any Database
        let messageID: UUID
        let tenantID: UUID
        let storage: FileStorage
        let key: String

        func handler(_ stt: FakeSTT, storage: (any ObjectStorage)? = nil, persistence: Persistence) -> TranscriptionHandler {
            var logger = Logger(label: "t")
            logger.logLevel = .error
            return TranscriptionHandler(persistence: persistence, storage: storage ?? self.storage, stt: stt, logger: logger)
        }
        var payload: String { #"{"messageID":"\#(messageID.uuidString)"}"# }
        func state() async throws -> (String, String?) {
            let m = try #require(try await VoicemailMessageModel.find(messageID, on: db))
            return (m.transcriptState.rawValue, m.transcript)
        }
        func setOptIn(_ on: Bool) async throws {
            try await TenantModel.query(on: db).filter(\.$id == tenantID).set(\.$voicemailTranscription, to: on).update()
        }
    }

    /// An application without STT (so no worker runs the job), an opted-in tenant, a `pending`
    /// message whose audio is in a file storage.
    func run(_ body: @escaping @Sendable (Env, Persistence) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-job-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withApp { api, database in
            let world = try await World.build(api)
            let p = try Persistence(
                url: DatabaseURL.parse(database.url)!, logger: Logger(label: "t"), postgresSearchPath: database.searchPath, poolSize: 1)
            let tenant = UUID(uuidString: world.a.id)!
            try await TenantModel.query(on: p.db).filter(\.$id == tenant).set(\.$voicemailTranscription, to: true).update()
            let m = VoicemailMessageModel()
            m.id = .v7()
            (m.tenantID, m.extensionID, m.caller) = (tenant, UUID(uuidString: world.a.extensionID)!, "+31612345678")
            m.storageKey = "voicemail/\(m.id!).ogg"
            (m.contentType, m.sizeBytes, m.durationS, m.transcriptState, m.read) = ("audio/ogg", 4, 3, .pending, false)
            try await m.create(on: p.db)
            let storage = FileStorage(directory: directory)
            try await storage.put(m.storageKey, ByteBuffer(string: "OggS"), contentType: "audio/ogg")
            let env = Env(db: p.db, messageID: m.id!, tenantID: tenant, storage: storage, key: m.storageKey)
            do { try await body(env, p) } catch {
                await p.shutdown()
                throw error
            }
            await p.shutdown()
        }
    }

    static let retryAt = Date(timeIntervalSinceNow: 60)

    @Test("success stores the text and done")
    func success() async throws {
        try await run { env, p in
            let stt = FakeSTT { "call me back" }
            try await env.handler(stt, persistence: p).run(payload: env.payload, attempt: 0, retryAt: Self.retryAt)
            #expect(try await env.state() == ("done", "call me back") && stt.calls == 1)
        }
    }

    @Test("a transient failure is thrown for the worker to retry (still pending) until the last attempt, which fails it")
    func retriesThenFails() async throws {
        try await run { env, p in
            let stt = FakeSTT { throw TranscriptionError(kind: .refused(status: 503), message: "busy") }
            let handler = env.handler(stt, persistence: p)
            for attempt in 0..<(handler.maxAttempts - 1) {
                await #expect(throws: TranscriptionError.self) {
                    try await handler.run(payload: env.payload, attempt: attempt, retryAt: Self.retryAt)
                }
                #expect(try await env.state() == ("pending", nil))
            }
            try await handler.run(payload: env.payload, attempt: handler.maxAttempts - 1, retryAt: Self.retryAt)
            #expect(try await env.state() == ("failed", nil) && stt.calls == handler.maxAttempts)
            #expect(try await VoicemailMessageModel.find(env.messageID, on: env.db) != nil)
        }
    }

    @Test("storage down is transient too; a recording missing from storage fails at once without calling STT")
    func storageFaults() async throws {
        try await run { env, p in
            let down = S3Storage(
                location: S3Location(bucket: "rec", prefix: "", region: "us-east-1", endpoint: "http://127.0.0.1:1", pathStyle: true),
                credentials: S3Credentials(accessKeyID: "AK", secretAccessKey: "SK"), timeout: .seconds(2))
            let stt = FakeSTT(allowed: false) { "" }
            await #expect(throws: S3Error.self) {
                try await env.handler(stt, storage: down, persistence: p).run(payload: env.payload, attempt: 0, retryAt: Self.retryAt)
            }
            #expect(try await env.state() == ("pending", nil))
            try await env.storage.delete(env.key)
            try await env.handler(stt, persistence: p).run(payload: env.payload, attempt: 0, retryAt: Self.retryAt)
            #expect(try await env.state() == ("failed", nil) && stt.calls == 0)
        }
    }

    @Test("a tenant that opted out after the message arrived: back to none, STT never called")
    func optedOutMeanwhile() async throws {
        try await run { env, p in
            try await env.setOptIn(false)
            try await env.handler(FakeSTT(allowed: false) { "" }, persistence: p).run(
                payload: env.payload, attempt: 0, retryAt: Self.retryAt)
            #expect(try await env.state() == ("none", nil))
        }
    }

    @Test("a message deleted or already transcribed is left alone")
    func settledOrGone() async throws {
        try await run { env, p in
            try await VoicemailMessageModel.query(on: env.db).filter(\.$id == env.messageID).set(\.$transcriptState, to: .done)
                .set(\.$transcript, to: "kept").update()
            let stt = FakeSTT(allowed: false) { "" }
            try await env.handler(stt, persistence: p).run(payload: env.payload, attempt: 0, retryAt: Self.retryAt)
            #expect(try await env.state() == ("done", "kept"))
            try await VoicemailMessageModel.query(on: env.db).filter(\.$id == env.messageID).delete()
            try await env.handler(stt, persistence: p).run(payload: env.payload, attempt: 0, retryAt: Self.retryAt)
        }
    }

    @Test("enqueue marks an opted-in tenant's message pending and queues one job however often it is called")
    func enqueue() async throws {
        try await run { env, _ in
            try await VoicemailMessageModel.query(on: env.db).filter(\.$id == env.messageID).set(\.$transcriptState, to: .none).update()
            #expect(try await TranscriptionHandler.enqueue(messageID: env.messageID, on: env.db))
            #expect(try await TranscriptionHandler.enqueue(messageID: env.messageID, on: env.db))
            #expect(try await env.state() == ("pending", nil))
            let jobs = try await JobModel.query(on: env.db).filter(\.$kind == TranscriptionHandler.kind).all()
            #expect(jobs.count == 1 && jobs.first?.tenantID == env.tenantID)
            #expect(try await TranscriptionHandler.enqueue(messageID: UUID(), on: env.db) == false)
        }
    }
}
