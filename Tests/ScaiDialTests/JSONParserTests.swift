import Foundation
import NIOCore
import Testing

@testable import ScaiDial

@Suite("JSON in and out: request bodies, hand-written answers")
struct JSONParserTests {
    @Test("values, escapes and numbers are read as JSON says")
    func reads() throws {
        #expect(try JSONParser.parse(" {} ") == .object([:]))
        #expect(try JSONParser.parse("[]") == .array([]))
        #expect(
            try JSONParser.parse(#"{"a": [1, -2, 0, -0, 1.5, 1e3, -2.5E-3, true, false, null], "b": {"c": "d"}}"#)
                == .object([
                    "a": .array([
                        .int(1), .int(-2), .int(0), .int(0), .double(1.5), .double(1000), .double(-0.0025), .bool(true), .bool(false),
                        .null,
                    ]),
                    "b": .object(["c": .string("d")]),
                ]))
        #expect(try JSONParser.parse(#""\"\\\/\b\f\n\r\t\u00e9\u260E\ud83d\ude00""#) == .string("\"\\/\u{8}\u{c}\n\r\té☎😀"))
        #expect(try JSONParser.parse("\"héllo ☎ 😀\"") == .string("héllo ☎ 😀"))
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int.max))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONParser.parse(#"{"a": 1, "a": 2}"#) == .object(["a": .int(2)]))
    }

    @Test(
        "anything that is not JSON is refused",
        arguments: [
            "", " ", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{a:1}"#, "[1,]", #"{"a":1,}"#, "[1 2]", "01", "1.", ".5", "-", "+1", "1e", "1e+",
            #""abc"#, #""\x""#, #""\u12""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "\"tab\there\"", "tru", "nul", "True", "{} x",
            "NaN", "Infinity", "1e999", "'a'", "[" + String(repeating: "[", count: 200) + String(repeating: "]", count: 201),
        ])
    func refuses(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        var buffer = ByteBuffer(string: "\"a")
        buffer.writeBytes([0xC3, 0x28, 0x22])
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(buffer) }
    }

    /// Random documents written by Foundation's JSONSerialization read back as what was written.
    @Test("what JSONSerialization writes is read back exactly")
    func roundTrip() throws {
        var rng = SplitMix(seed: 7)
        for _ in 0..<300 {
            let value = Self.random(&rng, depth: 0)
            let data = try JSONSerialization.data(withJSONObject: Self.foundation(value), options: [.fragmentsAllowed])
            #expect(try JSONParser.parse(ByteBuffer(bytes: data)) == value)
        }
    }

    @Test("a malformed body is 400 at the door and a good one is read")
    func atTheDoor() async throws {
        try await withApp { api, _ in
            let bad = try await api.call(.post, "/v1/auth/login", raw: #"{"email": "root@platform.test", "password": "x",}"#)
            #expect(bad.status == .badRequest && bad.json["detail"] as? String == "the body is not valid JSON")
            let good = try await api.call(
                .post, "/v1/auth/login", raw: #" {"email": "ROOT@platform.test", "password": "root\u002Dpassword"} "#)
            #expect(good.status == .ok)
        }
    }

    @Test("the hand-written answer of the hook door is JSON with every field, whatever the caller sent")
    func handWritten() throws {
        let nasty = "a\"b\\c\n\t\u{1}\u{1F}é☎😀</script>"
        let answer = SIPInboundController.Answer(
            result: "ACCEPT", roomName: "room", participantIdentity: "sip_\(nasty)", participantName: "Phone \(nasty)",
            participantAttributes: ["scaidial.call_id": "X", "b\"": nasty], sipTrunkId: nil, ringingTimeout: "180s",
            maxCallDuration: "3600s", scaidialCallId: UUID(uuidString: "01A219EA-FCB1-732A-9900-2ADC086562C5"), scaidialSipStatus: nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.json.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "result", "room_name", "participant_identity", "participant_name", "participant_metadata", "participant_attributes",
                "sip_trunk_id", "ringing_timeout", "max_call_duration", "scaidial_call_id", "scaidial_sip_status",
            ])
        #expect(object["participant_name"] as? String == "Phone \(nasty)")
        #expect(object["participant_identity"] as? String == "sip_\(nasty)")
        #expect(object["participant_attributes"] as? [String: String] == ["scaidial.call_id": "X", "b\"": nasty])
        #expect(object["sip_trunk_id"] is NSNull && object["participant_metadata"] is NSNull && object["scaidial_sip_status"] is NSNull)
        #expect(object["scaidial_call_id"] as? String == "01A219EA-FCB1-732A-9900-2ADC086562C5")
        #expect(
            try JSONParser.parse(answer.json) == JSONParser.parse(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))))
        let reject = SIPInboundController.Answer(result: "REJECT", sipTrunkId: "ST_1", scaidialSipStatus: 404)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(reject.json.utf8)) as? [String: Any])
        #expect(
            parsed["scaidial_sip_status"] as? Int == 404 && parsed["sip_trunk_id"] as? String == "ST_1" && parsed["room_name"] is NSNull)
    }

    static func random(_ rng: inout SplitMix, depth: Int) -> JSONValue {
        switch rng.next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .int(Int(truncatingIfNeeded: rng.next()) >> Int(rng.next() % 64))
        // Never a whole number: JSONSerialization writes 3.0 as "3", which reads back as an integer.
        case 3: return .double(Double(Int(truncatingIfNeeded: rng.next() % 2_000_000) - 1_000_000) / 64 + 1.0 / 128)
        case 4:
            let alphabet = Array("aZ09 \"\\/\n\t\u{1}é☎😀{}[],:")
            return .string(String((0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }))
        case 5: return .array((0..<Int(rng.next() % 5)).map { _ in random(&rng, depth: depth + 1) })
        default:
            var fields: [String: JSONValue] = [:]
            for i in 0..<Int(rng.next() % 5) { fields["k\(i)_\(rng.next() % 100)"] = random(&rng, depth: depth + 1) }
            return .object(fields)
        }
    }

    static func foundation(_ value: JSONValue) -> Any {
        switch value {
        case .null: NSNull()
        case .bool(let b): b
        case .int(let i): i
        case .double(let d): d
        case .string(let s): s
        case .array(let a): a.map(foundation)
        case .object(let o): o.mapValues(foundation)
        }
    }
}
