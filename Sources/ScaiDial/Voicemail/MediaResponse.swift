import Foundation
import Hummingbird

/// Audio answers with HTTP Range support (RFC 9110 §14): `bytes=a-b`, `bytes=a-` and `bytes=-n`;
/// one range per request (a multi-range ask gets the whole object, which RFC 9110 allows).
enum MediaResponse {
    enum Ask: Equatable {
        case whole
        case range(ClosedRange<Int>)
        case suffix(Int)
    }

    /// The Range header read; anything malformed is ignored (the whole object), as RFC 9110 says.
    static func ask(_ header: String?) -> Ask {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("bytes="),
            !header.contains(",")
        else { return .whole }
        let spec = header.dropFirst("bytes=".count)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 2 else { return .whole }
        switch (Int(parts[0]), Int(parts[1])) {
        case (let a?, let b?) where a >= 0 && b >= a: return .range(a...b)
        case (let a?, nil) where a >= 0 && parts[1].isEmpty: return .range(a...Int.max - 1)
        case (nil, let n?) where parts[0].isEmpty && n > 0: return .suffix(n)
        default: return .whole
        }
    }

    /// Streams `key` from `storage`: 200, 206 with `Content-Range`, 416 when the range misses, 404 when absent.
    static func stream(_ key: String, from storage: any ObjectStorage, request: Request, download name: String) async throws -> Response {
        guard let info = try await storage.head(key) else { throw Problem.notFound("audio") }
        var range: ClosedRange<Int>?
        switch ask(request.headers[.range]) {
        case .whole: range = nil
        case .range(let r): range = r
        case .suffix(let n): range = max(0, info.size - n)...(info.size - 1)
        }
        var headers: HTTPFields = [
            .contentType: info.contentType, .acceptRanges: "bytes", .cacheControl: "private, no-store",
            .contentDisposition: "inline; filename=\"\(name)\"",
        ]
        if let r = range, r.lowerBound >= info.size || info.size == 0 {
            headers[.contentRange] = "bytes */\(info.size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        guard let object = try await storage.get(key, range: range) else { throw Problem.notFound("audio") }
        if let served = object.range {
            headers[.contentRange] = "bytes \(served.lowerBound)-\(served.upperBound)/\(info.size)"
            return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: object.body))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: object.body))
    }
}
