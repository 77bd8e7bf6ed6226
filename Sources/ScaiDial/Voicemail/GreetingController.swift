import FluentKit
import Foundation
import Hummingbird
import NIOCore

/// `PUT|GET|DELETE /v1/tenants/{t}/extensions/{id}/greeting`: the box's own greeting. The upload
/// is the raw audio (WAV, MP3 or OGG, told by its content, at most 5 MB); without one, callers
/// hear the built-in greeting.
struct GreetingController {
    let services: AppServices
    static let maxBytes = 5 * 1024 * 1024

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.put("/extensions/:extension_id/greeting", use: upload)
        admin.get("/extensions/:extension_id/greeting", use: listen)
        admin.delete("/extensions/:extension_id/greeting", use: remove)
    }

    static func key(_ ext: ExtensionModel, _ format: AudioFormat) throws -> String {
        try "greetings/\(ext.tenantID.uuidString.lowercased())/\(ext.requireID().uuidString.lowercased()).\(format.rawValue)"
    }

    @Sendable func upload(_ request: Request, context: TenantAdminContext) async throws -> ExtensionDTO {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBytes)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, "a greeting may be at most 5 MB; shorten or compress it (MP3 or OGG)")
        }
        guard body.readableBytes > 0 else { throw Problem.badRequest("send the greeting's audio as the request body") }
        guard let format = AudioFormat.sniff(body.readableBytesView) else {
            throw Problem(.unsupportedMediaType, "the greeting must be WAV, MP3 or OGG audio; this file is none of them")
        }
        let key = try Self.key(ext, format)
        let old = ext.greetingKey
        try await services.storage.put(key, body, contentType: format.contentType)
        ext.greetingKey = key
        ext.greetingContentType = format.contentType
        try await ext.update(on: db)
        if let old, old != key { try? await services.storage.delete(old) }
        return try ExtensionDTO(ext)
    }

    @Sendable func listen(_ request: Request, context: TenantAdminContext) async throws -> Response {
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, services.db)
        guard let key = ext.greetingKey else { throw Problem.notFound("greeting (this extension uses the built-in one)") }
        return try await MediaResponse.stream(key, from: services.storage, request: request, download: "greeting-\(ext.number)")
    }

    @Sendable func remove(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let scope = context.scope
        let ext = try await ExtensionController.find(context, scope, db)
        guard let key = ext.greetingKey else { return .noContent }
        ext.greetingKey = nil
        ext.greetingContentType = nil
        try await ext.update(on: db)
        try await services.storage.delete(key)
        return .noContent
    }
}
