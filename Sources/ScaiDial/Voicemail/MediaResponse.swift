import Foundation
import Hummingbird

/// Audio answers with HTTP Range support (RFC 9110 §14): `bytes=a-b`, `bytes=a-` and `bytes=-n`;
/// one range per request (a multi-range ask gets the whole object, which RFC 9110 allows).
/// `ByteRange` reads and resolves the header without ever trapping.
enum MediaResponse {
    /// Streams `key` from `storage`: 200, 206 with `Content-Range`, 416 when the range misses, 404 when absent.
    static func stream(_ key: String, from storage: any ObjectStorage, request: Request, download name: String) async throws -> Response {
        guard let info = try await storage.head(key) else { throw Problem.notFound("audio") }
        var headers: HTTPFields = [
            .contentType: info.contentType, .acceptRanges: "bytes", .cacheControl: "private, no-store",
            .contentDisposition: "inline; filename=\"\(name)\"",
        ]
        var range: ClosedRange<Int>?
        switch ByteRange.parse(request.headers[.range])?.resolve(size: info.size) ?? .whole {
        case .whole: range = nil
        case .part(let part): range = part
        case .unsatisfiable: return unsatisfiable(size: info.size, headers: headers)
        }
        let object: StoredObject?
        do {
            object = try await storage.get(key, range: range)
        } catch StorageError.rangeNotSatisfiable(let size) {
            // The object shrank between the look and the read.
            return unsatisfiable(size: size, headers: headers)
        }
        guard let object else { throw Problem.notFound("audio") }
        if let served = object.range {
            headers[.contentRange] = "bytes \(served.lowerBound)-\(served.upperBound)/\(object.info.size)"
            return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: object.body))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: object.body))
    }

    private static func unsatisfiable(size: Int, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentRange] = "bytes */\(size)"
        return Response(status: .rangeNotSatisfiable, headers: headers)
    }
}
