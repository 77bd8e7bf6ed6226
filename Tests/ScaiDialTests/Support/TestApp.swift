import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

@testable import ScaiDial

/// A JSON answer as the tests read it.
struct Reply {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    var id: String { json["id"] as? String ?? "" }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The `field`s named by a validation problem.
    var errorFields: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
}

/// Talks to one running application the way API clients do.
struct API: Sendable {
    let client: any TestClientProtocol

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: Any? = nil, raw: String? = nil,
        headers extra: HTTPFields = [:], bytes: [UInt8]? = nil
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = "application/json"
        } else if let raw {
            body = ByteBuffer(string: raw)
        } else if let bytes {
            body = ByteBuffer(bytes: bytes)
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }

    func get(_ path: String, token: String?) async throws -> Reply { try await call(.get, path, token: token) }
    func post(_ path: String, token: String?, _ json: Any) async throws -> Reply { try await call(.post, path, token: token, json: json) }
    func patch(_ path: String, token: String?, _ json: Any) async throws -> Reply { try await call(.patch, path, token: token, json: json) }
    func delete(_ path: String, token: String?) async throws -> Reply { try await call(.delete, path, token: token) }

    func login(_ email: String, _ password: String) async throws -> String {
        let reply = try await post("/v1/auth/login", token: nil, ["email": email, "password": password])
        guard reply.status == .ok, let token = reply.json["token"] as? String else {
            throw TestFailure("login of \(email) failed: \(reply.status) \(reply.text)")
        }
        return token
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Builds the real application on a fresh database, seeds a platform admin, runs `body`, tears down.
func withApp(
    live: Bool = false,
    logs: LogCapture? = nil,
    configure: (inout AppConfig) -> Void = { _ in },
    _ body: @escaping @Sendable (API, TestDatabase) async throws -> Void
) async throws {
    try await withAppServices(live: live, logs: logs, configure: configure) { api, database, _ in try await body(api, database) }
}

/// The same, with the application's services at hand (the call engine, the job worker, the hub).
func withAppServices(
    live: Bool = false,
    logs: LogCapture? = nil,
    configure: (inout AppConfig) -> Void = { _ in },
    _ body: @escaping @Sendable (API, TestDatabase, AppServices) async throws -> Void
) async throws {
    let database = try await TestDatabase.make()
    var config = database.config()
    if live { config.port = 0 }  // a real server on an ephemeral port
    configure(&config)
    do {
        var logger = logs.map { capture in Logger(label: "scaidial-test") { _ in capture } } ?? Logger(label: "scaidial-test")
        logger.logLevel = logs == nil ? .warning : .debug
        let (app, services) = try await buildApplicationAndServices(config, logger: logger)
        _ = try await Admin.createPlatformAdmin(config, email: "root@platform.test", password: "root-password", displayName: "Root")
        try await app.test(live ? .live : .router) { client in try await body(API(client: client), database, services) }
    } catch {
        try? await database.drop()
        throw error
    }
    try await database.drop()
}
