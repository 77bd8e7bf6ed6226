import FluentKit
import Foundation
import Hummingbird

/// `GET /media/greetings/{extension_id}?exp=…&sig=…`: the greeting LiveKit Ingress plays into a
/// voicemail call: the extension's own, else the built-in one. No session: the signed,
/// short-lived link is the permission.
struct GreetingMedia {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get("/media/greetings/{extension_id}", use: greeting)
    }

    @Sendable func greeting(_ request: Request, context: AppRequestContext) async throws -> Response {
        let links = MediaLinks(secretKey: services.config.secretKey, publicURL: services.config.publicURL)
        let query = request.uri.queryParameters
        guard
            links.verify(
                request.uri.path, exp: query["exp"].map(String.init), sig: query["sig"].map(String.init), now: services.config.clock.now)
        else {
            throw Problem.forbidden("this media link is not valid or has expired")
        }
        guard let id = context.parameters.get("extension_id").flatMap(UUID.init(uuidString:)),
            let ext = try await ExtensionModel.find(id, on: services.db)
        else { throw Problem.notFound("extension") }
        // The box's own greeting when it has one (and it is still there), else the built-in one.
        if let key = ext.greetingKey, try await services.storage.head(key) != nil {
            return try await MediaResponse.stream(key, from: services.storage, request: request, download: "greeting")
        }
        return Response(
            status: .ok, headers: [.contentType: "audio/wav", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: DefaultGreeting.wav)))
    }
}
