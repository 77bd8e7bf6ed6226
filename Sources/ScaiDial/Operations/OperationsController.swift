import FluentKit
import Foundation
import Hummingbird
import SQLKit

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.json`: for operators and their tools; no auth.
struct OperationsController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get("/healthz") { _, _ in HealthDTO(status: "ok") }
        router.get("/readyz", use: ready)
        router.get("/metrics", use: metrics)
        router.get("/openapi.json", use: openAPI)
    }

    struct HealthDTO: ResponseEncodable { let status: String }

    /// Ready when the database answers a query.
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> HealthDTO {
        guard await services.persistence.ping() else { throw Problem(.serviceUnavailable, "the database is not reachable") }
        return HealthDTO(status: "ready")
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: services.metrics.exposition())))
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.json(serverURL: services.config.publicURL))))
    }
}
