import Foundation
import Hummingbird
import LiveKit
import Logging
import ServiceLifecycle

/// A wire-exact fake LiveKit server for tests: a real HTTP server on 127.0.0.1 that checks what
/// livekit-server checks (POST, Twirp path, content type, the bearer token's signature and the
/// grant each RPC needs), keeps trunks, rules, rooms and participants, answers in LiveKit's shapes
/// (snake_case, unpopulated fields present, int64 as strings, Twirp error bodies), and fails on
/// request (``Fault``).
public actor FakeLiveKit {
    /// The API key tokens must be issued by.
    public let apiKey: String
    /// The secret tokens must be signed with.
    public let apiSecret: String

    /// One accepted request (its token verified and its grant sufficient).
    public struct Captured: Sendable {
        /// `SIP`, `RoomService`, `AgentDispatchService`, `Egress`, `Ingress`.
        public let service: String
        /// `CreateSIPInboundTrunk`, ...
        public let method: String
        /// The exact request body.
        public let body: Data
        /// The verified token's claims.
        public let claims: TokenClaims
        /// The bearer token itself.
        public let token: String

        /// The body decoded as `type`.
        public func decode<T: Decodable>(_ type: T.Type) throws -> T { try ProtoJSON.decode(type, from: body) }
    }

    /// Every accepted request, in order (including those answered with an injected fault).
    public private(set) var requests: [Captured] = []

    /// The accepted requests of one RPC (`"CreateSIPParticipant"`).
    public func requests(_ method: String) -> [Captured] { requests.filter { $0.method == method } }

    /// Inbound trunks, in creation order.
    public internal(set) var inboundTrunks: [SIPInboundTrunkInfo] = []
    /// Outbound trunks, in creation order.
    public internal(set) var outboundTrunks: [SIPOutboundTrunkInfo] = []
    /// Dispatch rules, in creation order.
    public internal(set) var dispatchRules: [SIPDispatchRuleInfo] = []
    /// Rooms, in creation order.
    public internal(set) var rooms: [Room] = []
    /// Participants by room name.
    public internal(set) var participants: [String: [ParticipantInfo]] = [:]
    /// Agent dispatches, in creation order.
    public internal(set) var dispatches: [AgentDispatch] = []
    /// Egresses, in start order.
    public internal(set) var egresses: [EgressInfo] = []
    /// Ingresses, in creation order.
    public internal(set) var ingresses: [IngressInfo] = []

    var faults: [String: [Fault]] = [:]
    var faultForAll: Fault?
    // Webhooks (FakeLiveKit+Webhooks).
    var delivery: Delivery?
    var sent: [WebhookEvent] = []
    var roomQueue: [WebhookEvent] = []
    var mediaQueue: [WebhookEvent] = []
    var roomDrain: Task<Void, Never>?
    var mediaDrain: Task<Void, Never>?
    // Outbound calls waiting for their far end (FakeLiveKit+Calls).
    var pendingDials: [String: PendingDial] = [:]
    var callees: [String: Callee] = [:]
    /// SIP participants this fake dialed out (never "ringing callers" to answer).
    var outboundIdentities: Set<String> = []
    private var server: (group: ServiceGroup, task: Task<Void, Never>)?

    /// A fake accepting tokens of `apiKey` signed with `apiSecret`.
    public init(apiKey: String = "APIfake", apiSecret: String = "fake-secret-0123456789abcdefghijklmnopqrstuvwxyz") {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }

    /// Starts the server on an ephemeral port of 127.0.0.1; the credentials point at it.
    public func start() async throws -> LiveKitCredentials {
        precondition(server == nil, "FakeLiveKit already started")
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "FakeLiveKit")
        logger.logLevel = .warning
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in try await self.respond(to: request) },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            try? await group.run()
            continuation.finish()
        }
        server = (group, task)
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            throw CancellationError()
        }
        return LiveKitCredentials(url: "http://127.0.0.1:\(port)", apiKey: apiKey, apiSecret: apiSecret)
    }

    /// Stops the server gracefully (requests in flight are answered first).
    public func stop() async {
        abandonDials()
        guard let server else { return }
        await server.group.triggerGracefulShutdown()
        await server.task.value
        self.server = nil
    }

    /// Makes the next `times` calls of `method` fail with `fault`.
    public func fail(_ method: String, with fault: Fault, times: Int = 1) {
        faults[method, default: []] += Array(repeating: fault, count: max(0, times))
    }

    /// Makes every RPC fail with `fault` until called again with nil.
    public func failAll(with fault: Fault?) {
        faultForAll = fault
    }

    /// The participants of `room`.
    public func participants(in room: String) -> [ParticipantInfo] { participants[room] ?? [] }

    /// Puts a participant into `room` (created if needed), as if it had joined: a missing sid,
    /// state or join time is filled in, and `participant_joined` is sent. One with the same
    /// identity is replaced (`DUPLICATE_IDENTITY` for the old one, as livekit-server does).
    public func addParticipant(room: String, _ participant: ParticipantInfo) {
        var p = participant
        p.sid = p.sid ?? Self.newID("PA_")
        p.state = p.state ?? .active
        p.joinedAt = p.joinedAt ?? Self.nowSeconds
        p.joinedAtMs = p.joinedAtMs ?? Self.nowSeconds * 1000
        ensureRoom(room)
        if let identity = p.identity, participants[room]?.contains(where: { $0.identity == identity }) == true {
            leave(room: room, identity: identity, reason: .duplicateIdentity)
        }
        participants[room, default: []].append(p)
        refreshCounts(room)
        emit("participant_joined", room: room, participant: Self.webhookShape(p))
        // livekit-sip unblocks a ringing caller when a second SIP participant joins its room
        // (livekit/sip `pkg/sip/room.go` participantJoin: "unblocking subscription - second sip
        // participant is in the room").
        if p.kind == .sip { answerRingingCallers(in: room, except: p.identity) }
    }

    /// A participant publishes an audio track: `track_published` (sid and identity only, livekit/livekit
    /// `pkg/telemetry/events.go` TrackPublished), and livekit-sip answers the ringing SIP callers of
    /// the room, which subscribe to it (livekit/sip `pkg/sip/room.go` subscribeTo; `inbound.go`
    /// waitSubscribe then sets the call `active`). No webhook says so.
    public func publishAudio(room: String, identity: String) {
        guard let index = participants[room]?.firstIndex(where: { $0.identity == identity }), var p = participants[room]?[index] else {
            return
        }
        let track = TrackInfo(sid: Self.newID("TR_"), type: .audio, name: "audio", source: .microphone, mimeType: "audio/opus")
        p.tracks = (p.tracks ?? []) + [track]
        p.isPublisher = true
        participants[room]?[index] = p
        emit("track_published", room: room, participant: ParticipantInfo(sid: p.sid, identity: p.identity), track: track)
        if answersWhenAudioArrives, p.kind != .sip { answerRingingCallers(in: room, except: identity) }
    }

    /// Like livekit-sip: a ringing inbound SIP participant is answered (`sip.callStatus` becomes
    /// `active`) when someone else in its room publishes audio or a second SIP participant joins.
    /// Tests that want to answer later themselves turn this off and call `setCallStatus`.
    public var answersWhenAudioArrives = true

    public func setAnswersWhenAudioArrives(_ value: Bool) { answersWhenAudioArrives = value }

    /// Sets a SIP participant's `sip.callStatus` (`ringing`, `active`, …) as livekit-sip would: an
    /// attribute change, which sends no webhook.
    public func setCallStatus(room: String, identity: String, _ status: String) {
        guard let index = participants[room]?.firstIndex(where: { $0.identity == identity }), var p = participants[room]?[index] else {
            return
        }
        p.attributes = (p.attributes ?? [:]).merging([SIPCallStatus.attribute: status]) { $1 }
        participants[room]?[index] = p
    }

    /// Takes a participant out of its room, as if it had hung up (`participant_left`).
    public func dropParticipant(room: String, identity: String, reason: DisconnectReason = .clientInitiated) {
        leave(room: room, identity: identity, reason: reason)
    }

    func answerRingingCallers(in room: String, except identity: String?) {
        for p in participants[room] ?? []
        where p.kind == .sip && p.identity != identity && p.attributes?[SIPCallStatus.attribute] == SIPCallStatus.ringing.rawValue
            && !outboundIdentities.contains(p.identity ?? "")
        {
            setCallStatus(room: room, identity: p.identity ?? "", SIPCallStatus.active.rawValue)
        }
    }

    /// A participant leaves: `participant_left` with its disconnect reason; its participant egress
    /// ends with it. The room stays until `departureTimeoutPasses` (livekit-server closes a room its
    /// last participant left once `departure_timeout`, 20 s by default, passed: `pkg/rtc/room.go`
    /// CloseIfEmpty).
    func leave(room: String, identity: String, reason: DisconnectReason) {
        guard let index = participants[room]?.firstIndex(where: { $0.identity == identity }), var p = participants[room]?[index] else {
            return
        }
        participants[room]?.remove(at: index)
        refreshCounts(room)
        p.state = .disconnected
        p.disconnectReason = reason
        emit("participant_left", room: room, participant: Self.webhookShape(p))
        cancelPendingDial(identity: identity, room: room)
        for egress in egresses where egress.roomName == room && egress.participant?.identity == identity && egress.isRunning {
            finishEgress(egress.egressId ?? "")
        }
    }

    /// `departure_timeout` passed since the last participant left `room`: it closes (`room_finished`).
    public func departureTimeoutPasses(room: String) {
        if participants[room]?.isEmpty ?? true, rooms.contains(where: { $0.name == room }) { closeRoom(room) }
    }

    /// The room goes: `room_finished` (livekit/livekit `pkg/telemetry/events.go` RoomEnded).
    func closeRoom(_ name: String) {
        emit("room_finished", room: name)
        rooms.removeAll { $0.name == name }
        participants[name] = nil
    }

    /// What a webhook carries of a participant: its info, without the tracks list.
    static func webhookShape(_ p: ParticipantInfo) -> ParticipantInfo {
        var shape = p
        shape.tracks = nil
        // Proto3 leaves zero values out: STANDARD is the absent kind, JOINING the absent state.
        if shape.kind == .standard { shape.kind = nil }
        return shape
    }

    func nextFault(for method: String) -> Fault? {
        if var queue = faults[method], !queue.isEmpty {
            let fault = queue.removeFirst()
            faults[method] = queue
            return fault
        }
        return faultForAll
    }

    func record(_ captured: Captured) { requests.append(captured) }
}
