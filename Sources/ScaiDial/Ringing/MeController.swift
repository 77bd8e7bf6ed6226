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
        let me = router.signedIn()
        me.get("/me/events", use: events)
        me.get("/me/extensions", use: extensions)
        me.post("/me/calls/:call_id/answer", use: answer)
        me.post("/me/calls/:call_id/decline", use: decline)
        me.post("/me/calls/:call_id/hangup", use: hangup)
        me.post("/me/calls/:call_id/rejoin", use: rejoin)
    }

    /// Server-sent events: `ready` at once, then `ring`, `ring_cancelled`, `call_updated`, …
    @Sendable func events(_ request: Request, context: SignedInContext) async throws -> Response {
        let identity = context.identity
        let (id, stream) = services.hub.subscribe(user: identity.userID, token: identity.tokenID)
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

    @Sendable func extensions(_ request: Request, context: SignedInContext) async throws -> Page<ExtensionDTO> {
        let identity = context.identity
        let rows =
            try await identity.tenantID.asyncMap {
                try await ExtensionModel.granted(to: identity.userID, tenant: $0, on: services.db)
            } ?? []
        return Page(items: try rows.map(ExtensionDTO.init), nextCursor: nil)
    }

    /// The first user to answer wins, atomically; everyone else gets 409 and a `ring_cancelled`.
    @Sendable func answer(_ request: Request, context: SignedInContext) async throws -> JoinedCall {
        let (identity, call) = try await grantedCall(context)
        guard let lk = services.config.liveKit else {
            throw Problem.conflict("calls need LiveKit, and this server has no LIVEKIT_URL configured").coded("livekit_not_configured")
        }
        let applied = try await services.engine.apply(.answer(user: identity.userID), to: try call.requireID())
        if let refusal = applied?.refusal { throw refusal.problem }
        return try JoinedCall(
            callID: try call.requireID(), roomName: call.roomName, participantIdentity: JoinedCall.identity(of: identity.userID),
            name: identity.displayName, liveKit: lk)
    }

    @Sendable func decline(_ request: Request, context: SignedInContext) async throws -> HTTPResponse.Status {
        let (identity, call) = try await grantedCall(context)
        let applied = try await services.engine.apply(.decline(user: identity.userID), to: try call.requireID())
        if let refusal = applied?.refusal { throw refusal.problem }
        return .noContent
    }

    /// A new token for a live call the user answered or placed, under the same participant identity:
    /// a reloaded page joins again within the grace period, and LiveKit lets any older session go.
    @Sendable func rejoin(_ request: Request, context: SignedInContext) async throws -> JoinedCall {
        let identity = context.identity
        let call = try await ownCall(context, identity)
        guard call.state.isLive else { throw CallRefusal.over.problem }
        guard let lk = services.config.liveKit else {
            throw Problem.conflict("calls need LiveKit, and this server has no LIVEKIT_URL configured").coded("livekit_not_configured")
        }
        return try JoinedCall(
            callID: try call.requireID(), roomName: call.roomName, participantIdentity: JoinedCall.identity(of: identity.userID),
            name: identity.displayName, liveKit: lk)
    }

    /// Ends a call the user is in: the room is deleted and the call ends as `hangup_by_user`.
    @Sendable func hangup(_ request: Request, context: SignedInContext) async throws -> HTTPResponse.Status {
        let identity = context.identity
        let call = try await ownCall(context, identity)
        try await services.engine.apply(.hangUp(user: identity.userID), to: try call.requireID())
        return .noContent
    }

    /// A call of this user's tenant ringing (or having rung) an extension this user holds a grant on
    /// (else 404: not theirs to see). Whether it still rings is the call machine's to say.
    private func grantedCall(_ context: SignedInContext) async throws -> (Identity, CallModel) {
        let identity = context.identity
        let db = services.db
        let id = try context.id("call_id", "call")
        guard let call = try await CallModel.find(id, on: db), identity.tenantID == call.tenantID, let ext = call.extensionID,
            try await GrantModel.query(on: db).filter(\.$extensionID == ext).filter(\.$userID == identity.userID).count() > 0
        else { throw Problem.notFound("call") }
        return (identity, call)
    }

    private func ownCall(_ context: SignedInContext, _ identity: Identity) async throws -> CallModel {
        let id = try context.id("call_id", "call")
        guard let call = try await CallModel.find(id, on: services.db), identity.tenantID == call.tenantID,
            call.answeredByUserID == identity.userID || call.placedByUserID == identity.userID
        else { throw Problem.notFound("call") }
        return call
    }
}
