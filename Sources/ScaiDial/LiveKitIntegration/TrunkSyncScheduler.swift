import FluentKit
import Foundation

/// Queues trunk syncs in the same transaction as the change that needs them, so a sync is never
/// lost to a crash between "saved" and "queued"; the worker is woken once the change is committed.
struct TrunkSyncScheduler: Sendable {
    let liveKitConfigured: Bool
    let worker: JobWorker

    /// The trunk or its numbers changed: mark it pending and queue a sync (no-op without LiveKit).
    func changed(_ trunk: TrunkModel, on db: any Database) async throws {
        let numbers = try await DIDModel.query(on: db).filter(\.$trunkID == trunk.requireID()).count()
        trunk.setInitialSyncState(liveKitConfigured: liveKitConfigured, hasNumbers: numbers > 0)
        trunk.nextRetryAt = nil
        if trunk.hasChanges { try await trunk.save(on: db) }
        guard liveKitConfigured else { return }
        try await JobQueue.enqueue(
            TrunkSyncHandler.kind, payload: TrunkSyncHandler.Payload(trunkID: try trunk.requireID()),
            dedupeKey: "trunk_sync:\(try trunk.requireID())", tenantID: trunk.tenantID, runAt: worker.clock.now, on: db)
    }

    /// The trunk is being deleted: queue the removal of its LiveKit objects.
    func deleted(_ trunk: TrunkModel, on db: any Database) async throws {
        guard liveKitConfigured else { return }
        try await JobModel.query(on: db).filter(\.$dedupeKey == "trunk_sync:\(try trunk.requireID())").delete()
        try await JobQueue.enqueue(
            TrunkDeleteHandler.kind,
            payload: TrunkDeleteHandler.Payload(
                trunkID: try trunk.requireID(), inbound: trunk.livekitInboundTrunkID, outbound: trunk.livekitOutboundTrunkID,
                rule: trunk.livekitDispatchRuleID),
            dedupeKey: "trunk_delete:\(try trunk.requireID())", runAt: worker.clock.now, on: db)
    }

    /// What the tenant's calls may ring through changed (extensions, forward rules, dialplan rules,
    /// the policy): its trunks at LiveKit are synced again, so their inbound `ringing_timeout`
    /// (`RingingBudget`) and `max_call_duration` follow. Their state stays as it is meanwhile.
    func routingChanged(tenant: UUID, on db: any Database) async throws {
        guard liveKitConfigured else { return }
        for trunk in try await TrunkModel.query(on: db).filter(\.$tenantID == tenant).filter(\.$syncState ~~ [.synced, .failed]).all() {
            try await JobQueue.enqueue(
                TrunkSyncHandler.kind, payload: TrunkSyncHandler.Payload(trunkID: try trunk.requireID()),
                dedupeKey: "trunk_sync:\(try trunk.requireID())", tenantID: tenant, runAt: worker.clock.now, on: db)
        }
        kick()
    }

    /// Run queued syncs now (after the change has been committed).
    func kick() { if liveKitConfigured { worker.wake() } }
}
