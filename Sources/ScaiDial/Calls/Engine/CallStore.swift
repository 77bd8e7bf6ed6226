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
        // Plain SQL: every webhook and timer loads its call, and FluentKit builds each model's
        // columns by reflection every time (the click-to-call profile in the README).
        let sql = try db.sql()
        guard let row = try await sql.select().column("*").from(CallModel.schema).where("id", .equal, id).first() else {
            return nil
        }
        let legs = try await sql.select().column("*").from(CallLegModel.schema).where("call_id", .equal, id)
            .orderBy("started_at").orderBy("id").all().map(leg)
        let members = try await sql.select().columns("user_id", "declined").from("ring_members").where("call_id", .equal, id)
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
        return Loaded(call: try call(row, legs: legs, ring: ring), version: try row.decode(column: "version", as: Int.self))
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
        try await insertLegs(call.legs.filter { old[$0.id] == nil }, of: call, on: sql)
        for leg in call.legs where old[leg.id].map({ $0 != leg }) == true {
            try await sql.update(CallLegModel.schema)
                .set("state", to: leg.state.rawValue).set("leg_key", to: leg.key).set("participant_identity", to: leg.identity)
                .set("user_id", to: leg.userID).set("extension_id", to: leg.extensionID).set("destination", to: leg.destination)
                .set("failure_reason", to: leg.failureReason).set("sip_status", to: leg.sipStatus)
                .set("livekit_ref", to: leg.liveKitRef).set("recording_ref", to: leg.recordingRef)
                .set("joined_at", to: leg.joinedAt).set("answered_at", to: leg.answeredAt).set("ended_at", to: leg.endedAt)
                .where("id", .equal, leg.id).run()
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
            case .discardRecording(let key):
                try await JobQueue.enqueue(
                    DiscardRecordingHandler.kind, payload: key, dedupeKey: "\(DiscardRecordingHandler.kind):\(key)",
                    tenantID: call.tenantID, runAt: now, on: tx)
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
        // Plain SQL: this is click-to-call's write, and FluentKit builds a model's columns by
        // reflection every time (the click-to-call profile in the README).
        let sql = try db.sql()
        try await sql.insert(into: CallModel.schema)
            .columns(
                "id", "tenant_id", "direction", "state", "phase", "from_number", "to_number", "trunk_id", "rule_id", "action",
                "room_name", "livekit_call_id", "end_reason", "sip_status", "hops", "started_at", "answered_at", "ended_at",
                "placed_by_user_id", "extension_id", "answered_by_user_id", "version", "ring_round"
            )
            .values(
                SQLBind(call.id), SQLBind(call.tenantID), SQLBind(call.direction.rawValue), SQLBind(call.state.rawValue),
                SQLBind(call.phase.rawValue), SQLBind(call.fromNumber), SQLBind(call.toNumber), SQLBind(call.trunkID),
                SQLBind(call.ruleID), SQLBind(call.action?.rawValue), SQLBind(call.roomName), SQLBind(call.liveKitCallID),
                SQLBind(call.endReason?.rawValue), SQLBind(call.sipStatus), SQLBind(call.hops), SQLBind(call.startedAt),
                SQLBind(call.answeredAt), SQLBind(call.endedAt), SQLBind(call.placedBy), SQLBind(call.extensionID),
                SQLBind(call.answeredBy), SQLBind(0), SQLBind(call.ringRound)
            ).run()
        try await insertLegs(call.legs, of: call, on: sql)
        if call.state.isLive { try await LiveCallCounter.add([call.tenantID: 1], on: db) }
    }

    /// New legs of `call`, in one multi-row insert.
    private static func insertLegs(_ new: [Leg], of call: Call, on sql: any SQLDatabase) async throws {
        guard !new.isEmpty else { return }
        let legs = sql.insert(into: CallLegModel.schema).columns(
            "id", "tenant_id", "call_id", "kind", "state", "leg_key", "participant_identity", "user_id", "extension_id",
            "destination", "failure_reason", "sip_status", "livekit_ref", "recording_ref", "started_at", "joined_at",
            "answered_at", "ended_at")
        for leg in new {
            legs.values(
                SQLBind(leg.id), SQLBind(call.tenantID), SQLBind(call.id), SQLBind(leg.kind.rawValue), SQLBind(leg.state.rawValue),
                SQLBind(leg.key), SQLBind(leg.identity), SQLBind(leg.userID), SQLBind(leg.extensionID), SQLBind(leg.destination),
                SQLBind(leg.failureReason), SQLBind(leg.sipStatus), SQLBind(leg.liveKitRef), SQLBind(leg.recordingRef),
                SQLBind(leg.startedAt), SQLBind(leg.joinedAt), SQLBind(leg.answeredAt), SQLBind(leg.endedAt))
        }
        try await legs.run()
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

    static func call(_ row: any SQLRow, legs: [Leg], ring: RingRound?) throws -> Call {
        let direction = try row.value("direction", as: CallDirection.self)
        let action = try row.optionalValue("action", as: ActionType.self)
        let answeredBy = try row.optional("answered_by_user_id", as: UUID.self)
        let phase =
            try row.optionalValue("phase", as: CallPhase.self)
            ?? Self.phase(state: try row.value("state"), action: action, answered: answeredBy != nil, direction: direction)
        return Call(
            id: try row.decode(column: "id", as: UUID.self), tenantID: try row.decode(column: "tenant_id", as: UUID.self),
            direction: direction, phase: phase, fromNumber: try row.decode(column: "from_number", as: String.self),
            toNumber: try row.decode(column: "to_number", as: String.self), roomName: try row.decode(column: "room_name", as: String.self),
            ruleID: try row.optional("rule_id"), trunkID: try row.optional("trunk_id"), action: action,
            extensionID: try row.optional("extension_id"), answeredBy: answeredBy, placedBy: try row.optional("placed_by_user_id"),
            hops: try row.decode(column: "hops", as: Int.self), endReason: try row.optionalValue("end_reason"),
            sipStatus: try row.optional("sip_status"), liveKitCallID: try row.optional("livekit_call_id"),
            startedAt: try row.decode(column: "started_at", as: Date.self), answeredAt: try row.optional("answered_at"),
            endedAt: try row.optional("ended_at"), ringRound: try row.decode(column: "ring_round", as: Int.self), ring: ring, legs: legs)
    }

    /// Rows written before the machine have no phase: the one their state and action imply.
    private static func phase(state: CallState, action: ActionType?, answered: Bool, direction: CallDirection) -> CallPhase {
        switch state {
        case .ended: .ended
        case .failed: .failed
        case .active: .active
        case .routing: .routing
        case .ringing:
            switch action {
            case .voicemail?: .greeting
            case .forward?: .forwarding
            default: answered ? .connecting : direction == .outbound ? .dialing : .ringing
            }
        }
    }

    static func leg(_ row: any SQLRow) throws -> Leg {
        var leg = Leg(
            id: try row.decode(column: "id", as: UUID.self), kind: try row.value("kind"), state: try row.value("state"),
            key: try row.optional("leg_key"), identity: try row.optional("participant_identity"), userID: try row.optional("user_id"),
            extensionID: try row.optional("extension_id"), destination: try row.optional("destination"),
            startedAt: try row.decode(column: "started_at", as: Date.self))
        leg.failureReason = try row.optional("failure_reason")
        leg.sipStatus = try row.optional("sip_status")
        leg.liveKitRef = try row.optional("livekit_ref")
        leg.recordingRef = try row.optional("recording_ref")
        leg.joinedAt = try row.optional("joined_at")
        leg.answeredAt = try row.optional("answered_at")
        leg.endedAt = try row.optional("ended_at")
        return leg
    }
}
