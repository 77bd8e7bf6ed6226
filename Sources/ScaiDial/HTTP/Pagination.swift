import FluentKit
import Foundation
import Hummingbird

/// A list answer: `{items, next_cursor}`; `next_cursor` is null on the last page.
struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    @Nullable var nextCursor: String?
}

/// `limit` (1...200, default 50) and the opaque `cursor` of a list request.
struct PageRequest: Sendable {
    let limit: Int
    @Nullable var after: UUID?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        if let raw = query["limit"] {
            guard let limit = Int(String(raw)), (1...200).contains(limit) else {
                throw Problem.invalid("limit", "must be an integer between 1 and 200")
            }
            self.limit = limit
        } else {
            self.limit = 50
        }
        if let raw = query["cursor"], !raw.isEmpty {
            guard let id = Cursor.decode(String(raw)) else { throw Problem.invalid("cursor", "is not a cursor this server issued") }
            after = id
        } else {
            after = nil
        }
    }
}

/// Cursors are the last id of a page (ids are time-ordered UUIDv7), base64url-encoded.
enum Cursor {
    static func encode(_ id: UUID) -> String {
        Data(id.uuidString.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ raw: String) -> UUID? {
        var s = raw.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).flatMap { String(data: $0, encoding: .utf8) }.flatMap(UUID.init(uuidString:))
    }
}

extension QueryBuilder where Model.IDValue == UUID {
    /// Keyset page by id: stable while rows are added, no offset scans.
    func page(_ request: PageRequest) async throws -> (items: [Model], nextCursor: String?) {
        var query = self.sort(\._$id, .ascending)
        if let after = request.after { query = query.filter(\._$id > after) }
        let rows = try await query.limit(request.limit + 1).all()
        guard rows.count > request.limit else { return (rows, nil) }
        let pageRows = Array(rows.prefix(request.limit))
        return (pageRows, pageRows.last?.id.map(Cursor.encode))
    }
}

/// Path parameters that must be UUIDs; anything else cannot name a row, so it is 404.
extension AppRequestContext {
    func id(_ name: String, _ what: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else { throw Problem.notFound(what) }
        return id
    }
}
