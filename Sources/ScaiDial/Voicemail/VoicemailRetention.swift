import AsyncAlgorithms
import FluentKit
import Foundation
import Logging
import ServiceLifecycle

/// Keeps recordings no longer than each tenant's `recording_retention_days`: every `interval`,
/// messages older than that lose their recording and then their row. A recording the storage
/// refuses to delete is logged and left for the next pass; the others go on. The same pass prunes
/// the webhook deliveries remembered for deduplication (LiveKit retries a delivery for minutes,
/// not days) after `webhookRetention`.
struct VoicemailRetention: Service {
    let persistence: Persistence
    let storage: any ObjectStorage
    let interval: Duration
    let logger: Logger
    var clock: any AppClock = SystemClock()
    var webhookRetention: TimeInterval = 7 * 86_400

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            guard persistence.isOpen else { return }
            do { try await sweep(now: clock.now) } catch { logger.warning("voicemail retention failed", metadata: ["error": "\(error)"]) }
        }
    }

    /// One pass over every tenant; returns how many messages it removed.
    @discardableResult
    func sweep(now: Date) async throws -> Int {
        let db = persistence.db
        var removed = 0
        for tenant in try await TenantModel.query(on: db).all() {
            let cutoff = now.addingTimeInterval(-Double(tenant.recordingRetentionDays) * 86_400)
            let old = try await VoicemailMessageModel.query(on: db).filter(\.$tenantID == tenant.requireID()).filter(\.$createdAt < cutoff)
                .limit(1000).all()
            for message in old {
                do {
                    try await Self.remove(message, storage: storage, on: db)
                    removed += 1
                } catch  where error is any DatabaseError {
                    throw error
                } catch {
                    // The row stays (it points at the recording still stored); the next pass tries again.
                    logger.warning(
                        "a recording past retention could not be deleted; tried again next pass",
                        metadata: ["voicemail_id": "\(message.id?.uuidString ?? "?")", "error": "\(error)"])
                }
            }
        }
        if removed > 0 { logger.notice("voicemail past retention removed", metadata: ["count": "\(removed)"]) }
        let pruned = try await WebhookEventModel.query(on: db).filter(\.$receivedAt < now.addingTimeInterval(-webhookRetention)).count()
        if pruned > 0 {
            try await WebhookEventModel.query(on: db).filter(\.$receivedAt < now.addingTimeInterval(-webhookRetention)).delete()
            logger.info("webhook deliveries past their retention pruned", metadata: ["count": "\(pruned)"])
        }
        return removed
    }

    /// The recording, then the message.
    static func remove(_ message: VoicemailMessageModel, storage: any ObjectStorage, on db: any Database) async throws {
        try await storage.delete(message.storageKey)
        try await message.delete(on: db)
    }
}
