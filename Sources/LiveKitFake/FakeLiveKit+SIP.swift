import Foundation
import LiveKit

extension FakeLiveKit {
    static let ruleNotFound = FakeRefusal.notFound("requested sip dispatch rule does not exist")

    func createDispatchRule(_ request: CreateSIPDispatchRuleRequest) throws -> FakeAnswer {
        guard var rule = request.dispatchRule else { throw FakeRefusal.invalid("missing rule (this fake needs `dispatch_rule`)") }
        try Self.validate(rule: rule)
        guard rule.sipDispatchRuleId.isBlank else { throw FakeRefusal.invalid("rule ID must be empty") }
        rule.sipDispatchRuleId = Self.newID("SDR_")
        (rule.createdAt, rule.updatedAt) = (Self.nowRFC3339, Self.nowRFC3339)
        dispatchRules.append(rule)
        return .ok(rule)
    }

    func updateDispatchRule(_ request: UpdateSIPDispatchRuleRequest) throws -> FakeAnswer {
        guard let id = request.sipDispatchRuleId, !id.isEmpty else { throw FakeRefusal.invalid("dispatch rule ID is required") }
        guard let index = dispatchRules.firstIndex(where: { $0.sipDispatchRuleId == id }) else { throw Self.ruleNotFound }
        guard var rule = request.replace else { throw FakeRefusal.invalid("this fake supports only `replace` updates") }
        try Self.validate(rule: rule)
        (rule.sipDispatchRuleId, rule.createdAt, rule.updatedAt) = (id, dispatchRules[index].createdAt, Self.nowRFC3339)
        dispatchRules[index] = rule
        return .ok(rule)
    }

    func listDispatchRules(_ request: ListSIPDispatchRuleRequest) throws -> FakeAnswer {
        let items = dispatchRules.filter { rule in
            (request.dispatchRuleIds.isBlank || request.dispatchRuleIds!.contains(rule.sipDispatchRuleId ?? ""))
                && (request.trunkIds.isBlank || !(rule.trunkIds ?? []).filter { request.trunkIds!.contains($0) }.isEmpty)
        }
        return .ok(ListSIPDispatchRuleResponse(items: items))
    }

    func deleteDispatchRule(_ request: DeleteSIPDispatchRuleRequest) throws -> FakeAnswer {
        guard let id = request.sipDispatchRuleId, !id.isEmpty else { throw FakeRefusal.invalid("dispatch rule ID is required") }
        guard let index = dispatchRules.firstIndex(where: { $0.sipDispatchRuleId == id }) else { throw Self.ruleNotFound }
        return .ok(dispatchRules.remove(at: index))
    }

    static func validate(rule: SIPDispatchRuleInfo) throws {
        let members = [
            rule.rule?.dispatchRuleDirect != nil, rule.rule?.dispatchRuleIndividual != nil, rule.rule?.dispatchRuleCallee != nil,
        ]
        guard members.contains(true) else { throw FakeRefusal.invalid("missing rule") }
    }

    /// Dials: the SIP participant joins the room `dialing`, and the far end does what
    /// `setCallee` says (picks up by default); see `dial`.
    func createSIPParticipant(_ request: CreateSIPParticipantRequest) throws -> FakeAnswer {
        guard !(request.sipTrunkId.isBlank && request.trunk == nil && request.sipNumber.isBlank) else {
            throw FakeRefusal.invalid("missing sip trunk id and sip number")
        }
        guard let callee = request.sipCallTo, !callee.isEmpty else { throw FakeRefusal.invalid("missing sip callee number") }
        guard !callee.contains("@") else {
            throw FakeRefusal.invalid("SipCallTo should be a phone number or SIP user, not a full SIP URI")
        }
        guard let roomName = request.roomName, !roomName.isEmpty else { throw FakeRefusal.invalid("missing room name") }
        var trunk: SIPOutboundTrunkInfo?
        if let id = request.sipTrunkId, !id.isEmpty {
            guard let found = outboundTrunks.first(where: { $0.sipTrunkId == id }) else { throw Self.trunkNotFound }
            trunk = found
        }
        return dial(request, room: roomName, callee: callee, trunk: trunk)
    }

    /// Transfers an answered SIP participant (instantly and successfully): it leaves the room. An
    /// unanswered one is refused with 412 "can't transfer non established call", as livekit-sip
    /// does (`pkg/sip/service.go` TransferSIPParticipant; the REFER needs an established dialog).
    func transferSIPParticipant(_ request: TransferSIPParticipantRequest) throws -> FakeAnswer {
        guard let room = request.roomName, !room.isEmpty else { throw FakeRefusal.invalid("Missing room name") }
        guard let identity = request.participantIdentity, !identity.isEmpty else {
            throw FakeRefusal.invalid("Missing participant identity")
        }
        var target = request.transferTo ?? ""
        if target.hasPrefix("<") && target.hasSuffix(">") { target = String(target.dropFirst().dropLast()) }
        guard ["sip:", "sips:", "tel:"].contains(where: { target.hasPrefix($0) }) else {
            throw FakeRefusal.invalid("transfer_to must be a valid SIP(s) or TEL URI (sip:, sips: or tel:)")
        }
        guard let participant = participants[room]?.first(where: { $0.identity == identity }) else {
            throw FakeRefusal.notFound("participant does not exist")
        }
        // livekit-sip sends a REFER only on an established call.
        guard participant.kind != .sip || participant.attributes?["sip.callStatus"] == "active" else {
            throw FakeRefusal.precondition("can't transfer non established call")
        }
        // livekit-sip hands the caller to the target (REFER accepted): its participant leaves. The
        // leave is queued before the RPC answers, so its webhook can overtake the answer, as it can
        // in livekit-sip (`pkg/sip/inbound.go` transferCall: the peer's BYE, or Close after
        // referByeTimeout, races the Twirp reply).
        leave(room: room, identity: identity, reason: .clientInitiated)
        return .ok(
            TransferSIPParticipantResponse(
                transferId: Self.newID("STR_"), status: .successful, reason: .completed, sipStatus: SIPStatus(code: .ok, status: "OK")))
    }
}
