import AsyncAlgorithms
import FluentKit
import Foundation
import Logging
import ServiceLifecycle

/// Keeps recordings no longer than each tenant's `recording_retention_days`: every `interval`,
/// messages older than that lose their recording and then their row.
struct VoicemailRetention: Service {
    let persistence: Persistence
    let storage: any ObjectStorage
    let interval: Duration
    let logger: Logger
    var clock: any AppClock = SystemClock()

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
                try await Self.remove(message, storage: storage, on: db)
                removed += 1
            }
        }
        if removed > 0 { logger.notice("voicemail past retention removed", metadata: ["count": "\(removed)"]) }
        return removed
    }

    /// The recording, then the message.
    static func remove(_ message: VoicemailMessageModel, storage: any ObjectStorage, on db: any Database) async throws {
        try await storage.delete(message.storageKey)
        try await message.delete(on: db)
    }
}
