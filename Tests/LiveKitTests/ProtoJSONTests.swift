import Foundation
import LiveKit
import Testing

@Suite("ProtoJSON: LiveKit's protojson dialect")
struct ProtoJSONTests {
    func json(_ value: some Encodable, _ keys: ProtoJSON.KeyStyle = .protoNames) throws -> String {
        String(decoding: try ProtoJSON.encode(value, keys: keys), as: UTF8.self)
    }

    @Test("requests use proto names, omit nil, keep map keys verbatim, write durations and enums by name")
    func encodesRequests() throws {
        let trunk = SIPOutboundTrunkInfo(
            name: "n", address: "a", transport: .udp, numbers: ["+1"], headersToAttributes: ["X-Caller_ID": "sip.callID"],
            media: SIPMediaConfig(mediaTimeout: .init(.milliseconds(1500))))
        #expect(
            try json(trunk)
                == #"{"address":"a","headers_to_attributes":{"X-Caller_ID":"sip.callID"},"media":{"media_timeout":"1.500s"},"name":"n","numbers":["+1"],"transport":"SIP_TRANSPORT_UDP"}"#
        )
    }

    @Test("camelCase style for tokens and webhooks; 64-bit integers as strings")
    func camelCase() throws {
        let config = RoomConfiguration(emptyTimeout: 30, agents: [RoomAgentDispatch(agentName: "x")])
        #expect(try json(config, .camelCase) == #"{"agents":[{"agentName":"x"}],"emptyTimeout":30}"#)
        #expect(try json(Room(creationTime: 1_700_000_000)) == #"{"creation_time":"1700000000"}"#)
    }

    @Test("a dispatch rule sends exactly one oneof member")
    func oneof() throws {
        let rule = SIPDispatchRule(
            dispatchRuleIndividual: SIPDispatchRuleIndividual(roomPrefix: "p"), dispatchRuleCallee: SIPDispatchRuleCallee(roomPrefix: "q"))
        #expect(try json(rule) == #"{"dispatch_rule_individual":{"room_prefix":"p"}}"#)
    }

    @Test("Twirp answers decode: snake_case, null sub-messages, int64 strings, unknown enum values")
    func decodesTwirpAnswers() throws {
        let body = #"""
            {"sid":"PA_1","identity":"sip_+1","state":"ACTIVE","tracks":[],"metadata":"","joined_at":"1700000000",
             "permission":null,"kind":"SOME_FUTURE_KIND","attributes":{"sip.callID":"SCL_1","sip.h.x_foo":"bar"},
             "disconnect_reason":"UNKNOWN_REASON","unknown_new_field":{"x":1}}
            """#
        let p = try ProtoJSON.decode(ParticipantInfo.self, from: Data(body.utf8))
        #expect(p.joinedAt == 1_700_000_000 && p.state == .active && p.permission == nil)
        #expect(p.kind?.rawValue == "SOME_FUTURE_KIND")
        #expect(p.attributes == ["sip.callID": "SCL_1", "sip.h.x_foo": "bar"])
    }

    @Test("webhook bodies decode: camelCase, absent enums are their zero value, numbers for enums")
    func decodesCamelCase() throws {
        let body = #"{"identity":"u","joinedAt":"5","attributes":{"sipTrunkId":"kept"},"tracks":[{"sid":"TR_1","type":1}]}"#
        let p = try ProtoJSON.decode(ParticipantInfo.self, from: Data(body.utf8))
        #expect(p.kind == .standard && p.state == .joining && p.joinedAt == 5)
        #expect(p.attributes == ["sipTrunkId": "kept"])
        #expect(p.tracks?.first?.type?.rawValue == "1" && p.tracks?.first?.source == .unknown)
    }

    @Test("durations parse and print like protojson")
    func durations() throws {
        #expect(ProtoDuration(string: "30s") == .seconds(30))
        #expect(ProtoDuration(string: "1.5s")?.description == "1.500s")
        #expect(ProtoDuration(string: "0.000000001s")?.description == "0.000000001s")
        #expect(ProtoDuration(string: "30") == nil && ProtoDuration(string: "s") == nil)
        #expect(ProtoDuration(.milliseconds(250)).description == "0.250s")
    }

    @Test("answers written with unpopulated fields carry zero values and null messages")
    func emitUnpopulated() throws {
        let tree = try ProtoJSON.tree(SIPParticipantInfo(participantId: "PA_1"), emitUnpopulated: true)
        #expect(
            tree
                == .object([
                    "participant_id": .string("PA_1"), "participant_identity": .string(""), "room_name": .string(""),
                    "sip_call_id": .string(""),
                ]))
        let room = try ProtoJSON.tree(Room(), emitUnpopulated: true)
        #expect(room["creation_time"] == .string("0") && room["num_participants"] == .int(0) && room["sid"] == .string(""))
        let rule = try ProtoJSON.tree(SIPDispatchRuleInfo(), emitUnpopulated: true)
        #expect(rule["rule"] == .null && rule["trunk_ids"] == .array([]) && rule["attributes"] == .object([:]))
        #expect(rule["media_encryption"] == .string("SIP_MEDIA_ENCRYPT_DISABLE"))
        #expect(try ProtoJSON.tree(CreateSIPParticipantRequest(), emitUnpopulated: true)["display_name"] == nil)
    }
}
