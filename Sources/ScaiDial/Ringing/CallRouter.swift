import FluentKit
import Foundation
import LiveKit
import Logging

/// Carries out the dispatcher's decision: rings browsers, dispatches bots, forwards, hands over to
/// voicemail, and follows forward rules when nobody answers. Every step is idempotent per call.
struct CallRouter: Sendable {
    let persistence: Persistence
    let hub: EventHub
    let liveKit: (any LiveKitAPI)?
    let jobs: JobWorker
    let voicemail: any VoicemailHandover
    let logger: Logger
    /// What a `refer` forward plays to answer the caller before the transfer (LiveKit Ingress
    /// fetches it from ScaiDial's public URL).
    var announcementURL: String = ""
    /// A call follows at most this many forwards to other extensions (no loops).
    static let maxHops = 5

    var db: any Database { persistence.db }

    /// Starts the decided action. `callerInRoom` is false at the hook door (livekit-sip has not yet
    /// put the caller in the room): actions that need the SIP participant wait for its webhook.
    func start(callID: UUID, callerInRoom: Bool) async throws {
        guard let call = try await CallModel.find(callID, on: db), CallState.live.contains(call.state),
            let ruleID = call.ruleID, let rule = try await RuleModel.find(ruleID, on: db)
        else { return }
        if call.action == ActionType.voicemail.rawValue, let box = call.extensionID {
            // Already handed to voicemail (a forward rule, no answer): the caller's arrival starts the greeting.
            if callerInRoom { try await toVoicemail(call, box: box) }
            return
        }
        switch ActionType(rawValue: rule.actionType) {
        case .ringExtension?:
            guard let ext = try await rule.actionExtensionID.asyncMap({ try await ExtensionModel.find($0, on: db) }) ?? nil else { return }
            if ext.type == ExtensionType.bot.rawValue {
                if callerInRoom { try await dispatchBot(call, ext) }
            } else if call.extensionID == nil {
                try await ring(call, ext)  // browsers may ring before the caller is in the room
            }
        case .voicemail?:
            if callerInRoom, let box = rule.actionExtensionID { try await toVoicemail(call, box: box) }
        case .forward?:
            if callerInRoom, let target = rule.actionTarget {
                try await forward(call, to: target, mode: ForwardModeName(rawValue: rule.actionMode ?? "") ?? .bridge)
            }
        case .hangup?, nil:
            break
        }
    }

    // MARK: ringing

    func ring(_ call: CallModel, _ ext: ExtensionModel) async throws {
        if let always = try await forwardRule(ext, "always") { return try await follow(always, call, ext) }
        let users = try await grantedUsers(ext)
        let online = try await hub.online(users)
        call.extensionID = ext.id
        call.state = CallState.ringing.rawValue
        try await call.update(on: db)
        guard !online.isEmpty else { return try await noAnswer(call, ext, trigger: "unavailable") }
        try await RingState(db: db).started(try call.requireID(), ringing: online)
        hub.send(
            .make(
                "ring",
                [
                    "call_id": try call.requireID(), "from": call.fromNumber, "to": call.toNumber, "extension_id": try ext.requireID(),
                    "extension_number": ext.number, "extension_name": ext.name, "room_name": call.roomName,
                ]), to: online)
        try await JobQueue.enqueue(
            RingTimeoutHandler.kind, payload: RingTimeoutHandler.Payload(callID: try call.requireID(), extensionID: try ext.requireID()),
            dedupeKey: "ring_timeout:\(try call.requireID())", tenantID: call.tenantID,
            runAt: Date().addingTimeInterval(TimeInterval(ext.ringTimeoutS)), on: db)
        jobs.wake()
    }

    /// Stops ringing everywhere (answered elsewhere, caller gone, timed out, forwarded).
    func cancelRing(_ call: CallModel, reason: String, except winner: UUID? = nil) async throws {
        guard let extID = call.extensionID, let ext = try await ExtensionModel.find(extID, on: db) else { return }
        try await JobModel.query(on: db).filter(\.$dedupeKey == "ring_timeout:\(try call.requireID())").delete()
        try await RingState(db: db).finish(try call.requireID())
        let users = try await grantedUsers(ext)
        hub.send(.make("ring_cancelled", ["call_id": try call.requireID(), "reason": reason]), to: users.filter { $0 != winner })
    }

    /// Nobody took the call: the extension's forward rule for `trigger`, else voicemail if enabled, else hang up.
    func noAnswer(_ call: CallModel, _ ext: ExtensionModel, trigger: String) async throws {
        if let rule = try await forwardRule(ext, trigger) { return try await follow(rule, call, ext) }
        if ext.voicemailEnabled { return try await toVoicemail(call, box: try ext.requireID()) }
        try await hangUp(call, reason: trigger == "busy" ? "busy" : "no_answer")
    }

    private func follow(_ rule: ForwardRuleModel, _ call: CallModel, _ ext: ExtensionModel) async throws {
        switch ForwardTargetType(rawValue: rule.targetType) {
        case .number?:
            try await forward(call, to: rule.target ?? "", mode: .bridge)
        case .extension?:
            guard call.hops < Self.maxHops, let id = rule.target.flatMap(UUID.init(uuidString:)),
                let next = try await ExtensionModel.find(id, on: db)
            else {
                logger.notice("forward hop limit reached", metadata: ["call_id": "\(call.logID)"])
                return try await hangUp(call, reason: "too_many_hops")
            }
            call.hops += 1
            try await ring(call, next)
        case .voicemail?:
            try await toVoicemail(call, box: rule.target.flatMap(UUID.init(uuidString:)) ?? ext.requireID())
        case nil:
            try await hangUp(call, reason: "no_answer")
        }
    }

    private func forwardRule(_ ext: ExtensionModel, _ trigger: String) async throws -> ForwardRuleModel? {
        try await ForwardRuleModel.query(on: db).filter(\.$extensionID == ext.requireID()).filter(\.$trigger == trigger)
            .filter(\.$enabled == true).first()
    }

    /// Tells the call's own users (answerer, caller) where it stands: `call_updated`.
    func announce(_ call: CallModel) {
        let users = [call.answeredByUserID, call.placedByUserID].compactMap { $0 }
        guard !users.isEmpty, let id = call.id else { return }
        var fields: [String: any Sendable] = ["call_id": id, "state": call.state]
        if let reason = call.endReason { fields["end_reason"] = reason }
        if let status = call.sipStatus { fields["sip_status"] = status }
        hub.send(.make("call_updated", fields), to: users)
    }

    func grantedUsers(_ ext: ExtensionModel) async throws -> [UUID] {
        try await GrantModel.enabledUsers(of: try ext.requireID(), on: db)
    }
}

extension GrantModel {
    /// The enabled users granted extension `ext`: who is rung, and who hears about its voicemail.
    static func enabledUsers(of ext: UUID, on db: any Database) async throws -> [UUID] {
        let grants = try await query(on: db).filter(\.$extensionID == ext).all().map(\.userID)
        guard !grants.isEmpty else { return [] }
        return try await UserModel.query(on: db).filter(\.$id ~~ grants).filter(\.$disabled == false).all().compactMap(\.id)
    }
}

extension CallLegModel {
    /// The caller's own leg of an inbound call: its first SIP leg (forwards add later ones).
    static func callerLeg(of call: UUID, on db: any Database) async throws -> CallLegModel? {
        try await query(on: db).filter(\.$callID == call).filter(\.$kind == "sip").sort(\.$startedAt).sort(\.$id).first()
    }
}

/// `bridge` or `refer` (spec §3 Actions).
enum ForwardModeName: String { case bridge, refer }
