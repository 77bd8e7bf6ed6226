import Foundation
import Testing

@testable import ScaiDial

@Suite("Configuration from the environment")
struct ConfigurationTests {
    func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-cfg-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("defaults are the embedded ones, and a secret key is generated once and reused")
    func defaults() throws {
        let dir = try tempDir()
        let first = try AppConfig.fromEnvironment(["SCAIDIAL_DATA_DIR": dir])
        #expect(first.databaseURL == "sqlite://./scaidial.sqlite")
        #expect(first.host == "127.0.0.1" && first.port == 8080)
        #expect(first.publicURL == "http://127.0.0.1:8080")
        #expect(first.liveKit == nil && first.sipInboundSecret == nil)
        #expect(first.storageURL == "file://./recordings")
        #expect(first.secretKey.count >= 32)
        let again = try AppConfig.fromEnvironment(["SCAIDIAL_DATA_DIR": dir])
        #expect(again.secretKey == first.secretKey)
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/\(SecretKeyFile.fileName)")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("every problem is listed at once")
    func problems() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try AppConfig.fromEnvironment([
                "SCAIDIAL_DATABASE_URL": "mysql://x", "SCAIDIAL_PORT": "99999", "SCAIDIAL_SECRET_KEY": "short",
                "LIVEKIT_URL": "wss://lk.example", "SCAIDIAL_PUBLIC_URL": "ftp://x",
            ])
        }
        #expect(error?.problems.count == 5)
    }

    @Test("the voicemail length is read in seconds and bounded")
    func voicemailLength() throws {
        let key = String(repeating: "k", count: 40)
        let config = try AppConfig.fromEnvironment(["SCAIDIAL_SECRET_KEY": key, "SCAIDIAL_VOICEMAIL_MAX_SECONDS": "45"])
        #expect(config.voicemailMaxMessage == .seconds(45))
        #expect(try AppConfig.fromEnvironment(["SCAIDIAL_SECRET_KEY": key]).voicemailMaxMessage == .seconds(120))
        for bad in ["5", "abc", "7200"] {
            let error = #expect(throws: ConfigurationError.self) {
                try AppConfig.fromEnvironment(["SCAIDIAL_SECRET_KEY": key, "SCAIDIAL_VOICEMAIL_MAX_SECONDS": bad])
            }
            #expect(error?.problems.contains { $0.contains("SCAIDIAL_VOICEMAIL_MAX_SECONDS") } == true)
        }
    }

    @Test("the rejoin grace period is read in seconds and bounded")
    func rejoinGrace() throws {
        let key = String(repeating: "k", count: 40)
        #expect(try AppConfig.fromEnvironment(["SCAIDIAL_SECRET_KEY": key]).rejoinGrace == .seconds(10))
        #expect(try AppConfig.fromEnvironment(["SCAIDIAL_SECRET_KEY": key, "SCAIDIAL_REJOIN_GRACE_S": "0"]).rejoinGrace == .zero)
        for bad in ["-1", "soon", "600"] {
            let error = #expect(throws: ConfigurationError.self) {
                try AppConfig.fromEnvironment(["SCAIDIAL_SECRET_KEY": key, "SCAIDIAL_REJOIN_GRACE_S": bad])
            }
            #expect(error?.problems.contains { $0.contains("SCAIDIAL_REJOIN_GRACE_S") } == true)
        }
    }

    @Test("the caller-arrival wait is read in seconds and bounded")
    func callerArrival() throws {
        let key = String(repeating: "k", count: 40)
        #expect(try AppConfig.fromEnvironment(["SCAIDIAL_SECRET_KEY": key]).callerArrivalTimeout == .seconds(15))
        #expect(
            try AppConfig.fromEnvironment(["SCAIDIAL_SECRET_KEY": key, "SCAIDIAL_CALLER_ARRIVAL_S": "3600"]).callerArrivalTimeout
                == .seconds(3600))
        for bad in ["4", "later", "3601"] {
            let error = #expect(throws: ConfigurationError.self) {
                try AppConfig.fromEnvironment(["SCAIDIAL_SECRET_KEY": key, "SCAIDIAL_CALLER_ARRIVAL_S": bad])
            }
            #expect(error?.problems.contains { $0.contains("SCAIDIAL_CALLER_ARRIVAL_S") } == true)
        }
    }

    @Test("LiveKit settings and the inbound secret are read; secrets stay out of the description")
    func liveKit() throws {
        let config = try AppConfig.fromEnvironment([
            "SCAIDIAL_SECRET_KEY": String(repeating: "k", count: 40), "LIVEKIT_URL": "wss://lk.example",
            "LIVEKIT_API_KEY": "APIkey", "LIVEKIT_API_SECRET": "super-secret-value", "SCAIDIAL_SIP_INBOUND_SECRET": "hook-secret",
            "SCAIDIAL_DATABASE_URL": "postgres://u:dbpass@db.example:5432/scaidial",
        ])
        #expect(config.liveKit == LiveKitSettings(url: "wss://lk.example", apiKey: "APIkey", apiSecret: "super-secret-value"))
        for secret in ["super-secret-value", "hook-secret", "dbpass", String(repeating: "k", count: 40)] {
            #expect(!config.description.contains(secret))
        }
    }

    @Test("the secret key: required with PostgreSQL; a short or corrupt key file stops start-up instead of being replaced")
    func secretKeyRules() throws {
        let pg = ["SCAIDIAL_DATABASE_URL": "postgres://u:p@h:5432/d"]
        #expect(throws: ConfigurationError.self) { try AppConfig.fromEnvironment(pg) }
        do {
            _ = try AppConfig.fromEnvironment(pg)
        } catch let error as ConfigurationError {
            #expect(error.problems.contains { $0.contains("SCAIDIAL_SECRET_KEY is required with PostgreSQL") })
        }
        let key = String(repeating: "k", count: 32)
        #expect(try AppConfig.fromEnvironment(pg.merging(["SCAIDIAL_SECRET_KEY": key]) { $1 }).secretKey == key)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-key-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = "\(dir)/\(SecretKeyFile.fileName)"
        try Data("too-short\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: ConfigurationError.self) { try AppConfig.fromEnvironment(["SCAIDIAL_DATA_DIR": dir]) }
        // The file is left as it was, for the operator to restore.
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "too-short\n")
    }

    @Test("database URLs: relative and absolute SQLite paths, PostgreSQL")
    func databaseURLs() {
        #expect(DatabaseURL.parse("sqlite://./scaidial.sqlite") == .sqlite(path: "./scaidial.sqlite"))
        #expect(DatabaseURL.parse("sqlite:///var/lib/scaidial/db.sqlite") == .sqlite(path: "/var/lib/scaidial/db.sqlite"))
        #expect(DatabaseURL.parse("postgres://u:p@h:5432/d") == .postgres(url: "postgres://u:p@h:5432/d"))
        #expect(DatabaseURL.parse("sqlite://") == nil)
        #expect(DatabaseURL.parse("redis://x") == nil)
    }
}
