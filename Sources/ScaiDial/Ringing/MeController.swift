import AsyncAlgorithms
import FluentKit
import Foundation
import HTTPTypes
import Hummingbird
import LiveKit
import ServiceLifecycle

/// The signed-in user's own API: event stream, extensions, and answering / declining / ending calls.
struct MeController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get("/me/events", use: events)
        router.get("/me/extensions", use: extensions)
        router.post("/me/calls/:call_id/answer", use: answer)
        router.post("/me/calls/:call_id/decline", use: decline)
        router.post("/me/calls/:call_id/hangup", use: hangup)
        router.post("/me/calls/:call_id/rejoin", use: rejoin)
    }

    /// Server-sent events: `ready` at once, then `ring`, `ring_cancelled`, `call_updated`, …
    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let (id, stream) = services.hub.subscribe(user: identity.userID)
        let hub = services.hub
        let keepAlive = services.config.eventKeepAlive
        var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        // nginx would otherwise hold the events back in its buffer.
        if let buffering = HTTPField.Name("X-Accel-Buffering") { headers[buffering] = "no" }
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                defer { hub.unsubscribe(id) }
                // A comment line every 15 s keeps proxies from closing the stream and notices a
                // browser that went away (the write fails); graceful shutdown ends the stream.
                let heartbeats = AsyncTimerSequence(interval: keepAlive, clock: .continuous).map { _ in ": keep-alive\n\n" }
                for await chunk in merge(stream.map(\.wire), heartbeats).cancelOnGracefulShutdown() {
                    try await writer.write(ByteBuffer(string: chunk))
                }
                try await writer.finish(nil)
            })
    }

    @Sendable func extensions(_ request: Request, context: AppRequestContext) async throws -> Page<ExtensionDTO> {
        let identity = try context.requireIdentity()
        let db = services.db
        let ids = try await GrantModel.query(on: db).filter(\.$userID == identity.userID).all().map(\.extensionID)
        let rows = ids.isEmpty ? [] : try await ExtensionModel.query(on: db).filter(\.$id ~~ ids).sort(\.$number).all()
        return Page(items: try rows.map(ExtensionDTO.init), nextCursor: nil)
    }

    /// The first user to answer wins, atomically; everyone else gets 409 and a `ring_cancelled`.
    @Sendable func answer(_ request: Request, context: AppRequestContext) async throws -> JoinedCall {
        let (identity, call) = try await ringingCall(context)
        guard let lk = services.config.liveKit else { throw Problem.conflict("LiveKit is not configured") }
        let db = services.db
        let won = try await db.claim(call: try call.requireID(), for: identity.userID)
        guard won else { throw Problem.conflict("this call was answered elsewhere or is no longer ringing") }
        call.answeredByUserID = identity.userID
        let leg = try CallLegModel.new(call, kind: "wave", state: "dialing")
        leg.userID = identity.userID
        leg.extensionID = call.extensionID
        let participant = JoinedCall.identity(of: identity.userID)
        leg.participantIdentity = participant
        try await leg.create(on: db)
        try await services.router.cancelRing(call, reason: "answered", except: identity.userID)
        let user = try await UserModel.find(identity.userID, on: db)
        return try JoinedCall(call: call, participantIdentity: participant, name: user?.displayName, liveKit: lk)
    }

    @Sendable func decline(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let (identity, call) = try await ringingCall(context)
        services.hub.send(.make("ring_cancelled", ["call_id": try call.requireID(), "reason": "declined"]), to: [identity.userID])
        if try await RingState(db: services.db).decline(try call.requireID(), by: identity.userID),
            let ext = try await call.extensionID.asyncMap({ try await ExtensionModel.find($0, on: services.db) }) ?? nil
        {
            try await services.router.cancelRing(call, reason: "declined")
            try await services.router.noAnswer(call, ext, trigger: "busy")
        }
        return .noContent
    }

    /// A new token for a live call the user answered or placed, under the same participant identity:
    /// a reloaded page joins again within the grace period, and LiveKit lets any older session go.
    @Sendable func rejoin(_ request: Request, context: AppRequestContext) async throws -> JoinedCall {
        let identity = try context.requireIdentity()
        let call = try await ownCall(context, identity)
        guard CallState.live.contains(call.state) else { throw Problem.conflict("this call is over") }
        guard let lk = services.config.liveKit else { throw Problem.conflict("LiveKit is not configured") }
        let user = try await UserModel.find(identity.userID, on: services.db)
        return try JoinedCall(
            call: call, participantIdentity: JoinedCall.identity(of: identity.userID), name: user?.displayName, liveKit: lk)
    }

    /// Ends a call the user is in: the room is deleted and the call ends as `hangup_by_user`.
    @Sendable func hangup(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let identity = try context.requireIdentity()
        let call = try await ownCall(context, identity)
        guard CallState.live.contains(call.state) else { return .noContent }
        try await CallLifecycle(db: services.db).end(call, now: Date(), reason: "hangup_by_user")
        services.router.announce(call)
        if let liveKit = services.liveKit {
            do { try await liveKit.deleteRoom(call.roomName) } catch let error as LiveKitError where error.kind == .twirp(code: "not_found")
            {}
        }
        return .noContent
    }

    /// A call ringing an extension this user holds a grant on (else 404: not theirs to see).
    private func ringingCall(_ context: AppRequestContext) async throws -> (Identity, CallModel) {
        let identity = try context.requireIdentity()
        let db = services.db
        let id = try context.id("call_id", "call")
        guard let call = try await CallModel.find(id, on: db), identity.tenantID == call.tenantID, let ext = call.extensionID,
            try await GrantModel.query(on: db).filter(\.$extensionID == ext).filter(\.$userID == identity.userID).count() > 0
        else { throw Problem.notFound("call") }
        guard call.state == CallState.ringing.rawValue, call.answeredByUserID == nil else {
            throw Problem.conflict("this call was answered elsewhere or is no longer ringing")
        }
        return (identity, call)
    }

    private func ownCall(_ context: AppRequestContext, _ identity: Identity) async throws -> CallModel {
        let id = try context.id("call_id", "call")
        guard let call = try await CallModel.find(id, on: services.db), identity.tenantID == call.tenantID,
            call.answeredByUserID == identity.userID || call.placedByUserID == identity.userID
        else { throw Problem.notFound("call") }
        return call
    }
}
