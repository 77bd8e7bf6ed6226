import Foundation
import LiveKit
import LiveKitFake

/// Artefacts for `Tests/oracle/test_livekit_wire.py`: the exact request bodies the fake captured
/// (`livekit.<Service>.<Method>.json`) and tokens with the grants they should read back.
enum Oracle {
    static var directory: URL { FakeOracle.directory }

    static func write(_ data: Data, name: String) throws { try FakeOracle.write(data, name: name) }

    static func write(_ captured: [FakeLiveKit.Captured]) throws { try FakeOracle.write(captured) }

    /// One entry of `tokens.json`.
    struct TokenCase: Encodable {
        var name: String
        var jwt: String
        var api_key: String
        var api_secret: String
        var expected: ProtoJSON.Value
    }

    /// Writes `tokens-<group>.json` (the oracle reads every `tokens*.json`).
    static func writeTokens(_ cases: [TokenCase], group: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(try encoder.encode(cases), name: group == "" ? "tokens.json" : "tokens-\(group).json")
    }
}

/// Runs `body` against a started fake and a client pointed at it.
func withFake<T>(
    timeout: Duration = .seconds(5), _ body: (FakeLiveKit, LiveKitClient) async throws -> T
) async throws -> T {
    let fake = FakeLiveKit()
    let credentials = try await fake.start()
    do {
        let result = try await body(fake, LiveKitClient(credentials: credentials, timeout: timeout))
        await fake.stop()
        return result
    } catch {
        await fake.stop()
        throw error
    }
}
