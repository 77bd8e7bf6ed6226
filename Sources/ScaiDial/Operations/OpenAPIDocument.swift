import Foundation

/// The OpenAPI 3.1 description of every route, served at `/openapi.json`.
///
/// Written by hand next to (not generated from) the router, so that a test comparing the two
/// catches a route added without being documented.
enum OpenAPIDocument {
    struct Operation {
        let method: String
        let path: String
        let summary: String
        let tag: String
        var request: String? = nil
        var response: String? = nil
        var status: Int = 200
        var list = false
        var auth = true
    }

    static let t = "/v1/tenants/{tenant_id}"
    /// Lists answered whole, in their natural order (a user's few extensions, the calls up now, a
    /// plan's rules in priority order): no `limit` or `cursor`, and `next_cursor` is always null.
    static let unpagedLists: Set<String> = [
        "/me/extensions", "/me/calls/active", "\(t)/calls/active", "\(t)/dialplans/{dialplan_id}/rules",
        "\(t)/users/{user_id}/extensions",
    ]
    static let operations: [Operation] =
        [
            .init(method: "GET", path: "/healthz", summary: "Liveness", tag: "operations", auth: false),
            .init(method: "GET", path: "/readyz", summary: "Readiness: the database answers", tag: "operations", auth: false),
            .init(method: "GET", path: "/metrics", summary: "Prometheus metrics", tag: "operations", auth: false),
            .init(method: "GET", path: "/openapi.json", summary: "This document", tag: "operations", auth: false),
            .init(
                method: "GET", path: "/media/transfer.wav",
                summary: "The chime a refer forward plays (through LiveKit Ingress) to answer the caller before the transfer",
                tag: "operations", auth: false),
            .init(
                method: "GET", path: "/media/greetings/{extension_id}",
                summary: "A voicemail greeting for LiveKit Ingress; only with a valid signed, short-lived link (exp, sig)",
                tag: "voicemail", auth: false),
            .init(
                method: "POST", path: "/v1/auth/login", summary: "Sign in: a session token and cookie", tag: "auth", request: "Login",
                response: "LoginResult", auth: false),
            .init(
                method: "POST", path: "/v1/auth/logout", summary: "End the current session or revoke the token used", tag: "auth",
                status: 204),
            .init(method: "GET", path: "/v1/auth/tokens", summary: "Your named API tokens", tag: "auth", response: "ApiToken", list: true),
            .init(
                method: "POST", path: "/v1/auth/tokens", summary: "Create a named API token (shown once)", tag: "auth",
                request: "ApiTokenCreate", response: "ApiToken", status: 201),
            .init(method: "DELETE", path: "/v1/auth/tokens/{token_id}", summary: "Revoke an API token", tag: "auth", status: 204),
            .init(method: "GET", path: "/me", summary: "The signed-in user and tenant", tag: "me", response: "Me"),
            .init(
                method: "PATCH", path: "/me", summary: "Set your do not disturb (not rung; unavailable for forward rules)",
                tag: "me", request: "MeUpdate", response: "Me"),
            .init(
                method: "GET", path: "/me/events",
                summary: "Server-sent events: ready, ring, ring_cancelled, call_updated, voicemail, presence",
                tag: "me"),
            .init(
                method: "GET", path: "/me/extensions", summary: "Extensions the user holds a grant on", tag: "me", response: "Extension",
                list: true),
            .init(
                method: "POST", path: "/me/calls/{call_id}/answer", summary: "Answer a ringing call (first wins; others 409)", tag: "me",
                response: "JoinedCall"),
            .init(method: "POST", path: "/me/calls/{call_id}/decline", summary: "Decline a ringing call", tag: "me", status: 204),
            .init(
                method: "POST", path: "/me/calls/{call_id}/rejoin",
                summary: "A fresh LiveKit token for a live call the user answered or placed (a reloaded page comes back to it)",
                tag: "me", response: "JoinedCall"),
            .init(
                method: "POST", path: "/me/calls/{call_id}/hangup", summary: "End a call the user is in (the room is deleted)", tag: "me",
                status: 204),
            .init(
                method: "POST", path: "/me/click-to-call",
                summary: "Place a call from one of your extensions (201 at once; the dial runs in the background and its outcome "
                    + "arrives as call_updated on /me/events)", tag: "me", request: "ClickToCall", response: "JoinedCall", status: 201),
            .init(
                method: "GET", path: "/me/calls/active", summary: "Your calls in progress (placed or answered by you)", tag: "me",
                response: "Call", list: true),
            .init(
                method: "GET", path: "/me/calls",
                summary: "Your recent calls, newest first: placed, answered, and every inbound call that rang your extensions (missed too)",
                tag: "me", response: "RecentCall", list: true),
            .init(method: "GET", path: "/my/dial", summary: "The browser softphone (HTML)", tag: "web", auth: false),
            .init(
                method: "GET", path: "/my/voicemail", summary: "The browser softphone opened on its Voicemail view (HTML)", tag: "web",
                auth: false),
            .init(
                method: "GET", path: "/my/recents", summary: "The browser softphone opened on its Recents view (HTML)", tag: "web",
                auth: false),
            .init(method: "GET", path: "/my/assets/{file}", summary: "The softphone's scripts and styles", tag: "web", auth: false),
            .init(
                method: "GET", path: "/admin", summary: "The admin console (HTML): tenant admins' phone system, platform admins' tenants",
                tag: "web", auth: false),
            .init(
                method: "GET", path: "/admin/{page}", summary: "A console view (the same page; e.g. /admin/trunks, /admin/tenants)",
                tag: "web", auth: false),
            .init(
                method: "GET", path: "/admin/{page}/{id}", summary: "A console view of one object (the same page; e.g. /admin/trunks/{id})",
                tag: "web", auth: false),
            .init(method: "GET", path: "/admin/assets/{file}", summary: "The admin console's scripts and styles", tag: "web", auth: false),
        ] + crud("/v1/tenants", "{tenant_id}", "Tenant", tag: "tenants")
        + crud("\(t)/users", "{user_id}", "User", tag: "users")
        + [
            .init(
                method: "GET", path: "\(t)/users/{user_id}/extensions", summary: "The extensions a user holds a grant on",
                tag: "users", response: "Extension", list: true)
        ]
        + crud("\(t)/trunks", "{trunk_id}", "Trunk", tag: "trunks")
        + [
            .init(
                method: "POST", path: "\(t)/trunks/{trunk_id}/sync", summary: "Sync the trunk to LiveKit now (202; 409 without LiveKit)",
                tag: "trunks", response: "Trunk", status: 202),
            .init(
                method: "POST", path: "/livekit/webhook",
                summary: "LiveKit's signed webhook events (Authorization: the raw JWT with a sha256 claim of the body)",
                tag: "livekit", response: "WebhookAck", auth: false),
        ]
        + [
            .init(
                method: "POST", path: "/sip/inbound", summary: "livekit-sip asks where a call goes (EvaluateSIPDispatchRules in protojson)",
                tag: "calls", request: "SIPInbound", response: "SIPInboundAnswer"),
            .init(
                method: "GET", path: "\(t)/calls", summary: "Call history, newest first (filters: direction, state, number, from, to)",
                tag: "calls", response: "Call", list: true),
            .init(method: "GET", path: "\(t)/calls/active", summary: "Calls in progress", tag: "calls", response: "Call", list: true),
            .init(method: "GET", path: "\(t)/calls/{call_id}", summary: "One call with its legs", tag: "calls", response: "Call"),
            .init(
                method: "GET", path: "\(t)/voicemails", summary: "Voicemail of every box, newest first (filters: extension_id, unread)",
                tag: "voicemail", response: "Voicemail", list: true),
            .init(method: "GET", path: "\(t)/voicemails/{voicemail_id}", summary: "One message", tag: "voicemail", response: "Voicemail"),
            .init(
                method: "PATCH", path: "\(t)/voicemails/{voicemail_id}", summary: "Mark read or unread", tag: "voicemail",
                request: "VoicemailUpdate", response: "Voicemail"),
            .init(
                method: "GET", path: "\(t)/voicemails/{voicemail_id}/audio",
                summary: "The recording (audio/ogg; HTTP Range for seeking: 206 with Content-Range, 416 when outside)", tag: "voicemail"),
            .init(
                method: "DELETE", path: "\(t)/voicemails/{voicemail_id}", summary: "Delete a message and its recording", tag: "voicemail",
                status: 204),
            .init(
                method: "GET", path: "/me/voicemails/{voicemail_id}/audio",
                summary: "The recording of one of your messages (HTTP Range works)",
                tag: "me"),
            .init(
                method: "DELETE", path: "/me/voicemails/{voicemail_id}", summary: "Delete one of your messages and its recording",
                tag: "me",
                status: 204),
            .init(
                method: "PUT", path: "\(t)/extensions/{extension_id}/greeting",
                summary:
                    "Upload the voicemail greeting: the raw audio as the body (WAV, MP3 or OGG by content; at most 5 MB; 415/413 otherwise)",
                tag: "extensions", response: "Extension"),
            .init(
                method: "GET", path: "\(t)/extensions/{extension_id}/greeting",
                summary: "Listen to the extension's own greeting (404: built-in)",
                tag: "extensions"),
            .init(
                method: "DELETE", path: "\(t)/extensions/{extension_id}/greeting", summary: "Back to the built-in greeting",
                tag: "extensions",
                status: 204),
            .init(
                method: "GET", path: "/me/voicemails",
                summary: "Voicemail of the boxes of your granted extensions, newest first (filters: extension_id, unread)", tag: "me",
                response: "Voicemail", list: true),
            .init(method: "GET", path: "/me/voicemails/{voicemail_id}", summary: "One of your messages", tag: "me", response: "Voicemail"),
            .init(
                method: "PATCH", path: "/me/voicemails/{voicemail_id}", summary: "Mark one of your messages read or unread", tag: "me",
                request: "VoicemailUpdate", response: "Voicemail"),
        ]
        + crud("\(t)/dids", "{did_id}", "Did", tag: "numbers")
        + crud("\(t)/extensions", "{extension_id}", "Extension", tag: "extensions")
        + [
            .init(
                method: "GET", path: "\(t)/extensions/{extension_id}/grants", summary: "Users granted this extension", tag: "extensions",
                response: "Grant", list: true),
            .init(
                method: "POST", path: "\(t)/extensions/{extension_id}/grants", summary: "Grant a user this extension", tag: "extensions",
                request: "Grant", response: "Grant", status: 201),
            .init(
                method: "DELETE", path: "\(t)/extensions/{extension_id}/grants/{user_id}", summary: "Revoke a grant", tag: "extensions",
                status: 204),
        ]
        + crud("\(t)/extensions/{extension_id}/forward-rules", "{rule_id}", "ForwardRule", tag: "extensions")
        + crud("\(t)/dialplans", "{dialplan_id}", "Dialplan", tag: "dialplans")
        + crud("\(t)/dialplans/{dialplan_id}/rules", "{rule_id}", "Rule", tag: "dialplans")
        + crud("\(t)/schedules", "{schedule_id}", "Schedule", tag: "dialplans")
        + [
            .init(
                method: "GET", path: "\(t)/dashboard",
                summary: "Today's calls (tenant's clock), missed, live, voicemail waiting, and the set-up checklist", tag: "tenants",
                response: "Dashboard")
        ]
        + [
            .init(
                method: "POST", path: "\(t)/dialplans/{dialplan_id}/simulate", summary: "Which rule a call would match, and why",
                tag: "dialplans", request: "Simulate", response: "SimulateResult"),
            .init(
                method: "POST", path: "\(t)/dialplans/{dialplan_id}/reorder",
                summary:
                    "Put the rules in a new order at once (every rule id once; the plan's priority values are handed out in this order)",
                tag: "dialplans", request: "RuleOrder", response: "Dialplan"),
        ]

