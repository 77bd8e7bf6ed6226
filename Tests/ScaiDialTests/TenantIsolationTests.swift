import Foundation
import Hummingbird
import Testing

@testable import ScaiDial

/// Every tenant resource × every kind of caller: list, get, create, update, delete.
@Suite("Tenant isolation matrix")
struct TenantIsolationTests {
    enum Actor: String, CaseIterable, Sendable {
        case platformAdmin, tenantAdmin, tenantUser, otherTenantAdmin, anonymous

        func token(_ w: World) -> String? {
            switch self {
            case .platformAdmin: w.rootToken
            case .tenantAdmin: w.a.adminToken
            case .tenantUser: w.a.userToken
            case .otherTenantAdmin: w.b.adminToken
            case .anonymous: nil
            }
        }

        /// What a refused caller gets: 401 without credentials, 403 for a plain user of the
        /// tenant, 404 for another tenant (its rows do not exist for them).
        var refusal: HTTPResponse.Status? {
            switch self {
            case .platformAdmin, .tenantAdmin: nil
            case .tenantUser: .forbidden
            case .otherTenantAdmin: .notFound
            case .anonymous: .unauthorized
            }
        }
    }

    /// One resource's paths and bodies, prepared by the platform admin before the actor acts.
    struct Case {
        let collection: String
        let item: String?  // an existing row for get/patch (nil: the resource has neither)
        let victim: String  // a row the actor tries to delete
        let create: [String: Any]
        let patch: [String: Any]
    }

    enum Resource: String, CaseIterable, Sendable {
        case users, trunks, dids, extensions, grants, forwardRules, dialplans, rules

        func prepare(_ api: API, _ w: World) async throws -> Case {
            let t = w.a, root = w.rootToken, n = Int.random(in: 1000...9999)
            func make(_ path: String, _ body: [String: Any]) async throws -> String {
                let r = try await api.post(path, token: root, body)
                guard r.status == .created else { throw TestFailure("setup \(path): \(r.status) \(r.text)") }
                return r.id
            }
            switch self {
            case .users:
                let victim = try await make("\(t.base)/users", ["email": "victim\(n)@a.test", "password": "password1"])
                return Case(
                    collection: "\(t.base)/users", item: "\(t.base)/users/\(t.userID)", victim: "\(t.base)/users/\(victim)",
                    create: ["email": "new\(n)@a.test", "password": "password1"], patch: ["display_name": "Renamed"])
            case .trunks:
                let victim = try await make("\(t.base)/trunks", ["name": "victim\(n)", "address": "sip.v.example"])
                return Case(
                    collection: "\(t.base)/trunks", item: "\(t.base)/trunks/\(t.trunkID)", victim: "\(t.base)/trunks/\(victim)",
                    create: ["name": "new\(n)", "address": "198.51.100.7:5080", "transport": "tcp"], patch: ["name": "renamed\(n)"])
            case .dids:
                let victim = try await make("\(t.base)/dids", ["number": "+3120555\(n)", "trunk_id": t.trunkID])
                return Case(
                    collection: "\(t.base)/dids", item: "\(t.base)/dids/\(t.didID)", victim: "\(t.base)/dids/\(victim)",
                    create: ["number": "020 666 \(n)", "trunk_id": t.trunkID], patch: ["label": "Sales"])
            case .extensions:
                let victim = try await make("\(t.base)/extensions", ["number": "5\(n)", "name": "Victim"])
                return Case(
                    collection: "\(t.base)/extensions", item: "\(t.base)/extensions/\(t.extensionID)",
                    victim: "\(t.base)/extensions/\(victim)", create: ["number": "6\(n)", "name": "New"], patch: ["ring_timeout_s": 45])
            case .grants:
                let u1 = try await make("\(t.base)/users", ["email": "g1-\(n)@a.test", "password": "password1"])
                let u2 = try await make("\(t.base)/users", ["email": "g2-\(n)@a.test", "password": "password1"])
                let col = "\(t.base)/extensions/\(t.extensionID)/grants"
                _ = try await make(col, ["user_id": u1])
                return Case(collection: col, item: nil, victim: "\(col)/\(u1)", create: ["user_id": u2], patch: [:])
            case .forwardRules:
                let ext = try await make("\(t.base)/extensions", ["number": "7\(n)", "name": "Fwd"])
                let col = "\(t.base)/extensions/\(ext)/forward-rules"
                let victim = try await make(col, ["trigger": "busy", "target_type": "voicemail"])
                return Case(
                    collection: col, item: "\(t.base)/extensions/\(t.extensionID)/forward-rules/\(t.forwardRuleID)",
                    victim: "\(col)/\(victim)", create: ["trigger": "always", "target_type": "number", "target": "0201234567"],
                    patch: ["enabled": false])
            case .dialplans:
                let victim = try await make("\(t.base)/dialplans", ["name": "victim\(n)"])
                return Case(
                    collection: "\(t.base)/dialplans", item: "\(t.base)/dialplans/\(t.dialplanID)",
                    victim: "\(t.base)/dialplans/\(victim)", create: ["name": "new\(n)"], patch: ["name": "renamed\(n)"])
            case .rules:
                let col = "\(t.base)/dialplans/\(t.dialplanID)/rules"
                let victim = try await make(col, ["priority": n, "action": ["type": "hangup"]])
                return Case(
                    collection: col, item: "\(col)/\(t.ruleID)", victim: "\(col)/\(victim)",
                    create: ["priority": n + 1, "conditions": ["caller": "_06XXXXXXXX"], "action": ["type": "hangup", "sip_status": 486]],
                    patch: ["enabled": false])
            }
        }
    }

