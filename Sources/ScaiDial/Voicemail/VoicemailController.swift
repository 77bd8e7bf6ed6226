import FluentKit
import Foundation
import Hummingbird

struct VoicemailDTO: ResponseEncodable, Sendable {
    let id: UUID
    let extensionId: UUID
    @Nullable var callId: UUID?
    let caller: String
    let durationS: Double
    let contentType: String
    let sizeBytes: Int
    @Nullable var transcript: String?
    let transcriptState: TranscriptState
    /// Why the transcription failed (only with `transcript_state` `failed`).
    @Nullable var transcriptError: String?
    let read: Bool
    @Nullable var createdAt: Date?
    /// Where the audio streams from (same credentials as this answer; HTTP Range works).
    let audioUrl: String

    init(_ m: VoicemailMessageModel, base: String) throws {
        id = try m.requireID()
        extensionId = m.extensionID
        callId = m.callID
        caller = m.caller
        durationS = m.durationS
        contentType = m.contentType
        sizeBytes = m.sizeBytes
        transcript = m.transcript
        transcriptState = m.transcriptState
        transcriptError = m.transcriptError
        read = m.read
        createdAt = m.createdAt
        audioUrl = "\(base)/\(try m.requireID().uuidString)/audio"
    }
}

/// The inbox: a tenant admin sees every box of the tenant (`/v1/tenants/{t}/voicemails`); a user
/// the boxes of the extensions granted to them (`/me/voicemails`). Another user's or tenant's
/// message is 404, never 403, so ids reveal nothing.
struct VoicemailController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        let member = router.member(services.db)
        admin.get("/voicemails", use: tenantList)
        admin.get("/voicemails/:voicemail_id", use: tenantGet)
        admin.patch("/voicemails/:voicemail_id", use: tenantUpdate)
        member.get("/me/voicemails", use: myList)
        member.get("/me/voicemails/:voicemail_id", use: myGet)
        member.patch("/me/voicemails/:voicemail_id", use: myUpdate)
        admin.get("/voicemails/:voicemail_id/audio", use: tenantAudio)
        member.get("/me/voicemails/:voicemail_id/audio", use: myAudio)
        admin.delete("/voicemails/:voicemail_id", use: tenantDelete)
        member.delete("/me/voicemails/:voicemail_id", use: myDelete)
    }

    @Sendable func tenantAudio(_ request: Request, context: TenantAdminContext) async throws -> Response {
        try await audio(request, context, tenantInbox(context))
    }
    @Sendable func myAudio(_ request: Request, context: MemberContext) async throws -> Response {
        try await audio(request, context, try await myInbox(context))
    }
    @Sendable func tenantDelete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        try await delete(context, tenantInbox(context))
    }
    @Sendable func myDelete(_ request: Request, context: MemberContext) async throws -> HTTPResponse.Status {
        try await delete(context, try await myInbox(context))
    }

    private func audio(_ request: Request, _ context: some ScopedRequestContext, _ inbox: Inbox) async throws -> Response {
        let message = try await inbox.find(context, on: services.db)
        let name = "voicemail-\(message.caller.filter { $0.isNumber || $0 == "+" })-\(try message.requireID().uuidString.prefix(8)).ogg"
        return try await MediaResponse.stream(message.storageKey, from: services.storage, request: request, download: name)
    }

    /// The message and its recording go together; the recording first, so a failure leaves the
    /// message (and a retry can finish the job) rather than an orphaned recording.
    private func delete(_ context: some ScopedRequestContext, _ inbox: Inbox) async throws -> HTTPResponse.Status {
        let message = try await inbox.find(context, on: services.db)
        try await VoicemailRetention.remove(message, storage: services.storage, on: services.db)
        return .noContent
    }

    /// Whose messages a request may see: a tenant, optionally only some boxes.
    struct Inbox {
        let scope: TenantScope
        /// nil = every box of the tenant (admin); else the user's granted extensions.
        let boxes: [UUID]?
        let base: String

        func query(on db: any Database) -> QueryBuilder<VoicemailMessageModel> {
            let q = VoicemailMessageModel.scoped(scope, on: db)
            return boxes.map { q.filter(\.$extensionID ~~ $0) } ?? q
        }

        func find(_ context: some ScopedRequestContext, on db: any Database) async throws -> VoicemailMessageModel {
            let id = try context.id("voicemail_id", "voicemail")
            guard let m = try await query(on: db).filter(\.$id == id).first() else { throw Problem.notFound("voicemail") }
            return m
        }
    }

    func tenantInbox(_ context: TenantAdminContext) -> Inbox {
        let scope = context.scope
        return Inbox(scope: scope, boxes: nil, base: "/v1/tenants/\(scope.tenantID.uuidString)/voicemails")
    }

    func myInbox(_ context: MemberContext) async throws -> Inbox {
        let scope = context.scope
        let boxes = try await GrantModel.scoped(scope, on: services.db).filter(\.$userID == scope.identity.userID).all().map(\.extensionID)
        return Inbox(scope: scope, boxes: boxes, base: "/me/voicemails")
    }

    @Sendable func tenantList(_ request: Request, context: TenantAdminContext) async throws -> Page<VoicemailDTO> {
        try await list(request, tenantInbox(context))
    }
    @Sendable func myList(_ request: Request, context: MemberContext) async throws -> Page<VoicemailDTO> {
        try await list(request, try await myInbox(context))
    }
    @Sendable func tenantGet(_ request: Request, context: TenantAdminContext) async throws -> VoicemailDTO {
        let inbox = tenantInbox(context)
        return try VoicemailDTO(try await inbox.find(context, on: services.db), base: inbox.base)
    }
    @Sendable func myGet(_ request: Request, context: MemberContext) async throws -> VoicemailDTO {
        let inbox = try await myInbox(context)
        return try VoicemailDTO(try await inbox.find(context, on: services.db), base: inbox.base)
    }
    @Sendable func tenantUpdate(_ request: Request, context: TenantAdminContext) async throws -> VoicemailDTO {
        try await update(request, context, tenantInbox(context))
    }
    @Sendable func myUpdate(_ request: Request, context: MemberContext) async throws -> VoicemailDTO {
        try await update(request, context, try await myInbox(context))
    }

    /// Newest first; `extension_id` and `unread=true` narrow it.
    private func list(_ request: Request, _ inbox: Inbox) async throws -> Page<VoicemailDTO> {
        let q = request.uri.queryParameters
        let page = try PageRequest(request)
        var query = inbox.query(on: services.db)
        if let raw = q["extension_id"].map(String.init) {
            guard let ext = UUID(uuidString: raw) else { throw Problem.invalid("extension_id", "must be an extension id") }
            query = query.filter(\.$extensionID == ext)
        }
        switch q["unread"].map(String.init) {
        case nil: break
        case "true"?: query = query.filter(\.$read == false)
        case "false"?: query = query.filter(\.$read == true)
        default: throw Problem.invalid("unread", "must be true or false")
        }
        if let after = page.after { query = query.filter(\.$id < after) }
        let rows = try await query.sort(\.$id, .descending).limit(page.limit + 1).all()
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? items.last?.id.map(Cursor.encode) : nil
        return Page(items: try items.map { try VoicemailDTO($0, base: inbox.base) }, nextCursor: next)
    }

    /// `{"read": true|false}`: the only thing a message lets you change.
    private func update(_ request: Request, _ context: some ScopedRequestContext, _ inbox: Inbox) async throws -> VoicemailDTO {
        let message = try await inbox.find(context, on: services.db)
        let input = try await request.jsonObject(context: context)
        let read = input.bool("read", required: true)
        try input.errors.check()
        guard let read else { throw Problem.invalid("read", "is required") }
        message.read = read
        try await message.update(on: services.db)
        return try VoicemailDTO(message, base: inbox.base)
    }
}
