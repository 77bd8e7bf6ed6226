import FluentKit
import Foundation
import Logging

/// Transcribes a voicemail message (ScaiEcho, spec §4.4) as the durable job `transcribe_voicemail`.
///
/// `transcript_state`: `none` (the tenant did not opt in, or no STT is configured) → `pending`
/// (queued by `enqueue`) → `done` with the text, or `failed` after `maxAttempts` transient failures
/// (STT or storage down, timeouts; retried with the worker's backoff) or at once on a permanent one
/// (the service refuses the audio, the recording is missing). The message itself is never touched
/// otherwise: a failed transcription leaves it playable.
struct TranscriptionHandler: JobHandler {
    static let kind = "transcribe_voicemail"
    struct Payload: Codable { let messageID: UUID }

    var kind: String { Self.kind }
    let persistence: Persistence
    let storage: any ObjectStorage
    let stt: any SpeechToText
    let logger: Logger
    /// With the default backoff (5 s doubling, capped at 5 min) 8 attempts ride out about ten
    /// minutes of an STT outage before the message is marked `failed`.
    var maxAttempts = 8

    /// Marks the message `pending` and queues its transcription — only when its tenant opted in
    /// (`voicemail_transcription`); otherwise it stays `none`. Queue it only where an STT service is
    /// configured (`AppServices` does): nothing else runs the job. Returns whether it was queued.
    @discardableResult
    static func enqueue(messageID: UUID, now: Date = Date(), on db: any Database) async throws -> Bool {
        guard let message = try await VoicemailMessageModel.find(messageID, on: db),
            let tenant = try await TenantModel.find(message.tenantID, on: db), tenant.voicemailTranscription
        else { return false }
        try await db.transaction { tx in
            message.transcriptState = .pending
            try await message.update(on: tx)
            try await JobQueue.enqueue(
                kind, payload: Payload(messageID: messageID), dedupeKey: "\(kind):\(messageID)", tenantID: message.tenantID, runAt: now,
                on: tx)
        }
        return true
    }

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let id = try JSONDecoder().decode(Payload.self, from: Data(payload.utf8)).messageID
        let db = persistence.db
        guard let message = try await VoicemailMessageModel.find(id, on: db), message.transcriptState == .pending else {
            return  // deleted meanwhile, or already settled
        }
        guard let tenant = try await TenantModel.find(message.tenantID, on: db), tenant.voicemailTranscription else {
            // The tenant opted out after the message arrived: its audio goes nowhere.
            try await settle(message, state: .none, on: db)
            return
        }
        do {
            guard let audio = try await storage.get(message.storageKey, range: nil) else {
                throw Permanent(reason: "the recording \(message.storageKey) is not in the storage")
            }
            let text = try await stt.transcribe(audio.body, contentType: message.contentType)
            try await settle(message, state: .done, transcript: text, on: db)
        } catch {
            let last = attempt + 1 >= maxAttempts || !Self.isTransient(error)
            let metadata: Logger.Metadata = [
                "voicemail_id": "\(id)", "attempt": "\(attempt + 1)", "error": "\(error)",
            ]
            guard last else {
                logger.info("transcription failed; will retry", metadata: metadata)
                throw error
            }
            logger.warning("transcription failed for good; the message stays without a transcript", metadata: metadata)
            let reason = last && Self.isTransient(error) ? "gave up after \(attempt + 1) attempts: \(error)" : "\(error)"
            try await settle(message, state: .failed, error: String(reason.prefix(500)), on: db)
        }
    }

    /// Writes the outcome unless the message was deleted or changed meanwhile.
    private func settle(
        _ message: VoicemailMessageModel, state: TranscriptState, transcript: String? = nil, error: String? = nil, on db: any Database
    ) async throws {
        try await VoicemailMessageModel.query(on: db).filter(\.$id == message.requireID()).filter(\.$transcriptState == .pending)
            .set(\.$transcriptState, to: state).set(\.$transcript, to: transcript).set(\.$transcriptError, to: error).update()
    }

    struct Permanent: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// Worth another attempt: STT or storage unreachable, slow or failing with 5xx.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case let error as TranscriptionError: error.isTransient
        case let error as S3Error: error.isTransient
        case is Permanent, is StorageError: false
        default: true  // file-system and database hiccups
        }
    }
}
