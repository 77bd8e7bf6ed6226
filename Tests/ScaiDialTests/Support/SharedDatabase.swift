import Foundation
import LiveKit
import LiveKitFake
import Logging

@testable import ScaiDial

/// For tests that run the real application more than once on one database — a restart (two lives
/// one after the other) or two replicas side by side: a fresh database with the platform admin, a
/// fake LiveKit, the configuration every instance is built from, and a quiet logger.
struct SharedDatabase: Sendable {
    let fake: FakeLiveKit
    let lk: LiveKitCredentials
    let database: TestDatabase
    let config: AppConfig
    let logger: Logger

    /// `configure` sees LiveKit's credentials already in the configuration (real ports, the hook
    /// door's secret, LiveKit); everything is torn down after `body`, also when it throws.
    static func run(
        configure: (inout AppConfig) -> Void = { _ in }, _ body: @Sendable (SharedDatabase) async throws -> Void
    ) async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        let database = try await TestDatabase.make()
        var config = database.config()
        config.port = 0
        config.sipInboundSecret = InboundDispatchTests.secret
        config.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
        configure(&config)
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        do {
            _ = try await Admin.createPlatformAdmin(config, email: "root@platform.test", password: "root-password", displayName: nil)
            try await body(SharedDatabase(fake: fake, lk: lk, database: database, config: config, logger: logger))
        } catch {
            try? await database.drop()
            await fake.stop()
            throw error
        }
        try await database.drop()
        await fake.stop()
    }

    /// One instance of the application (a life, or a replica).
    func application() async throws -> ScaiDialApplication { try await buildApplication(config, logger: logger) }

    /// One instance with its services (the job worker, the call engine).
    func applicationAndServices() async throws -> (app: ScaiDialApplication, services: AppServices) {
        try await buildApplicationAndServices(config, logger: logger)
    }
}
