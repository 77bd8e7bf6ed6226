import Dialplan
import Foundation
import LiveKit
import NIOCore
import Testing

@testable import ScaiDial

/// Issue 14, item 10: seeded random inputs — raw bytes, and mutations of inputs each reader
/// accepts — through every reader a request, a webhook or LiveKit's hook reaches: the JSON reader,
/// the `/sip/inbound` reader, the webhook reader (signed, so its JSON decoding is reached), Range
/// parsing and the dialplan pattern compiler. A trap would end the test process; each target also
/// checks what must hold for every input. 127,000 inputs in all; the seed is printed, and
/// `SCAIDIAL_FUZZ_SEED` replays a run (`SCAIDIAL_FUZZ_SCALE` multiplies the counts).
@Suite("Fuzzing the readers of untrusted input")
struct FuzzTests {
    static let seed: UInt64 =
        ProcessInfo.processInfo.environment["SCAIDIAL_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
    static let scale = ProcessInfo.processInfo.environment["SCAIDIAL_FUZZ_SCALE"].flatMap(Int.init) ?? 1

    /// Bytes that each input is built from: the reader's own syntax, and hostile extras.
    struct Mutator {
        var rng: SplitMix
        let alphabet: [UInt8]

        mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(max(1, n))) }

        /// A seed changed 1–8 times: bytes flipped, inserted, deleted, duplicated, or swapped for syntax.
        mutating func mutate(_ seed: [UInt8]) -> [UInt8] {
            var bytes = seed
            for _ in 0...int(8) {
                let at = bytes.isEmpty ? 0 : int(bytes.count)
                switch int(7) {
                case 0 where !bytes.isEmpty: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.insert(alphabet[int(alphabet.count)], at: at)
                case 2 where !bytes.isEmpty: bytes.remove(at: at)
                case 3 where !bytes.isEmpty:
                    let end = min(bytes.count, at + 1 + int(16))
                    bytes.insert(contentsOf: bytes[at..<end], at: at)
                case 4: bytes.insert(contentsOf: Array(String(Int.max - int(3)).utf8), at: at)
                case 5: bytes.insert(contentsOf: [0xF0, 0x9F, 0x98, 0x80, 0xE2, 0x80, 0xAE, 0xC3][0..<(1 + int(7))], at: at)
                default: bytes = Array(bytes.prefix(at))
                }
            }
            return bytes
        }

        /// Random bytes from the alphabet (half the time) or from all 256.
        mutating func noise(_ length: Int) -> [UInt8] {
            let any = int(2) == 0
            return (0..<length).map { _ in any ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[int(alphabet.count)] }
        }

