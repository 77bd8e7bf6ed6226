import AsyncHTTPClient
import Foundation
import LiveKit
import NIOCore

/// Webhooks as livekit-server sends them (livekit/livekit `pkg/telemetry/events.go`,
/// livekit/protocol `webhook/resource_url_notifier.go`, `webhook/consts.go`):
///
/// - the body is the protojson of `WebhookEvent` in lowerCamelCase with zero values left out
///   (`ProtoJSON.encode(keys: .camelCase)`), an `EV_` id and `createdAt` in unix seconds;
/// - `Authorization` is a bare JWT of the API key whose `sha256` claim is the body's hash
///   (`WebhookSigner`), `Content-Type: application/webhook+json`;
/// - `participant_joined` carries the whole participant (it is sent when the participant becomes
///   ACTIVE), `track_published` only its sid and identity, `participant_left` the participant with
///   its disconnect reason; nothing is sent when a participant's attributes change;
/// - the events of one room are delivered in order, one after the other; egress and ingress events
///   come from queues of their own and can overtake the room's.
extension FakeLiveKit {
    /// Delivers a signed body somewhere: an HTTP POST, or straight into a test's router.
    public typealias Delivery = @Sendable (_ body: [UInt8], _ authorization: String) async -> Void

    /// Sends this fake's webhooks to `url` (as `webhook.urls` in livekit-server's configuration).
    public func deliverWebhooks(to url: String) {
        deliverWebhooks { body, authorization in
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/webhook+json")
            request.headers.add(name: "Authorization", value: authorization)
            request.headers.add(name: "User-Agent", value: "LiveKit")
            request.body = .bytes(ByteBuffer(bytes: body))
            _ = try? await HTTPClient.shared.execute(request, timeout: .seconds(10))
        }
    }

    /// Sends this fake's webhooks through `deliver`.
    public func deliverWebhooks(_ deliver: @escaping Delivery) {
        delivery = deliver
        drain(.room)
        drain(.media)
    }

    /// Waits until every webhook queued so far (and those their delivery caused) was delivered.
    public func flush() async {
        while let task = roomDrain ?? mediaDrain {
            await task.value
        }
    }

    /// The events this fake sent (or would have sent, without a delivery), in the order they were queued.
    public var sentEvents: [WebhookEvent] { sent }

    /// Those events as they go over the wire: the body and its `Authorization` header.
    public func signedWebhooks() throws -> [(body: String, authorization: String)] {
        let signer = WebhookSigner(apiKey: apiKey, apiSecret: apiSecret)
        return try sent.map { event in
            let body = try ProtoJSON.encode(event, keys: .camelCase)
            return (String(decoding: body, as: UTF8.self), try signer.authorization(for: Array(body)))
        }
    }

    enum Queue { case room, media }

    /// Queues an event of a room (or participant, or track).
    func emit(_ event: String, room name: String, participant: ParticipantInfo? = nil, track: TrackInfo? = nil) {
        let room = rooms.first { $0.name == name } ?? Room(sid: Self.newID("RM_"), name: name)
        enqueue(WebhookEvent(event: event, room: room, participant: participant, track: track), on: .room)
    }

    /// Queues an egress or ingress event (their own queues, not the room's).
    func emit(_ event: String, egress: EgressInfo? = nil, ingress: IngressInfo? = nil) {
        enqueue(WebhookEvent(event: event, egressInfo: egress, ingressInfo: ingress), on: .media)
    }

    private func enqueue(_ event: WebhookEvent, on queue: Queue) {
        var event = event
        event.id = Self.newID("EV_")
        event.createdAt = Self.nowSeconds
        sent.append(event)
        switch queue {
        case .room: roomQueue.append(event)
        case .media: mediaQueue.append(event)
        }
        drain(queue)
    }

    /// Delivers a queue's events one at a time, in order, until it is empty.
    private func drain(_ queue: Queue) {
        guard let delivery else { return }
        switch queue {
        case .room:
            guard roomDrain == nil else { return }
            roomDrain = Task { await self.deliverAll(.room, delivery) }
        case .media:
            guard mediaDrain == nil else { return }
            mediaDrain = Task { await self.deliverAll(.media, delivery) }
        }
    }

    private func deliverAll(_ queue: Queue, _ delivery: Delivery) async {
        while let event = next(queue) {
            guard let body = try? ProtoJSON.encode(event, keys: .camelCase),
                let authorization = try? WebhookSigner(apiKey: apiKey, apiSecret: apiSecret).authorization(for: Array(body))
            else { continue }
            await delivery(Array(body), authorization)
        }
        switch queue {
        case .room: roomDrain = nil
        case .media: mediaDrain = nil
        }
        // Something queued after the last look, while this drain was finishing.
        if !(queue == .room ? roomQueue : mediaQueue).isEmpty { drain(queue) }
    }

    private func next(_ queue: Queue) -> WebhookEvent? {
        switch queue {
        case .room: roomQueue.isEmpty ? nil : roomQueue.removeFirst()
        case .media: mediaQueue.isEmpty ? nil : mediaQueue.removeFirst()
        }
    }
}
