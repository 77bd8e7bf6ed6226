import FluentKit
import Foundation
import LiveKit
import Logging

/// Keeps each trunk's LiveKit objects — inbound trunk, outbound trunk, catch-all dispatch rule —
/// equal to the trunk and its DIDs. Runs as the durable job `trunk_sync` (retried with backoff).
///
/// Objects are found again by their metadata tag (`scaidial:trunk:<id>`) as well as by stored id,
/// so a retry after a half-done sync updates what exists instead of creating a duplicate.
struct TrunkSyncHandler: JobHandler {
    static let kind = "trunk_sync"
    /// Rooms of inbound calls start with this: `scaidial-in_<caller>_<random>` (individual dispatch rule).
    static let roomPrefix = "scaidial-in"
    struct Payload: Codable { let trunkID: UUID }

    var kind: String { Self.kind }
    let persistence: Persistence
    let liveKit: any LiveKitAPI
    let secrets: SecretBox
    let logger: Logger
    /// Trunks pointing into private networks are not synced (unless the operator allows them).
    var addresses = SIPAddressGuard()

    static func tag(_ trunkID: UUID) -> String { "scaidial:trunk:\(trunkID.uuidString.lowercased())" }

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let trunkID = try JSONDecoder().decode(Payload.self, from: Data(payload.utf8)).trunkID
        let db = persistence.db
        guard let trunk = try await TrunkModel.find(trunkID, on: db) else { return }  // deleted: its delete job cleans up
        do {
            try await sync(trunk, on: db)
        } catch {
            trunk.syncState = .failed
            trunk.syncError = Self.describe(error)
            trunk.nextRetryAt = retryAt
            try await trunk.update(on: db)
            throw error
        }
    }

    private func sync(_ trunk: TrunkModel, on db: any Database) async throws {
        let numbers = try await DIDModel.query(on: db).filter(\.$trunkID == trunk.requireID()).sort(\.$number).all().map(\.number)
        let tag = Self.tag(try trunk.requireID())
        if numbers.isEmpty {
            try await LiveKitObjects.remove(
                inbound: trunk.livekitInboundTrunkID, outbound: trunk.livekitOutboundTrunkID, rule: trunk.livekitDispatchRuleID,
                tag: tag, liveKit: liveKit)
            trunk.livekitInboundTrunkID = nil
            trunk.livekitOutboundTrunkID = nil
            trunk.livekitDispatchRuleID = nil
            trunk.setInitialSyncState(liveKitConfigured: true, hasNumbers: false)
            trunk.syncedAt = nil
            trunk.nextRetryAt = nil
            try await trunk.update(on: db)
            return
        }
        if let refusal = await addresses.refusal(trunk.address) {
            // Not retried: nothing changes until the trunk does (its change queues a new sync).
            trunk.syncState = .failed
            trunk.syncError = "not synced: \(refusal)"
            trunk.nextRetryAt = nil
            try await trunk.update(on: db)
            logger.warning(
                "trunk not synced: its address is not public",
                metadata: ["trunk_id": "\(trunk.id?.uuidString ?? "?")", "reason": "\(refusal)"])
            return
        }
        let tenant = try await TenantModel.find(trunk.tenantID, on: db)
        let desired = try TrunkSyncPlan(
            trunk: trunk, numbers: numbers, secrets: secrets, tag: tag,
            ringingTimeoutS: try await RingingBudget.seconds(trunk: trunk.requireID(), tenant: trunk.tenantID, on: db),
            maxCallDurationS: tenant?.maxCallDurationS ?? 3600)
        // Each id is saved as soon as it is known, so a failure later in the sync never forgets it.
        let inbound = try await upsertInbound(desired.inbound, known: trunk.livekitInboundTrunkID, tag: tag)
        trunk.livekitInboundTrunkID = inbound
        try await trunk.update(on: db)
        let outbound = try await upsertOutbound(desired.outbound, known: trunk.livekitOutboundTrunkID, tag: tag)
        trunk.livekitOutboundTrunkID = outbound
        try await trunk.update(on: db)
        let rule = try await upsertRule(desired.rule(inboundTrunkID: inbound), known: trunk.livekitDispatchRuleID, tag: tag)
        trunk.livekitDispatchRuleID = rule
        trunk.syncState = .synced
        trunk.syncError = nil
        trunk.syncedAt = Date()
        trunk.nextRetryAt = nil
        try await trunk.update(on: db)
        logger.info("trunk synced to LiveKit", metadata: ["trunk_id": "\(trunk.logID)", "inbound": "\(inbound)", "rule": "\(rule)"])
    }

    private func upsertInbound(_ info: SIPInboundTrunkInfo, known: String?, tag: String) async throws -> String {
        var existing = known
        if existing == nil { existing = try await liveKit.listSIPInboundTrunks().first { $0.metadata == tag }?.sipTrunkId }
        if let id = existing, let updated = try await Self.ifExists({ try await liveKit.updateSIPInboundTrunk(id: id, replace: info) }) {
            return updated.sipTrunkId ?? id
        }
        return try await Self.id(liveKit.createSIPInboundTrunk(info).sipTrunkId, "CreateSIPInboundTrunk")
    }

    private func upsertOutbound(_ info: SIPOutboundTrunkInfo, known: String?, tag: String) async throws -> String {
        var existing = known
        if existing == nil { existing = try await liveKit.listSIPOutboundTrunks().first { $0.metadata == tag }?.sipTrunkId }
        if let id = existing, let updated = try await Self.ifExists({ try await liveKit.updateSIPOutboundTrunk(id: id, replace: info) }) {
            return updated.sipTrunkId ?? id
        }
        return try await Self.id(liveKit.createSIPOutboundTrunk(info).sipTrunkId, "CreateSIPOutboundTrunk")
    }

    private func upsertRule(_ info: SIPDispatchRuleInfo, known: String?, tag: String) async throws -> String {
        var existing = known
        if existing == nil { existing = try await liveKit.listSIPDispatchRules().first { $0.metadata == tag }?.sipDispatchRuleId }
        if let id = existing, let updated = try await Self.ifExists({ try await liveKit.updateSIPDispatchRule(id: id, replace: info) }) {
            return updated.sipDispatchRuleId ?? id
        }
        return try await Self.id(liveKit.createSIPDispatchRule(info).sipDispatchRuleId, "CreateSIPDispatchRule")
    }

    /// The update's answer, or nil when LiveKit no longer has the object (someone deleted it there).
    static func ifExists<T>(_ body: () async throws -> T) async throws -> T? {
        do { return try await body() } catch let error as LiveKitError where error.kind == .twirp(code: "not_found") { return nil }
    }

    static func id(_ id: String?, _ method: String) throws -> String {
        guard let id, !id.isEmpty else {
            throw LiveKitError(kind: .badResponse, method: method, httpStatus: 200, message: "no id in the answer", meta: [:])
        }
        return id
    }

    /// What the admin reads in `sync.error`.
    static func describe(_ error: any Error) -> String {
        (error as? LiveKitError)?.description ?? "\(error)"
    }
}

