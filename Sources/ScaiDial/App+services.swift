import FluentKit
import Foundation
import Logging

/// What every controller needs, built once by `buildApplication`.
struct AppServices: Sendable {
    let config: AppConfig
    let persistence: Persistence
    let hasher: PasswordHasher
    let secrets: SecretBox
    let metrics: MetricsRegistry
    let logger: Logger

    init(config: AppConfig, persistence: Persistence, logger: Logger) {
        self.config = config
        self.persistence = persistence
        self.hasher = PasswordHasher(cost: UInt8(config.passwordHashCost))
        self.secrets = SecretBox(secretKey: config.secretKey)
        self.metrics = MetricsRegistry()
        self.logger = logger
    }

    var db: any Database { persistence.db }
    var liveKitConfigured: Bool { config.liveKit != nil }
}

extension Database {
    /// Runs `body` and turns a unique-constraint violation that slipped past the checks (a race
    /// between two requests) into 409.
    func uniquely<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Problem.conflict("\(what) already exists")
        }
    }
}
