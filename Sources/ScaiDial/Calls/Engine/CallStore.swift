import FluentKit
import Foundation
import SQLKit

/// Reads a call (its row, legs and ring round) into the machine's `Call`, and writes the machine's
/// result back with compare-and-set: the call row is updated only if its `version` is still the one
/// read, and every leg, ring member, timer and message of the same transition is written in the
/// same transaction. A lost race writes nothing; the engine reads again and runs the machine again.
struct CallStore: Sendable {
    /// A call as read, with the version a write must name.
    struct Loaded: Sendable {
        let call: Call
        let version: Int
    }

    static func load(_ id: UUID, on db: any Database) async throws -> Loaded? {
        guard let row = try await CallModel.find(id, on: db) else { return nil }
        let legs = try await CallLegModel.query(on: db).filter(\.$callID == id).sort(\.$startedAt).sort(\.$id).all()
        let members = try await db.sql().select().columns("user_id", "declined").from("ring_members").where("call_id", .equal, id)
            .all()
        var ring: RingRound?
        if !members.isEmpty {
            var round = RingRound(users: [])
            for member in members {
                let user = try member.decode(column: "user_id", as: UUID.self)
                round.users.append(user)
                if try member.decode(column: "declined", as: Bool.self) { round.declined.insert(user) }
            }
            round.users.sort { $0.uuidString < $1.uuidString }
            ring = round
        }
        return Loaded(call: try call(row, legs: legs.map(leg), ring: ring), version: row.version)
    }

    /// The call whose room is `room` (rooms are unique).
    static func callID(room: String, on db: any Database) async throws -> UUID? {
        try await CallModel.query(on: db).filter(\.$roomName == room).field(\.$id).first()?.id
    }

    /// The call one of whose legs holds the LiveKit object `ref` (an Ingress or Egress id).
    static func callID(liveKitRef ref: String, on db: any Database) async throws -> UUID? {
        try await CallLegModel.query(on: db).group(.or) { $0.filter(\.$livekitRef == ref).filter(\.$recordingRef == ref) }
            .field(\.$callID).first()?.callID
    }

    /// Writes `after` over `before` if nobody wrote the call since it was read; false when someone did.
    static func commit(
        _ before: Loaded, _ after: Call, effects: [CallEffect], now: Date, delivery: WebhookDelivery? = nil, on db: any Database
    ) async throws -> Bool {
        try await db.transaction { tx in try await write(before, after, effects: effects, now: now, delivery: delivery, on: tx) }
    }

