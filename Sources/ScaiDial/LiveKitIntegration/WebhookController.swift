import Crypto
import FluentKit
import Foundation
import Hummingbird
import LiveKit

/// Where verified LiveKit events go (`CallEventHandler`). A handler records the delivery
/// (`WebhookDelivery.record`) in the same transaction as what the event changed, or alone when it
/// changed nothing: a delivery that failed half-way left nothing behind, and its retry applies it
/// whole; a delivery applied already is not applied again. Returns false for one applied before.
protocol LiveKitEventHandler: Sendable {
    func handle(_ event: WebhookEvent, delivery: WebhookDelivery) async throws -> Bool
}

/// One delivery of a LiveKit event (its id, `EV_…`).
struct WebhookDelivery: Sendable, Equatable {
    let id: String
    let event: String

    /// Records the delivery (inside the caller's transaction, when there is one). A constraint
    /// failure means it was recorded before.
    func record(at now: Date, on db: any Database) async throws {
        let row = WebhookEventModel()
        row.id = .v7()
        row.eventID = id
        row.event = event
        row.receivedAt = now
        try await row.create(on: db)
    }

    func seen(on db: any Database) async throws -> Bool {
        try await WebhookEventModel.query(on: db).filter(\.$eventID == id).count() > 0
    }

    /// Records a delivery that changed nothing; false when it was recorded before.
    func recordAlone(at now: Date, on db: any Database) async throws -> Bool {
        do {
            try await record(at: now, on: db)
            return true
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return false
        }
    }
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

    /// Applies the event unless its id was applied before; the handler records the id with what
    /// the event changed. No LiveKit call is made here: the calls' LiveKit work is left as jobs.
    private func apply(_ event: WebhookEvent, id eventID: String) async throws -> Bool {
        let delivery = WebhookDelivery(id: eventID, event: event.event)
        if try await delivery.seen(on: services.db) { return false }
        return try await services.events.handle(event, delivery: delivery)
    }
}