    static func crud(_ base: String, _ id: String, _ schema: String, tag: String) -> [Operation] {
        [
            .init(method: "GET", path: base, summary: "List \(tag)", tag: tag, response: schema, list: true),
            .init(method: "POST", path: base, summary: "Create", tag: tag, request: schema, response: schema, status: 201),
            .init(method: "GET", path: "\(base)/\(id)", summary: "Get one", tag: tag, response: schema),
            .init(method: "PATCH", path: "\(base)/\(id)", summary: "Change some fields", tag: tag, request: schema, response: schema),
            .init(method: "DELETE", path: "\(base)/\(id)", summary: "Delete", tag: tag, status: 204),
        ]
    }

    /// The methods documented for a concrete path ("/v1/tenants/0192…/users"), in document order;
    /// empty for a path the API does not have.
    static func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var found: [String] = []
        for op in operations where !found.contains(op.method) {
            let template = op.path.split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count else { continue }
            let matches = zip(template, segments).allSatisfy { t, s in t == s || (t.hasPrefix("{") && t.hasSuffix("}") && !s.isEmpty) }
            if matches { found.append(op.method) }
        }
        return found
    }

    static func json(serverURL: String) throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            var entry: [String: Any] = ["summary": op.summary, "tags": [op.tag], "responses": responses(op)]
            let params = op.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { p -> [String: Any] in
                ["name": String(p.dropFirst().dropLast()), "in": "path", "required": true, "schema": ["type": "string"]]
            }
            var allParams = params
            if op.list && !unpagedLists.contains(op.path) {
                allParams += [
                    ["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 200, "default": 50]],
                    ["name": "cursor", "in": "query", "schema": ["type": "string"]],
                ]
            }
            if !allParams.isEmpty { entry["parameters"] = allParams }
            if let req = op.request {
                // A PATCH sends only the fields it changes: the schema's required list does not apply.
                var schema: [String: Any] = ["$ref": "#/components/schemas/\(req)"]
                if op.method == "PATCH", var inline = OpenAPISchemas.all[req] as? [String: Any] {
                    inline["required"] = nil
                    schema = inline
                }
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": schema]]]
            }
            if !op.auth { entry["security"] = [] as [Any] }
            paths[op.path, default: [:]][op.method.lowercased()] = entry
        }
        let doc: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "ScaiDial API", "version": "1.0.0",
                "description": "Multi-tenant voice platform controller. snake_case JSON; errors are RFC 9457 problem details.",
            ],
            "servers": [["url": serverURL]],
            "security": [["bearer": []], ["session": []]],
            "paths": paths,
            "components": [
                "schemas": OpenAPISchemas.all,
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer"],
                    "session": ["type": "apiKey", "in": "cookie", "name": "scaidial_session"],
                ],
            ],
        ]
        return try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    private static func responses(_ op: Operation) -> [String: Any] {
        let problem: [String: Any] = [
            "description": "Problem", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
        ]
        var r: [String: Any] = ["default": problem]
        if let schema = op.response {
            let item: [String: Any] = ["$ref": "#/components/schemas/\(schema)"]
            let body: [String: Any] =
                op.list
                ? [
                    "type": "object",
                    "properties": ["items": ["type": "array", "items": item], "next_cursor": ["type": ["string", "null"]]],
                ]
                : item
            r[String(op.status)] = ["description": "OK", "content": ["application/json": ["schema": body]]]
        } else {
            r[String(op.status)] = ["description": op.status == 204 ? "No content" : "OK"]
        }
        return r
    }
}