    /// `commit`'s work inside a transaction the caller holds (the inbound batch writes its new
    /// calls' first transitions in its own). False, and nothing written, when the call's version moved.
    static func write(
        _ before: Loaded, _ after: Call, effects: [CallEffect], now: Date, delivery: WebhookDelivery? = nil, on tx: any Database
    ) async throws -> Bool {
        let jobs = CallTimers()
        let sql = try tx.sql()
        let call = after
        let updated = try await sql.update(CallModel.schema)
            .set("state", to: call.state.rawValue)
            .set("phase", to: call.phase.rawValue)
            .set("action", to: call.action?.rawValue)
            .set("extension_id", to: call.extensionID)
            .set("answered_by_user_id", to: call.answeredBy)
            .set("hops", to: call.hops)
            .set("end_reason", to: call.endReason?.rawValue)
            .set("sip_status", to: call.sipStatus)
            .set("livekit_call_id", to: call.liveKitCallID)
            .set("answered_at", to: call.answeredAt)
            .set("ended_at", to: call.endedAt)
            .set("ring_round", to: call.ringRound)
            .set("version", to: before.version + 1)
            .where("id", .equal, call.id)
            .where("version", .equal, before.version)
            .returning("id")
            .all()
        guard !updated.isEmpty else { return false }
        // The webhook that caused this, recorded with it (a repeat fails here, and writes nothing).
        try await delivery?.record(at: now, on: tx)
        let old = Dictionary(before.call.legs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for leg in call.legs where old[leg.id] != leg {
            let row = old[leg.id] == nil ? CallLegModel() : try await CallLegModel.find(leg.id, on: tx) ?? CallLegModel()
            write(leg, of: call, into: row)
            try await row.save(on: tx)
        }
        if before.call.ring != call.ring {
            try await sql.delete(from: "ring_members").where("call_id", .equal, call.id).run()
            if let ring = call.ring, !ring.users.isEmpty {
                let members = sql.insert(into: "ring_members").columns("id", "call_id", "user_id", "declined")
                for user in ring.users {
                    members.values(SQLBind(UUID.v7()), SQLBind(call.id), SQLBind(user), SQLBind(ring.declined.contains(user)))
                }
                try await members.run()
            }
        }
        for effect in effects {
            switch effect {
            case .schedule(let timer, let at): try await jobs.schedule(timer, for: call, at: at, on: tx)
            case .cancel(let kind): try await jobs.cancel(kind, for: call.id, on: tx)
            case .storeMessage(let draft): try await storeMessage(draft, of: call, on: tx)
            default: try await LiveKitWork(effect)?.enqueue(for: call, at: now, on: tx)
            }
        }
        // Last, after the call row: what keeps `LiveCallCounter.reconcile` exact.
        let delta = LiveCallCounter.delta(from: before.call.state, to: call.state)
        if delta != 0 { try await LiveCallCounter.add([call.tenantID: delta], on: tx) }
        return true
    }

    /// Writes a new call and its legs (version 0), counted in its tenant's live calls when live
    /// (call it inside a transaction).
    static func insert(_ call: Call, on db: any Database) async throws {
        let row = CallModel()
        row.id = call.id
        row.tenantID = call.tenantID
        row.direction = call.direction
        row.state = call.state
        row.phase = call.phase
        row.fromNumber = call.fromNumber
        row.toNumber = call.toNumber
        row.trunkID = call.trunkID
        row.ruleID = call.ruleID
        row.action = call.action
        row.roomName = call.roomName
        row.livekitCallID = call.liveKitCallID
        row.hops = call.hops
        row.startedAt = call.startedAt
        row.placedByUserID = call.placedBy
        row.extensionID = call.extensionID
        row.version = 0
        row.ringRound = call.ringRound
        try await row.create(on: db)
        for leg in call.legs {
            let legRow = CallLegModel()
            write(leg, of: call, into: legRow)
            try await legRow.create(on: db)
        }
        if call.state.isLive { try await LiveCallCounter.add([call.tenantID: 1], on: db) }
    }

    private static func storeMessage(_ draft: VoicemailDraft, of call: Call, on tx: any Database) async throws {
        let message = VoicemailMessageModel()
        message.id = draft.id
        message.tenantID = call.tenantID
        message.extensionID = draft.box
        message.callID = call.id
        message.caller = call.fromNumber
        message.storageKey = draft.storageKey
        message.contentType = "audio/ogg"
        message.sizeBytes = draft.sizeBytes
        message.durationS = draft.seconds
        message.transcriptState = .none
        message.read = false
        try await message.create(on: tx)
    }

    // MARK: rows ↔ values

    static func call(_ row: CallModel, legs: [Leg], ring: RingRound?) throws -> Call {
        Call(
            id: try row.requireID(), tenantID: row.tenantID, direction: row.direction,
            phase: row.phase ?? phase(of: row), fromNumber: row.fromNumber, toNumber: row.toNumber, roomName: row.roomName,
            ruleID: row.ruleID, trunkID: row.trunkID, action: row.action, extensionID: row.extensionID,
            answeredBy: row.answeredByUserID, placedBy: row.placedByUserID, hops: row.hops, endReason: row.endReason,
            sipStatus: row.sipStatus, liveKitCallID: row.livekitCallID, startedAt: row.startedAt, answeredAt: row.answeredAt,
            endedAt: row.endedAt, ringRound: row.ringRound, ring: ring, legs: legs)
    }

    /// Rows written before the machine have no phase: the one their state and action imply.
    private static func phase(of row: CallModel) -> CallPhase {
        switch row.state {
        case .ended: .ended
        case .failed: .failed
        case .active: .active
        case .routing: .routing
        case .ringing:
            switch row.action {
            case .voicemail?: .greeting
            case .forward?: .forwarding
            default: row.answeredByUserID != nil ? .connecting : row.direction == .outbound ? .dialing : .ringing
            }
        }
    }

    static func leg(_ row: CallLegModel) -> Leg {
        var leg = Leg(
            id: row.id ?? UUID(), kind: row.kind, state: row.state, key: row.key, identity: row.participantIdentity,
            userID: row.userID, extensionID: row.extensionID, destination: row.destination, startedAt: row.startedAt)
        leg.failureReason = row.failureReason
        leg.sipStatus = row.sipStatus
        leg.liveKitRef = row.livekitRef
        leg.recordingRef = row.recordingRef
        leg.joinedAt = row.joinedAt
        leg.answeredAt = row.answeredAt
        leg.endedAt = row.endedAt
        return leg
    }

    static func write(_ leg: Leg, of call: Call, into row: CallLegModel) {
        row.id = leg.id
        row.tenantID = call.tenantID
        row.callID = call.id
        row.kind = leg.kind
        row.state = leg.state
        row.key = leg.key
        row.participantIdentity = leg.identity
        row.userID = leg.userID
        row.extensionID = leg.extensionID
        row.destination = leg.destination
        row.failureReason = leg.failureReason
        row.sipStatus = leg.sipStatus
        row.livekitRef = leg.liveKitRef
        row.recordingRef = leg.recordingRef
        row.startedAt = leg.startedAt
        row.joinedAt = leg.joinedAt
        row.answeredAt = leg.answeredAt
        row.endedAt = leg.endedAt
    }
}