/// Removes a trunk's LiveKit objects (the `trunk_delete` job, and a trunk that lost its last DID).
enum LiveKitObjects {
    static func remove(inbound: String?, outbound: String?, rule: String?, tag: String, liveKit: any LiveKitAPI) async throws {
        // Also whatever carries our tag but was never recorded (a create whose answer was lost).
        let rules = Set(
            [rule].compactMap { $0 }
                + (try await liveKit.listSIPDispatchRules().filter { $0.metadata == tag }.compactMap(\.sipDispatchRuleId)))
        let inbounds = Set(
            [inbound].compactMap { $0 } + (try await liveKit.listSIPInboundTrunks().filter { $0.metadata == tag }.compactMap(\.sipTrunkId)))
        let outbounds = Set(
            [outbound].compactMap { $0 }
                + (try await liveKit.listSIPOutboundTrunks().filter { $0.metadata == tag }.compactMap(\.sipTrunkId)))
        for id in rules { _ = try await TrunkSyncHandler.ifExists { try await liveKit.deleteSIPDispatchRule(id: id) } }
        for id in inbounds.union(outbounds) { _ = try await TrunkSyncHandler.ifExists { try await liveKit.deleteSIPTrunk(id: id) } }
    }
}

/// Deletes the LiveKit objects of a trunk that is gone from the database.
struct TrunkDeleteHandler: JobHandler {
    static let kind = "trunk_delete"
    struct Payload: Codable {
        let trunkID: UUID
        let inbound: String?
        let outbound: String?
        let rule: String?
    }
    var kind: String { Self.kind }
    let liveKit: any LiveKitAPI

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let p = try JSONDecoder().decode(Payload.self, from: Data(payload.utf8))
        try await LiveKitObjects.remove(
            inbound: p.inbound, outbound: p.outbound, rule: p.rule, tag: TrunkSyncHandler.tag(p.trunkID), liveKit: liveKit)
    }
}
