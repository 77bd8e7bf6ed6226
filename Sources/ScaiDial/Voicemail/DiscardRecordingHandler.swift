import Foundation

/// Removes a voicemail recording that became no message (`CallEffect.discardRecording`): queued
/// in the same transaction as the call's change, so a restart between the two cannot leave the
/// file behind; a storage that refuses is tried again with the jobs' backoff. A file that is
/// already gone (the egress wrote nothing) is done.
struct DiscardRecordingHandler: JobHandler {
    static let kind = "discard_recording"
    var kind: String { Self.kind }
    let storage: any ObjectStorage

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let key = try JSONDecoder().decode(String.self, from: Data(payload.utf8))
        try await storage.delete(key)
    }
}
