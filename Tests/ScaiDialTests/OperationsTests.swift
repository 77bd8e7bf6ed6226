import Foundation
import Hummingbird
import Logging
import Testing

@testable import ScaiDial

@Suite("Operations: health, readiness, metrics, OpenAPI")
struct OperationsTests {
    @Test("healthz and readyz answer without credentials")
    func health() async throws {
        try await withApp { api, _ in
            let health = try await api.get("/healthz", token: nil)
            let ready = try await api.get("/readyz", token: nil)
            #expect(health.json["status"] as? String == "ok")
            #expect(ready.json["status"] as? String == "ready")
        }
    }

    @Test("the transfer chime is a playable WAV: RIFF header consistent with its PCM data, not silence")
    func transferChime() async throws {
        try await withApp { api, _ in
            let r = try await api.get("/media/transfer.wav", token: nil)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "audio/wav")
            let b = [UInt8](r.body)
            func u32(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24 }
            func u16(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
            #expect(String(decoding: b[0..<4], as: UTF8.self) == "RIFF" && String(decoding: b[8..<16], as: UTF8.self) == "WAVEfmt ")
            #expect(u32(4) == b.count - 8)
            #expect(u16(20) == 1 && u16(22) == 1 && u32(24) == 8000 && u16(34) == 16)  // PCM, mono, 8 kHz, 16 bit
            #expect(String(decoding: b[36..<40], as: UTF8.self) == "data" && u32(40) == b.count - 44)
            let seconds = Double(u32(40)) / 16000
            #expect(seconds > 1 && seconds < 5)
            let peak = stride(from: 44, to: b.count - 1, by: 2).map { abs(Int(Int16(bitPattern: UInt16(u16($0))))) }.max() ?? 0
            #expect(peak > 4000)
        }
    }

    @Test("readyz is 503 when the database is gone")
    func notReady() async throws {
        let database = try await TestDatabase.make()
        let config = database.config()
        let persistence = try Persistence(
            url: DatabaseURL.parse(config.databaseURL)!, logger: Logger(label: "t"),
            postgresSearchPath: config.postgresSearchPath, poolSize: 1)
        try await persistence.migrate()
        let router = buildRouter(try AppServices(config: config, persistence: persistence, logger: Logger(label: "t")))
        let app = Application(router: router)
        await persistence.shutdown()
        try await app.test(.router) { client in
            let reply = try await API(client: client).get("/readyz", token: nil)
            #expect(reply.status == .serviceUnavailable)
            #expect(reply.json["detail"] as? String == "the database is not reachable")
        }
        try await database.drop()
    }

    @Test("metrics count requests by method, route template and status, with latency histograms")
    func metrics() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            _ = try await api.get("\(w.a.base)/trunks", token: w.a.adminToken)
            _ = try await api.get("\(w.a.base)/trunks", token: w.a.adminToken)
            _ = try await api.get("\(w.a.base)/trunks", token: nil)
            let text = try await api.get("/metrics", token: nil).text
            #expect(text.contains("# TYPE scaidial_http_requests_total counter"))
            #expect(text.contains(#"scaidial_http_requests_total{method="GET",route="/v1/tenants/{tenant_id}/trunks",status="200"} 2"#))
            #expect(text.contains(#"scaidial_http_requests_total{method="GET",route="/v1/tenants/{tenant_id}/trunks",status="401"} 1"#))
            #expect(text.contains(#"scaidial_http_request_duration_seconds_count{method="GET",route="/v1/tenants/{tenant_id}/trunks"} 3"#))
        }
    }

    @Test("every route of the router is in /openapi.json, and every documented route exists")
    func openAPICoversRoutes() async throws {
        let database = try await TestDatabase.make()
        let config = database.config()
        let persistence = try Persistence(
            url: DatabaseURL.parse(config.databaseURL)!, logger: Logger(label: "t"),
            postgresSearchPath: config.postgresSearchPath, poolSize: 1)
        let router = buildRouter(try AppServices(config: config, persistence: persistence, logger: Logger(label: "t")))
        await persistence.shutdown()
        try await database.drop()
        let data = try OpenAPIDocument.json(serverURL: "http://localhost")
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
        let routed = Set(
            router.routes.map { route in
                let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                return "\(route.method.rawValue) /" + path.joined(separator: "/")
            })
        #expect(routed.subtracting(documented).isEmpty, "routes missing from /openapi.json: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented routes that do not exist: \(documented.subtracting(routed).sorted())")
        #expect(routed.count > 50)
    }

    @Test("/openapi.json is served, valid JSON, and names its schemas")
    func openAPIServed() async throws {
        try await withApp { api, _ in
            let reply = try await api.get("/openapi.json", token: nil)
            #expect(reply.json["openapi"] as? String == "3.1.0")
            let schemas = (reply.json["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
            for name in ["Tenant", "User", "Trunk", "Did", "Extension", "Grant", "ForwardRule", "Dialplan", "Rule", "Problem"] {
                #expect(schemas[name] != nil, "\(name)")
            }
        }
    }
}
