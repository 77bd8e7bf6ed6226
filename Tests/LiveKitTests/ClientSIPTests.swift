import Foundation
import LiveKit
import LiveKitFake
import Testing

@Suite("LiveKitClient: livekit.SIP against the fake")
struct ClientSIPTests {
    @Test("trunks: create, update, list and delete round-trip with every field")
    func trunks() async throws {
        try await withFake { fake, client in
            let inbound = try await client.createSIPInboundTrunk(SIPFixtures.inbound)
            let inboundID = try #require(inbound.sipTrunkId)
            #expect(inboundID.hasPrefix("ST_"))
            #expect(inbound.headersToAttributes == ["X-Customer": "customer"])
            #expect(inbound.ringingTimeout == .seconds(30))
            #expect(inbound.media?.encryption == .allow)
            var changed = SIPFixtures.inbound
            changed.numbers = ["+15550102"]
            #expect(try await client.updateSIPInboundTrunk(id: inboundID, replace: changed).numbers == ["+15550102"])
            #expect(try await client.listSIPInboundTrunks().map(\.sipTrunkId) == [inboundID])

            let outbound = try await client.createSIPOutboundTrunk(SIPFixtures.outbound)
            let outboundID = try #require(outbound.sipTrunkId)
            #expect(outbound.transport == .tls && outbound.address == "sip.carrier.example:5060")
            var moved = SIPFixtures.outbound
            moved.address = "sip2.carrier.example"
            #expect(try await client.updateSIPOutboundTrunk(id: outboundID, replace: moved).address == "sip2.carrier.example")
            #expect(try await client.listSIPOutboundTrunks().first?.authUsername == "carrier-out")

            try await client.deleteSIPTrunk(id: outboundID)
            #expect(await fake.outboundTrunks.isEmpty)
            #expect(await fake.inboundTrunks.count == 1)
            let captured = await fake.requests
            try expectMinimalGrants(captured)
            try Oracle.write(captured)
        }
    }

    @Test("dispatch rules: create, update, list and delete; exactly one rule member is sent")
    func dispatchRules() async throws {
        try await withFake { fake, client in
            let rule = try await client.createSIPDispatchRule(SIPFixtures.rule)
            let id = try #require(rule.sipDispatchRuleId)
            #expect(id.hasPrefix("SDR_"))
            #expect(rule.rule?.dispatchRuleIndividual?.roomPrefix == "scaidial-in")
            #expect(rule.rule?.dispatchRuleDirect == nil)
            #expect(rule.roomConfig?.agents?.first?.agentName == "receptionist")
            var direct = SIPFixtures.rule
            direct.rule = SIPDispatchRule(
                dispatchRuleDirect: SIPDispatchRuleDirect(roomName: "lobby"), dispatchRuleIndividual: SIPDispatchRuleIndividual())
            let updated = try await client.updateSIPDispatchRule(id: id, replace: direct)
            #expect(updated.rule == SIPDispatchRule(dispatchRuleDirect: SIPDispatchRuleDirect(roomName: "lobby", pin: "")))
            let sent = try ProtoJSON.Value(json: try #require(await fake.requests("UpdateSIPDispatchRule").first).body)
            #expect(sent["replace"]?["rule"] == .object(["dispatch_rule_direct": .object(["room_name": .string("lobby")])]))
            #expect(try await client.listSIPDispatchRules().map(\.sipDispatchRuleId) == [id])
            try await client.deleteSIPDispatchRule(id: id)
            #expect(await fake.dispatchRules.isEmpty)
            let captured = await fake.requests
            try expectMinimalGrants(captured)
            try Oracle.write(captured)
        }
    }

    @Test("CreateSIPParticipant and TransferSIPParticipant: the call joins the room; once answered, the transfer takes it out")
    func callAndTransfer() async throws {
        try await withFake { fake, client in
            let trunk = try await client.createSIPOutboundTrunk(SIPFixtures.outbound)
            await fake.setCallee("+15550123", .rings)
            let call = try await client.createSIPParticipant(SIPFixtures.participant(trunkID: try #require(trunk.sipTrunkId)))
            #expect(call.sipCallId?.hasPrefix("SCL_") == true)
            #expect(call.participantIdentity == "pstn-1" && call.roomName == "call-1")
            let joined = try #require(await fake.participants(in: "call-1").first)
            #expect(joined.kind == .sip)
            #expect(joined.attributes?["sip.callID"] == call.sipCallId)
            #expect(joined.attributes?["sip.phoneNumber"] == "+15550123")

            // Like livekit-sip, no REFER before the far end answered: 412.
            let early = await #expect(throws: LiveKitError.self) { try await client.transferSIPParticipant(SIPFixtures.transfer) }
            #expect(early?.twirpCode == "failed_precondition" && early?.httpStatus == 412)
            await fake.answerCallee(room: "call-1", identity: "pstn-1")
            #expect(await fake.participants(in: "call-1").first?.attributes?["sip.callStatus"] == "active")
            let transfer = try await client.transferSIPParticipant(SIPFixtures.transfer)
            #expect(transfer.status == .successful && transfer.sipStatus?.code == .ok)
            #expect(await fake.participants(in: "call-1").isEmpty)

            var perCall = SIPFixtures.participant(trunkID: "")
            perCall.sipTrunkId = nil
            perCall.trunk = SIPFixtures.perCallTrunk
            _ = try await client.createSIPParticipant(perCall)
            let captured = await fake.requests.filter { $0.method != "CreateSIPOutboundTrunk" }
            try expectMinimalGrants(captured)
            try Oracle.write(captured)
        }
    }
}
