import FluentKit
import Foundation
import Hummingbird
import Logging

/// The application, as `scaidial serve` runs it and as the tests build it.
public typealias ScaiDialApplication = Application<RouterResponder<AppRequestContext>>

/// Builds the whole application from its configuration: opens the database (applying pending
/// migrations when `config.migrateOnStart`), wires every feature's routes and services.
public func buildApplication(_ config: AppConfig, logger: Logger = Logger(label: "scaidial")) async throws -> ScaiDialApplication {
    try await buildApplication(config, logger: logger, events: nil)
}

/// The same, with the LiveKit event handler replaceable (tests record what reaches it).
func buildApplication(_ config: AppConfig, logger: Logger, events: (any LiveKitEventHandler)?) async throws -> ScaiDialApplication {
    try await buildApplicationAndServices(config, logger: logger, events: events).app
}

/// The application and the services it runs (tests drive the call engine and the job worker directly).
func buildApplicationAndServices(
    _ config: AppConfig, logger: Logger, events: (any LiveKitEventHandler)? = nil
) async throws -> (app: ScaiDialApplication, services: AppServices) {
    guard let databaseURL = DatabaseURL.parse(config.databaseURL) else {
        throw ConfigurationError(problems: ["SCAIDIAL_DATABASE_URL is not a sqlite:// or postgres:// URL"])
    }
    let persistence = try Persistence(
        url: databaseURL, logger: logger, postgresSearchPath: config.postgresSearchPath,
        poolSize: config.databasePoolSize)
    do {
        if config.migrateOnStart { try await persistence.migrate() } else { try await persistence.tune() }
        let services = try AppServices(config: config, persistence: persistence, logger: logger, events: events)
        let router = buildRouter(services)
        var app = Application(
            router: router,
            // An idle connection — one that sent half a request line and stopped (slowloris), or a
            // keep-alive that sends nothing more — is closed after the idle timeout; an event stream
            // being answered is not idle.
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(config.httpIdleTimeout.components.seconds)))),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "scaidial"),
            logger: logger)
        app.addServices(
            DatabaseService(persistence: persistence), services.jobs, EventHubService(hub: services.hub), services.dialer,
            VoicemailRetention(
                persistence: persistence, storage: services.storage, interval: config.retentionInterval, logger: logger,
                clock: config.clock),
            services.registrations)
        if let shared = services.hub.shared { app.addServices(SharedEventsService(hub: services.hub, shared: shared)) }
        if let liveKit = services.liveKit {
            app.addServices(
                CallSweeper(
                    persistence: persistence, engine: services.engine, liveKit: liveKit, interval: config.sweepInterval,
                    grace: config.sweepGrace, logger: logger))
        }
        app.beforeServerStarts { try await announceFirstAdmin(services) }
        if config.liveKitSDK.integrity == nil && !config.liveKitSDK.url.hasPrefix("/") {
            logger.notice(
                "the softphone loads the LiveKit SDK without an integrity check; set SCAIDIAL_LIVEKIT_SDK_INTEGRITY (see the README)",
                metadata: ["url": "\(config.liveKitSDK.url)"])
        }
        return (app, services)
    } catch {
        await persistence.shutdown()
        throw error
    }
}

func buildRouter(_ services: AppServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(MetricsMiddleware(metrics: services.metrics))
    router.middlewares.add(ProblemMiddleware())
    router.middlewares.add(
        AuthMiddleware(persistence: services.persistence, clock: services.config.clock, publicURL: services.config.publicURL))
    OperationsController(services: services).register(on: router)
    AuthController(services: services).register(on: router)
    TenantController(services: services).register(on: router)
    UserController(services: services).register(on: router)
    TrunkController(services: services).register(on: router)
    DIDController(services: services).register(on: router)
    ExtensionController(services: services).register(on: router)
    GrantController(services: services).register(on: router)
    ForwardRuleController(services: services).register(on: router)
    DialplanController(services: services).register(on: router)
    ScheduleController(services: services).register(on: router)
    DashboardController(services: services).register(on: router)
    RuleController(services: services).register(on: router)
    SimulateController(services: services).register(on: router)
    RuleOrderController(services: services).register(on: router)
    CallController(services: services).register(on: router)
    MeController(services: services).register(on: router)
    ClickToCallController(services: services).register(on: router)
    RecentsController(services: services).register(on: router)
    SoftphoneController(services: services).register(on: router)
    AdminConsoleController().register(on: router)
    WebhookController(services: services).register(on: router)
    SIPInboundController(services: services, dispatcher: services.dispatcher).register(on: router)
    Announcements.register(on: router)
    GreetingMedia(services: services).register(on: router)
    VoicemailController(services: services).register(on: router)
    GreetingController(services: services).register(on: router)
    return router
}

/// On a fresh database, tell the operator exactly how to create the first admin.
private func announceFirstAdmin(_ services: AppServices) async throws {
    if try await UserModel.query(on: services.db).count() == 0 {
        services.logger.notice(
            """
            No users yet. Create the first platform admin with:
              scaidial create-admin --email admin@example.com --password '<a password of 8+ characters>'
            (with the same SCAIDIAL_DATABASE_URL), then sign in with POST /v1/auth/login.
            """)
    }
}
