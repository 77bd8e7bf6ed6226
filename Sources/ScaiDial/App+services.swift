import FluentKit
import Foundation
import LiveKit
import Logging

/// What every controller needs, built once by `buildApplication`.
struct AppServices: Sendable {
    let config: AppConfig
    let persistence: Persistence
    let hasher: PasswordHasher
    /// Failed sign-ins per client address and per account (429 before any hashing).
    let signIns: SignInLimiter
    let secrets: SecretBox
    let metrics: MetricsRegistry
    let logger: Logger
    /// The LiveKit server API, when `LIVEKIT_*` is configured.
    let liveKit: (any LiveKitAPI)?
    let jobs: JobWorker
    let trunkSync: TrunkSyncScheduler
    /// Where verified LiveKit webhook events go.
    let events: any LiveKitEventHandler
    /// The one inbound dispatcher behind both doors.
    let dispatcher: InboundDispatcher
    /// Users' open event streams (ringing browsers).
    let hub: EventHub
    /// The one driver of the call machine: every change to a call goes through it.
    let engine: CallEngine
    /// Dials click-to-calls in the background.
    let dialer: OutboundDialer
    /// Recordings and greetings (`SCAIDIAL_STORAGE_URL`).
    let storage: any ObjectStorage
    /// Keeps REGISTER-mode trunks registered at their carriers.
    let registrations: RegistrationService

    /// Transcribes voicemail (`SCAIDIAL_STT_URL`); nil = transcription off.
    let stt: (any SpeechToText)?

    /// Throws when `SCAIDIAL_STORAGE_URL` cannot be used (a configuration built in code; the
    /// environment's is checked at start-up).
    init(
        config: AppConfig, persistence: Persistence, logger: Logger, liveKit: (any LiveKitAPI)? = nil,
        events: (any LiveKitEventHandler)? = nil, storage: (any ObjectStorage)? = nil, stt: (any SpeechToText)? = nil
    ) throws {
        self.config = config
        self.persistence = persistence
        self.hasher = PasswordHasher(cost: UInt8(config.passwordHashCost), pool: config.hashingPool)
        self.signIns = SignInLimiter(perAddress: config.signInPerAddress, perAccount: config.signInPerAccount)
        self.secrets = SecretBox(secretKey: config.secretKey)
        let metrics = MetricsRegistry()
        self.metrics = metrics
        self.logger = logger
        let liveKit =
            liveKit
            ?? config.liveKit.map {
                LiveKitClient(
                    credentials: LiveKitCredentials(url: $0.url, apiKey: $0.apiKey, apiSecret: $0.apiSecret), timeout: config.liveKitTimeout
                )
            }
        self.liveKit = liveKit
        var handlers: [any JobHandler] = []
        if let liveKit {
            handlers.append(
                TrunkSyncHandler(
                    persistence: persistence, liveKit: liveKit, secrets: secrets, logger: logger, addresses: config.sipAddresses))
            handlers.append(TrunkDeleteHandler(liveKit: liveKit))
        }
        jobs = JobWorker(
            persistence: persistence, handlers: handlers, backoff: config.retryBackoff, logger: logger, interval: config.jobPollInterval,
            clock: config.clock, wakes: config.jobWakeups, metrics: metrics)
        trunkSync = TrunkSyncScheduler(liveKitConfigured: liveKit != nil, worker: jobs)
        registrations = RegistrationService(config: config, persistence: persistence, secrets: secrets, metrics: metrics, logger: logger)
        // Several replicas share one PostgreSQL database: their event streams are shared through it.
        let hub: EventHub
        if case .postgres(let url) = persistence.kind {
            hub = EventHub(
                shared: try SharedEvents(
                    persistence: persistence, postgresURL: url, searchPath: config.postgresSearchPath, logger: logger, clock: config.clock),
                maxStreamsPerUser: config.maxEventStreamsPerUser)
        } else {
            hub = EventHub(maxStreamsPerUser: config.maxEventStreamsPerUser)
        }
        self.hub = hub
        let storage = try storage ?? StorageFactory.make(config)
        self.storage = storage
        let stt =
            stt
            ?? config.sttURL.map {
                OpenAITranscriptionClient(baseURL: $0, model: config.sttModel ?? "", apiKey: config.sttAPIKey, timeout: config.sttTimeout)
            }
        self.stt = stt
        var runner = EffectRunner(hub: hub, persistence: persistence, logger: logger)
        // Without STT nothing is queued: opted-in tenants' messages stay `none`.
        if let stt {
            jobs.register(TranscriptionHandler(persistence: persistence, storage: storage, stt: stt, logger: logger))
            runner.messageStored = { [jobs] messageID in
                do {
                    if try await TranscriptionHandler.enqueue(messageID: messageID, now: jobs.clock.now, on: persistence.db) {
                        jobs.wake()
                    }
                } catch {
                    // The message is stored either way; a repeated webhook would not queue it again.
                    logger.error(
                        "voicemail transcription could not be queued", metadata: ["voicemail_id": "\(messageID)", "error": "\(error)"])
                }
            }
        }
        let engine = CallEngine(
            persistence: persistence,
            settings: CallSettings(
                rejoinGrace: config.rejoinGrace.timeInterval, voicemailMax: config.voicemailMaxMessage.timeInterval,
                outboundRingingTimeoutS: max(1, Int(config.outboundRingingTimeout.timeInterval))),
            clock: config.clock, directory: DirectoryLoader(hub: hub), effects: runner, jobs: jobs, metrics: metrics, logger: logger,
            raceHook: config.callRaceHook)
        self.engine = engine
        let dispatcher = InboundDispatcher(
            persistence: persistence, metrics: metrics, logger: logger, clock: config.clock,
            plans: PlanCache(pool: config.compilingPool), callerArrival: config.callerArrivalTimeout.timeInterval, engine: engine)
        self.dispatcher = dispatcher
        dialer = OutboundDialer(engine: engine, liveKit: liveKit, logger: logger)
        let refer = ReferWork(
            liveKit: liveKit, poll: config.referPollInterval, answerTimeout: config.referAnswerTimeout,
            ringingTimeout: config.referRingingTimeout)
        for kind in CallTimers.kinds {
            jobs.register(CallTimerHandler(kind: kind, engine: engine, liveKit: liveKit, refer: refer))
        }
        jobs.register(DiscardRecordingHandler(storage: storage))
        jobs.register(
            LiveKitWorkHandler(
                engine: engine, liveKit: liveKit, links: MediaLinks(secretKey: config.secretKey, publicURL: config.publicURL),
                egressOutput: { key in storage.egressOutput(for: key, fileType: .ogg) },
                announcementURL: config.publicURL + Announcements.transferPath, logger: logger))
        self.events =
            events
            ?? CallEventHandler(persistence: persistence, dispatcher: dispatcher, engine: engine, metrics: metrics, logger: logger)
    }

    var db: any Database { persistence.db }
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