        mutating func input(_ seeds: [[UInt8]]) -> [UInt8] {
            int(4) == 0 ? noise(int(64)) : mutate(seeds[int(seeds.count)])
        }
    }

    static let jsonSeeds: [String] = [
        #"{"email":"a@b.c","password":"secret-password"}"#,
        #"{"name":"x","rules":[{"priority":1,"conditions":{"caller":"_+31.","days":["mon"]},"action":{"type":"hangup","sip_status":486}}]}"#,
        #"{"a":[1,-2.5e10,true,false,null,"\u00e9\ud83d\ude00"],"b":{"c":{}}}"#, "[]", "123", #""str""#, "-0.0e-0", "{\"k\":\"\\\"\"}",
    ]

    @Test("the JSON reader: any bytes give a value or a clean error; what JSONSerialization writes reads back")
    func json() throws {
        var m = Mutator(rng: SplitMix(seed: Self.seed), alphabet: Array(#"{}[]":,.-+eE0123456789truefalsnl\ "#.utf8))
        let seeds = Self.jsonSeeds.map { Array($0.utf8) }
        print("fuzz seed \(Self.seed) (SCAIDIAL_FUZZ_SEED replays it)")
        var parsed = 0
        for _ in 0..<(30_000 * Self.scale) {
            let bytes = m.input(seeds)
            if (try? JSONParser.parse(ByteBuffer(bytes: bytes))) != nil { parsed += 1 }
        }
        // Deep nesting is refused, not recursed into until the stack runs out.
        #expect(throws: (any Error).self) { try JSONParser.parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: (any Error).self) { try JSONParser.parse(String(repeating: "{\"a\":", count: 50_000)) }
        // What a real encoder writes, the reader reads back equal.
        for _ in 0..<(2_000 * Self.scale) {
            let value = Self.randomJSON(&m, depth: 0)
            let data = try JSONSerialization.data(withJSONObject: ["v": value], options: [.fragmentsAllowed])
            guard case .object(let object) = try JSONParser.parse(ByteBuffer(bytes: data)) else {
                Issue.record("not an object: \(String(decoding: data, as: UTF8.self))")
                continue
            }
            #expect(object["v"] != nil)
        }
        #expect(parsed > 0)
    }

    static func randomJSON(_ m: inout Mutator, depth: Int) -> Any {
        switch depth > 4 ? m.int(4) : m.int(6) {
        case 0: return m.int(2) == 0
        case 1: return m.int(1_000_000) - 500_000
        case 2: return String(decoding: m.noise(m.int(12)).filter { $0 < 0x80 && $0 >= 0x20 }, as: UTF8.self) + "é😀"
        case 3: return NSNull()
        case 4: return (0..<m.int(4)).map { _ in randomJSON(&m, depth: depth + 1) }
        default: return Dictionary(uniqueKeysWithValues: (0..<m.int(4)).map { ("k\($0)", randomJSON(&m, depth: depth + 1)) })
        }
    }

    @Test("the /sip/inbound reader: any JSON object gives a call or named field errors; a call it reads is clean")
    func sipInbound() throws {
        var m = Mutator(rng: SplitMix(seed: Self.seed &+ 1), alphabet: Array(#"{}[]":,_+0123456789abcdefghijklmnopqrstuvwxyz@. "#.utf8))
        let good = InboundDispatchTests.body("SCL_fuzz")
        let seeds =
            [try JSONSerialization.data(withJSONObject: good)].map { Array($0) } + [
                Array(#"{"sipTrunkId":"ST_1","call":{"lkCallId":"SCL_1","to":{"user":"0201234567"},"from":{"user":""}}}"#.utf8)
            ]
        var read = 0
        for _ in 0..<(25_000 * Self.scale) {
            let bytes = m.input(seeds)
            guard case .object(let fields)? = try? JSONParser.parse(ByteBuffer(bytes: bytes)) else { continue }
            let input = Input(fields, errors: FieldErrors())
            if let call = SIPInboundController.read(input) {
                read += 1
                #expect(!call.liveKitCallID.isEmpty && call.from.count <= InboundCall.callerIDLimit)
                #expect(call.from.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control })
            } else {
                #expect(!input.errors.list.isEmpty)
            }
        }
        #expect(read > 0)
    }

    @Test("the webhook reader: signed bodies of any shape give an event or a clean error; unsigned ones never get in")
    func webhooks() throws {
        var m = Mutator(rng: SplitMix(seed: Self.seed &+ 2), alphabet: Array(#"{}[]":,_0123456789abcdefghijklmnopqrstuvwxyz "#.utf8))
        let signer = WebhookSigner(apiKey: "key", apiSecret: "fuzz-secret-fuzz-secret-fuzz-secret")
        let receiver = WebhookReceiver(apiKey: "key", apiSecret: "fuzz-secret-fuzz-secret-fuzz-secret")
        let seeds = [
            #"{"event":"participant_joined","id":"EV_1","createdAt":"1790000000","room":{"sid":"RM_1","name":"r"},"participant":{"sid":"PA_1","identity":"sip_+31","kind":"SIP","attributes":{"sip.callID":"SCL_1","sip.callStatus":"active"}}}"#,
            #"{"event":"egress_ended","id":"EV_2","egressInfo":{"egressId":"EG_1","status":"EGRESS_COMPLETE","fileResults":[{"filename":"a.ogg","size":"12"}]}}"#,
            #"{"event":"track_published","id":"EV_3","track":{"sid":"TR_1","type":"AUDIO"},"participant":{"identity":"u"}}"#,
        ].map { Array($0.utf8) }
        var accepted = 0
        for n in 0..<(25_000 * Self.scale) {
            let body = m.input(seeds)
            if n % 10 == 0 {
                // Unsigned, or signed for other bytes: refused whatever the body.
                let other = try signer.authorization(for: body + [0x20])
                #expect(throws: WebhookError.self) { try receiver.receive(body: body, authorization: n % 20 == 0 ? nil : other) }
                continue
            }
            let authorization = try signer.authorization(for: body)
            if (try? receiver.receive(body: body, authorization: authorization)) != nil { accepted += 1 }
        }
        #expect(accepted > 0)
    }

    @Test("Range: any header parses or is ignored, and what it resolves to lies inside the object")
    func ranges() {
        var m = Mutator(rng: SplitMix(seed: Self.seed &+ 3), alphabet: Array("bytes=-,0123456789 ".utf8))
        let seeds = ["bytes=0-", "bytes=0-99", "bytes=-500", "bytes=9223372036854775807-", "bytes=5-4", "bytes=-0", "bytes=0-0,5-9"]
            .map { Array($0.utf8) }
        for _ in 0..<(25_000 * Self.scale) {
            let header = String(decoding: m.input(seeds), as: UTF8.self)
            guard let range = ByteRange.parse(header) else { continue }
            let size = [0, 1, 2, 100, 4096, Int.max - 1][m.int(6)]
            switch range.resolve(size: size) {
            case .whole, .unsatisfiable: break
            case .part(let part):
                #expect(part.lowerBound >= 0 && part.upperBound < size && part.lowerBound <= part.upperBound, "\(header) of \(size)")
            }
        }
    }

    @Test("the pattern compiler: any text compiles or is refused with a message; what compiles matches without trapping")
    func patterns() {
        var m = Mutator(rng: SplitMix(seed: Self.seed &+ 4), alphabet: Array("_+0123456789XZN.![]-,*#anonymous".utf8))
        let seeds = ["_+31.", "_06XXXXXXXX", "+31201234567", "_+3[1-4]X!", "anonymous", "_[0-9,*#]N.", "_Z.", "_+1[2-9]XX[2-9]XXXXXX"]
            .map { Array($0.utf8) }
        var compiled = 0
        for _ in 0..<(20_000 * Self.scale) {
            let text = String(decoding: m.input(seeds), as: UTF8.self)
            do {
                let pattern = try Pattern(text)
                compiled += 1
                for number in ["+31201234567", "", "anonymous", String(decoding: m.noise(m.int(20)), as: UTF8.self)] {
                    _ = pattern.matches(number)
                }
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        #expect(compiled > 0)
    }
}
