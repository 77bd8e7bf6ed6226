import Crypto
import FluentKit
import Foundation
import Hummingbird
import LiveKit

/// Where verified LiveKit events go. The call lifecycle implements this. Handlers must be
/// idempotent: a delivery is only marked applied after its handler returns, so a failure (or two
/// deliveries racing) may run a handler twice for one event.
protocol LiveKitEventHandler: Sendable {
    func handle(_ event: WebhookEvent) async throws
}

/// `POST /livekit/webhook`: LiveKit's signed events. A bad or missing signature is 401 and
/// changes nothing; a repeated event id is acknowledged (200) and not applied again.
struct WebhookController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.post("/livekit/webhook", use: receive)
    }

    struct Ack: ResponseEncodable { let status: String }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> Ack {
        guard let settings = services.config.liveKit else { throw Problem(.notFound, "LiveKit is not configured") }
        let body = try await request.body.collect(upTo: 1 << 20)
        let bytes = Array(body.readableBytesView)
        let event: WebhookEvent
        do {
            event = try WebhookReceiver(apiKey: settings.apiKey, apiSecret: settings.apiSecret)
                .receive(body: bytes, authorization: request.headers[.authorization])
        } catch .malformedBody {
            throw Problem.badRequest("the webhook body is not a LiveKit event")
        } catch {
            services.metrics.increment(
                "scaidial_livekit_webhooks_refused_total", help: "LiveKit webhooks refused, by reason", labels: [("reason", "\(error)")])
            throw Problem.unauthorized("the webhook signature does not verify (\(error))")
        }
        // LiveKit always sends an id; without one, the body itself identifies the delivery.
        let eventID = event.id ?? "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        do {
            return Ack(status: try await apply(event, id: eventID) ? "applied" : "duplicate")
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return Ack(status: "duplicate")  // the same event, delivered twice at the same moment
        }
    }

    /// Applies the event unless its id was applied before, then records the id. LiveKit calls made
    /// by handlers never run inside a database transaction (SQLite has a single connection).
    private func apply(_ event: WebhookEvent, id eventID: String) async throws -> Bool {
        let db = services.db
        if try await WebhookEventModel.query(on: db).filter(\.$eventID == eventID).count() > 0 { return false }
        try await services.events.handle(event)
        let row = WebhookEventModel()
        row.id = .v7()
        row.eventID = eventID
        row.event = event.event
        row.receivedAt = services.config.clock.now
        try await row.create(on: db)
        return true
    }
}
