import Foundation

@testable import ScaiDial

/// Two tenants with one of everything, and a token for every kind of caller.
struct World: Sendable {
    struct TenantFixture: Sendable {
        let id: String
        let adminToken: String
        let userToken: String
        let userID: String
        let trunkID: String
        let didID: String
        let extensionID: String
        let forwardRuleID: String
        let dialplanID: String
        let ruleID: String
        var base: String { "/v1/tenants/\(id)" }
    }
    let rootToken: String
    let a: TenantFixture
    let b: TenantFixture

    static func build(_ api: API) async throws -> World {
        let root = try await api.login("root@platform.test", "root-password")
        let a = try await tenant(api, root, name: "Alpha", tag: "a", number: "+31201110001")
        let b = try await tenant(api, root, name: "Bravo", tag: "b", number: "+31201110002")
        return World(rootToken: root, a: a, b: b)
    }

    static func tenant(_ api: API, _ root: String, name: String, tag: String, number: String) async throws -> TenantFixture {
        func created(_ reply: Reply) throws -> String {
            guard reply.status == .created else { throw TestFailure("fixture create failed: \(reply.status) \(reply.text)") }
            return reply.id
        }
        let id = try created(
            try await api.post("/v1/tenants", token: root, ["name": name, "country": "NL", "timezone": "Europe/Amsterdam"]))
        let base = "/v1/tenants/\(id)"
        _ = try created(
            try await api.post(
                "\(base)/users", token: root, ["email": "admin@\(tag).test", "password": "admin-password", "role": "tenant_admin"]))
        let userID = try created(
            try await api.post("\(base)/users", token: root, ["email": "user@\(tag).test", "password": "user-password", "role": "user"]))
        let admin = try await api.login("admin@\(tag).test", "admin-password")
        let user = try await api.login("user@\(tag).test", "user-password")
        let trunk = try created(
            try await api.post("\(base)/trunks", token: admin, ["name": "carrier", "address": "sip.\(tag).example:5060"]))
        let ext = try created(try await api.post("\(base)/extensions", token: admin, ["number": "101", "name": "Desk"]))
        _ = try created(try await api.post("\(base)/extensions/\(ext)/grants", token: admin, ["user_id": userID]))
        let fwd = try created(
            try await api.post(
                "\(base)/extensions/\(ext)/forward-rules", token: admin,
                ["trigger": "no_answer", "target_type": "voicemail"]))
        let plan = try created(try await api.post("\(base)/dialplans", token: admin, ["name": "main"]))
        let rule = try created(
            try await api.post(
                "\(base)/dialplans/\(plan)/rules", token: admin,
                ["priority": 10, "action": ["type": "ring_extension", "extension_id": ext]]))
        let did = try created(try await api.post("\(base)/dids", token: admin, ["number": number, "trunk_id": trunk, "dialplan_id": plan]))
        return TenantFixture(
            id: id, adminToken: admin, userToken: user, userID: userID, trunkID: trunk, didID: did,
            extensionID: ext, forwardRuleID: fwd, dialplanID: plan, ruleID: rule)
    }
}
