import Foundation

/// Request bodies the fake captured, written for LiveKit's official SDK to parse strictly
/// (`Tests/oracle/test_livekit_wire.py`): `livekit.<Service>.<Method>[.<tag>][.<n>].json` in
/// `$SCAIDIAL_ORACLE_DIR`, else `<package root>/.build/oracle`.
public enum FakeOracle {
    public static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["SCAIDIAL_ORACLE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/oracle", isDirectory: true)
    }()

    public static func write(_ data: Data, name: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try data.write(to: directory.appendingPathComponent(name), options: .atomic)
    }

    /// The webhooks `fake` sent, signed, for the official SDK's `WebhookReceiver` to verify and parse
    /// (`Tests/oracle/test_webhook_oracle.py`): `webhook.<tag>.json`.
    public static func writeWebhooks(of fake: FakeLiveKit, tag: String) async throws {
        let events = try await fake.signedWebhooks().map { ["body": $0.body, "authorization": $0.authorization] }
        let file: [String: Any] = ["api_key": fake.apiKey, "api_secret": fake.apiSecret, "events": events]
        try write(try JSONSerialization.data(withJSONObject: file, options: [.sortedKeys]), name: "webhook.\(tag).json")
    }

    /// Every captured body; `tag` keeps one test's files apart from another's (the application's
    /// tests tag theirs, so the oracle also sees what ScaiDial itself sends, not only the client).
    public static func write(_ captured: [FakeLiveKit.Captured], tag: String? = nil) throws {
        var seen: [String: Int] = [:]
        for request in captured {
            let base = "livekit.\(request.service).\(request.method)" + (tag.map { ".\($0)" } ?? "")
            let n = seen[base, default: 0] + 1
            seen[base] = n
            try write(request.body, name: n == 1 ? "\(base).json" : "\(base).\(n).json")
        }
    }
}
