import Foundation
import LiveKit
import LiveKitFake

/// Artefacts for `Tests/oracle/test_livekit_wire.py`: the exact request bodies the fake captured
/// (`livekit.<Service>.<Method>.json`) and tokens with the grants they should read back.
enum Oracle {
    /// `$SCAIDIAL_ORACLE_DIR`, else `<package root>/.build/oracle`.
    static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["SCAIDIAL_ORACLE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/oracle", isDirectory: true)
    }()

    static func write(_ data: Data, name: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try data.write(to: directory.appendingPathComponent(name), options: .atomic)
    }

    /// Writes the body of every captured request: `livekit.<Service>.<Method>.json` for the first
    /// of an RPC, `livekit.<Service>.<Method>.<n>.json` for the n-th.
    static func write(_ captured: [FakeLiveKit.Captured]) throws {
        var seen: [String: Int] = [:]
        for request in captured {
            let base = "livekit.\(request.service).\(request.method)"
            seen[base, default: 0] += 1
            let n = seen[base]!
            try write(request.body, name: n == 1 ? "\(base).json" : "\(base).\(n).json")
        }
    }

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