    @Test("each caller gets exactly its rights on every resource", arguments: Resource.allCases, Actor.allCases)
    func matrix(resource: Resource, actor: Actor) async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let c = try await resource.prepare(api, w)
            let token = actor.token(w)
            let before = try await api.get(c.collection, token: w.rootToken).items.count

            let list = try await api.get(c.collection, token: token)
            let created = try await api.post(c.collection, token: token, c.create)
            let got = try await c.item.asyncMap { try await api.get($0, token: token) }
            let patched = try await c.item.asyncMap { try await api.patch($0, token: token, c.patch) }
            let deleted = try await api.delete(c.victim, token: token)

            let after = try await api.get(c.collection, token: w.rootToken).items.count
            let victimNow = try await api.get(c.collection, token: w.rootToken).items
            if let refusal = actor.refusal {
                #expect(list.status == refusal)
                #expect(created.status == refusal)
                #expect(got == nil || got!.status == refusal)
                #expect(patched == nil || patched!.status == refusal)
                #expect(deleted.status == refusal)
                #expect(after == before, "a refused create or delete changed the rows")
                #expect(list.json["items"] == nil, "a refusal leaked a list")
                #expect(list.headers[.contentType] == "application/problem+json")
            } else {
                #expect(list.status == .ok)
                #expect(list.items.count == before)
                #expect(created.status == .created, "\(created.text)")
                #expect(got == nil || got!.status == .ok)
                #expect(patched == nil || patched!.status == .ok, "\(patched?.text ?? "")")
                #expect(deleted.status == .noContent, "\(deleted.text)")
                #expect(after == before, "one created and one deleted")
                _ = victimNow
            }
        }
    }

    @Test("another tenant's row ids are 404 even through the caller's own tenant path", arguments: Resource.allCases)
    func foreignIDs(resource: Resource) async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let c = try await resource.prepare(api, w)
            // Same resource path, but under tenant B, with tenant A's row ids.
            let swap = { (path: String) in path.replacingOccurrences(of: w.a.id, with: w.b.id) }
            let token = w.b.adminToken
            if let item = c.item {
                #expect(try await api.get(swap(item), token: token).status == .notFound)
                #expect(try await api.patch(swap(item), token: token, c.patch).status == .notFound)
            }
            #expect(try await api.delete(swap(c.victim), token: token).status == .notFound)
            // Still there for its owner.
            let ownerList = try await api.get(c.collection, token: w.a.adminToken)
            #expect(ownerList.status == .ok)
            // B's own lists never show A's rows.
            let bCollection = swap(c.collection)
            let bList = try await api.get(bCollection, token: token)
            let aIDs = Set(ownerList.items.compactMap { $0["id"] as? String })
            #expect(bList.items.allSatisfy { !aIDs.contains($0["id"] as? String ?? "-") })
        }
    }

    @Test("references to another tenant's trunk, dialplan, extension or user are refused")
    func foreignReferences() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let b = w.b, token = w.b.adminToken
            let did = try await api.post(
                "\(b.base)/dids", token: token, ["number": "+31207770000", "trunk_id": w.a.trunkID, "dialplan_id": w.a.dialplanID])
            #expect(did.status == .unprocessableContent)
            #expect(Set(did.errorFields) == ["trunk_id", "dialplan_id"])
            let rule = try await api.post(
                "\(b.base)/dialplans/\(b.dialplanID)/rules", token: token,
                ["priority": 99, "action": ["type": "ring_extension", "extension_id": w.a.extensionID]])
            #expect(rule.errorFields == ["action.extension_id"])
            let grant = try await api.post("\(b.base)/extensions/\(b.extensionID)/grants", token: token, ["user_id": w.a.userID])
            #expect(grant.errorFields == ["user_id"])
            let fwd = try await api.post(
                "\(b.base)/extensions/\(b.extensionID)/forward-rules", token: token,
                ["trigger": "busy", "target_type": "extension", "target": w.a.extensionID])
            #expect(fwd.errorFields == ["target"])
        }
    }

    @Test("tenants: platform admins see all, a tenant admin only its own, users none")
    func tenants() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            #expect(try await api.get("/v1/tenants", token: w.rootToken).items.count == 2)
            let own = try await api.get("/v1/tenants", token: w.a.adminToken)
            #expect(own.items.map { $0["id"] as? String } == [w.a.id])
            #expect(try await api.get("/v1/tenants", token: w.a.userToken).status == .forbidden)
            #expect(try await api.get("/v1/tenants", token: nil).status == .unauthorized)
            #expect(try await api.get(w.a.base, token: w.b.adminToken).status == .notFound)
            #expect(try await api.patch(w.a.base, token: w.b.adminToken, ["name": "Hijacked"]).status == .notFound)
            #expect(try await api.patch(w.a.base, token: w.a.adminToken, ["policy": ["max_call_duration_s": 900]]).status == .ok)
            // The platform's limits are the platform admin's (issue 14, item 4).
            #expect(try await api.patch(w.a.base, token: w.a.adminToken, ["policy": ["max_concurrent_calls": 3]]).status == .forbidden)
            #expect(try await api.patch(w.a.base, token: w.rootToken, ["policy": ["max_concurrent_calls": 3]]).status == .ok)
            #expect(try await api.post("/v1/tenants", token: w.a.adminToken, ["name": "X", "country": "NL"]).status == .forbidden)
            #expect(try await api.delete(w.a.base, token: w.a.adminToken).status == .forbidden)
            #expect(try await api.delete(w.a.base, token: w.rootToken).status == .noContent)
            // Everything of A went with it; B is untouched.
            #expect(try await api.get(w.a.base, token: w.rootToken).status == .notFound)
            #expect(try await api.get("\(w.b.base)/dids", token: w.b.adminToken).items.count == 1)
            #expect(
                try await api.post("/v1/auth/login", token: nil, ["email": "admin@a.test", "password": "admin-password"]).status
                    == .unauthorized)
        }
    }

    /// Every route the router has under `/v1/tenants/{tenant_id}`, not only the resources above:
    /// the route groups (`ScopedRoutes`) refuse an outsider before any handler runs, so a new
    /// tenant route is covered the day it is registered.
    @Test("every tenant route refuses the anonymous, the tenant's plain user and another tenant's admin")
    func everyTenantRouteIsScoped() async throws {
        try await withAppServices { api, _, services in
            let w = try await World.build(api)
            let routes = buildRouter(services).routes.filter { Self.path($0).hasPrefix("/v1/tenants/{tenant_id}") }
            #expect(routes.count > 40)
            for route in routes {
                let path = Self.path(route).split(separator: "/").map { part in
                    part == "{tenant_id}" ? w.a.id : part.hasPrefix("{") ? UUID().uuidString : String(part)
                }.joined(separator: "/")
                let body: Any? = [.post, .put, .patch].contains(route.method) ? [String: Any]() : nil
                let platformOnly = route.method == .delete && Self.path(route) == "/v1/tenants/{tenant_id}"
                let expectations: [(String?, HTTPResponse.Status)] = [
                    (nil, .unauthorized), (w.a.userToken, .forbidden), (w.b.adminToken, platformOnly ? .forbidden : .notFound),
                ]
                for (token, status) in expectations {
                    let reply = try await api.call(route.method, "/" + path, token: token, json: body)
                    #expect(reply.status == status, "\(route.method) \(route.path): \(reply.status) \(reply.text)")
                }
            }
        }
    }

    /// A route's path with its leading "/" (the router keeps it without).
    static func path(_ route: Router<AppRequestContext>.RouteDescription) -> String {
        "/" + route.path.description.split(separator: "/").joined(separator: "/")
    }

    @Test("the /me routes need a signed-in user, and those acting in a tenant refuse the platform admin")
    func meRoutesAreScoped() async throws {
        try await withAppServices { api, _, services in
            let w = try await World.build(api)
            let routes = buildRouter(services).routes.filter { Self.path($0) == "/me" || Self.path($0).hasPrefix("/me/") }
            #expect(routes.count > 10)
            for route in routes {
                let path = Self.path(route).split(separator: "/").map { $0.hasPrefix("{") ? UUID().uuidString : String($0) }
                let body: Any? = [.post, .put, .patch].contains(route.method) ? [String: Any]() : nil
                let reply = try await api.call(route.method, "/" + path.joined(separator: "/"), token: nil, json: body)
                #expect(reply.status == .unauthorized, "\(route.method) \(route.path): \(reply.status)")
            }
            for path in ["/me/voicemails", "/me/calls/active"] {
                let reply = try await api.get(path, token: w.rootToken)
                #expect(reply.status == .forbidden && reply.json["code"] as? String == "no_tenant", "\(path): \(reply.text)")
            }
        }
    }
}
