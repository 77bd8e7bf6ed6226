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

    /// Every captured body; `tag` keeps one test's files apart from another's (the application's
    /// tests tag theirs, so the oracle also sees what ScaiDial itself sends, not only the client).
    public static func write(_ captured: [FakeLiveKit.Captured], tag: String? = nil) throws {
        var seen: [String: Int] = [:]
        for request in captured {
            let base = "livekit.\(request.service).\(request.method)" + (tag.map { ".\($0)" } ?? "")
            seen[base, default: 0] += 1
            let n = seen[base]!
            try write(request.body, name: n == 1 ? "\(base).json" : "\(base).\(n).json")
        }
    }
}
