import Foundation

/// Component schemas: the resource shapes of the API (spec Appendix A).
enum OpenAPISchemas {
    static func obj(_ props: [String: Any], required: [String] = []) -> [String: Any] {
        var o: [String: Any] = ["type": "object", "properties": props]
        if !required.isEmpty { o["required"] = required }
        return o
    }
    static var s: [String: Any] { ["type": "string"] }
    static var ns: [String: Any] { ["type": ["string", "null"]] }
    static var i: [String: Any] { ["type": "integer"] }
    static var ni: [String: Any] { ["type": ["integer", "null"]] }
    static var b: [String: Any] { ["type": "boolean"] }
    static var id: [String: Any] { ["type": "string", "format": "uuid", "readOnly": true] }
    static var ts: [String: Any] { ["type": ["string", "null"], "format": "date-time", "readOnly": true] }
    static var strings: [String: Any] { ["type": "array", "items": ["type": "string"]] }
    static func e(_ values: [String]) -> [String: Any] { ["type": "string", "enum": values] }

    static var all: [String: Any] {
        [
            "Problem": obj([
                "type": s, "title": s, "status": i, "detail": s,
                "code": ["type": "string", "description": "a machine word for refusals clients tell apart, e.g. destination_blocked"],
                "errors": ["type": "array", "items": obj(["field": s, "message": s])],
            ]),
            // The part of livekit-sip's EvaluateSIPDispatchRulesRequest (protojson) the door reads,
            // as it reads it: null is a field's default (protojson), the fields it does not use
            // (hosts, headers, …) are ignored whatever they hold, and so is a caller's `user` that is
            // not a string (a withheld caller).
            "SIPInbound": obj(
                [
                    "sip_trunk_id": ns,
                    "call": obj(
                        [
                            "lk_call_id": s, "sip_call_id": ns, "source_ip": ns,
                            "from": ["type": ["object", "null"], "properties": ["user": ["description": "the caller's number"]]],
                            "to": obj(["user": s], required: ["user"]),
                        ], required: ["lk_call_id", "to"]),
                ], required: ["call"]),
            "SIPInboundAnswer": obj([
                "result": e(["ACCEPT", "REJECT", "DROP"]), "room_name": ns, "participant_identity": ns, "participant_name": ns,
                "participant_metadata": ns, "participant_attributes": ["type": ["object", "null"]], "sip_trunk_id": ns,
                "ringing_timeout": ns, "max_call_duration": ns, "scaidial_call_id": ns, "scaidial_sip_status": ni,
            ]),
            "Call": obj([
                "id": id, "direction": e(["inbound", "outbound"]), "state": e(["routing", "ringing", "active", "ended", "failed"]),
                "from": s, "to": s, "did_id": ns, "trunk_id": ns, "dialplan_id": ns, "rule_id": ns, "action": ns, "room_name": s,
                "livekit_call_id": ns, "end_reason": ns, "sip_status": ni, "started_at": ts, "answered_at": ts, "ended_at": ts,
                "duration_s": ni, "placed_by_user_id": ns, "hops": i,
                "legs": [
                    "type": "array",
                    "items": obj([
                        "id": id, "kind": e(["sip", "wave", "bot", "voicemail"]),
                        "state": e(["dialing", "ringing", "answered", "ended", "failed"]), "participant_identity": ns, "user_id": ns,
                        "extension_id": ns, "destination": ns, "failure_reason": ns, "sip_status": ni, "started_at": ts,
                        "answered_at": ts, "ended_at": ts,
                    ]),
                ],
            ]),
            "RecentCall": obj([
                "id": id, "kind": e(["outgoing", "incoming", "answered_elsewhere", "voicemail", "missed", "ringing"]),
                "direction": e(["inbound", "outbound"]), "state": e(["routing", "ringing", "active", "ended", "failed"]),
                "number": s, "extension_number": ns, "extension_name": ns, "started_at": ts, "duration_s": ni,
            ]),
            "Voicemail": obj([
                "id": id, "extension_id": s, "call_id": ns, "caller": s, "duration_s": ["type": "number"], "content_type": s,
                "size_bytes": i, "transcript": ns, "transcript_state": e(["none", "pending", "done", "failed"]),
                "transcript_error": ns, "read": b,
                "created_at": ts, "audio_url": s,
            ]),
            "VoicemailUpdate": obj(["read": b], required: ["read"]),
            "JoinedCall": obj(["call_id": s, "room_name": s, "livekit_url": s, "token": s]),
            "ClickToCall": obj(
                [
                    "extension_id": ["type": "string", "format": "uuid"],
                    "destination": ["type": "string", "description": "a phone number; national numbers use the tenant's country"],
                ], required: ["extension_id", "destination"]),
            "WebhookAck": obj(["status": e(["applied", "duplicate"])]),
            "Login": obj(["email": s, "password": ["type": "string", "writeOnly": true]], required: ["email", "password"]),
            "LoginResult": obj(["token": s, "expires_at": ts, "user": ["$ref": "#/components/schemas/User"]]),
            "ApiTokenCreate": obj(["name": s, "expires_in_days": i], required: ["name"]),
            "ApiToken": obj([
                "id": id, "name": s, "token": ["type": ["string", "null"], "description": "only in the create answer"],
                "created_at": ts, "expires_at": ts, "last_used_at": ts,
            ]),
            "Me": obj([
                "user": ["$ref": "#/components/schemas/User"],
                // null for a platform admin, who belongs to no tenant.
                "tenant": ["oneOf": [["$ref": "#/components/schemas/Tenant"], ["type": "null"]]],
                // the number your click-to-calls show; null when no trunk is synced to LiveKit
                "outbound_caller_id": ns,
            ]),
            "MeUpdate": obj(["do_not_disturb": b], required: ["do_not_disturb"]),
            "Tenant": obj(
                [
                    "id": id, "name": s, "timezone": s, "country": s, "created_at": ts,
                    // the country's calling code and trunk prefix: how pages write its numbers nationally
                    "calling_code": ["type": "string", "readOnly": true], "national_prefix": ["type": "string", "readOnly": true],
                    "policy": obj([
                        "allow_international": b, "allowed_prefixes": strings, "blocked_prefixes": strings,
                        "max_concurrent_calls": i, "max_call_duration_s": i, "voicemail_transcription": b,
                        "recording_retention_days": i, "default_caller_id": ns, "forward_caller_id": e(["did", "caller"]),
                        "max_calls_per_user_per_hour": i,
                    ]),
                ], required: ["name", "country"]),
            "User": obj(
                [
                    "id": id, "tenant_id": ["type": ["string", "null"], "format": "uuid", "readOnly": true], "email": s,
                    "display_name": s, "role": e(["platform_admin", "tenant_admin", "user"]), "disabled": b,
                    "do_not_disturb": ["type": "boolean", "readOnly": true, "description": "set by the user on PATCH /me"],
                    "password": [
                        "type": "string", "writeOnly": true, "minLength": 8,
                        "description": "8 characters or more, at most 72 bytes in UTF-8, no NUL character (bcrypt's limits)",
                    ], "created_at": ts,
                ], required: ["email", "password"]),
            "Trunk": obj(
                [
                    "id": id, "name": s, "address": s, "transport": e(["udp", "tcp", "tls"]), "auth_username": ns,
                    "auth_password": ["type": ["string", "null"], "writeOnly": true], "has_password": b,
                    "inbound_auth_username": ns, "inbound_auth_password": ["type": ["string", "null"], "writeOnly": true],
                    "has_inbound_password": b, "allowed_addresses": strings, "register": b, "refer_uri": e(["sip", "tel"]),
                    "numbers": ["type": "array", "items": s, "readOnly": true],
                    "sync": obj([
                        "state": e(["not_configured", "pending", "synced", "failed"]), "error": ns, "synced_at": ts,
                        "next_retry_at": ts, "livekit_inbound_trunk_id": ns, "livekit_outbound_trunk_id": ns,
                        "livekit_dispatch_rule_id": ns,
                    ]),
                    "registration": obj([
                        "state": e(["disabled", "registering", "registered", "failed"]), "status_code": ni,
                        "error": ns, "expires_at": ts, "next_attempt_at": ts,
                    ]),
                    "created_at": ts,
                ], required: ["name", "address"]),
            "Did": obj(
                ["id": id, "number": s, "trunk_id": s, "dialplan_id": ns, "label": ns, "created_at": ts],
                required: ["number", "trunk_id"]),
            "Extension": obj(
                [
                    "id": id, "number": s, "name": s, "type": e(["wave", "bot"]), "target_ref": ns, "voicemail_enabled": b,
                    "ring_timeout_s": i, "has_greeting": ["type": "boolean", "readOnly": true], "created_at": ts,
                ], required: ["number", "name"]),
            "Grant": obj(["extension_id": id, "user_id": s, "created_at": ts], required: ["user_id"]),
            "ForwardRule": obj(
                [
                    "id": id, "extension_id": id, "trigger": e(["always", "busy", "no_answer", "unavailable"]),
                    "target_type": e(["number", "extension", "voicemail"]), "target": ns, "enabled": b,
                ], required: ["trigger", "target_type"]),
            "Rule": obj(
                [
                    "id": id, "priority": i, "name": s, "enabled": b,
                    "conditions": obj([
                        "caller": ns, "callee": ns,
                        "days": ["type": ["array", "null"], "items": e(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])],
                        "time_from": ns, "time_to": ns, "date_from": ns, "date_to": ns,
                        // a named schedule of the tenant and the side of it wanted; both or neither
                        "schedule_id": ["type": ["string", "null"], "format": "uuid"],
                        "schedule_when": ["type": ["string", "null"], "enum": ["during", "outside", "holiday", NSNull()]],
                    ]),
                    "action": obj(
                        [
                            "type": e(["ring_extension", "voicemail", "forward", "hangup"]), "extension_id": ns,
                            "target": ns, "sip_status": ni,
                            // null unless the action is a forward (bridge when a forward leaves it out).
                            "mode": ["type": ["string", "null"], "enum": ["bridge", "refer", NSNull()]],
                        ], required: ["type"]),
                ], required: ["priority", "action"]),
            "Schedule": obj(
                [
                    "id": id, "name": s, "created_at": ts,
                    // open when any window holds, and not on a holiday
                    "hours": [
                        "type": "array",
                        "items": obj(
                            [
                                "days": ["type": "array", "items": e(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])],
                                "time_from": s, "time_to": s,
                            ], required: ["days", "time_from", "time_to"]),
                    ],
                    // closed dates, both ends included; date_to defaults to date_from
                    "holidays": [
                        "type": "array",
                        "items": obj(["name": s, "date_from": s, "date_to": s], required: ["name", "date_from"]),
                    ],
                ], required: ["name"]),
            "Dashboard": obj([
                "live_calls": i, "calls_today": i, "missed_today": i, "voicemail_unread": i, "day_start": ts,
                "setup": obj(["trunk": b, "number": b, "extension": b, "user": b, "dialplan": b, "simulated": b]),
            ]),
            "Dialplan": obj(
                ["id": id, "name": s, "rules": ["type": "array", "items": ["$ref": "#/components/schemas/Rule"]], "created_at": ts],
                required: ["name"]),
            "RuleOrder": obj(
                [
                    "rule_ids": [
                        "type": "array", "items": ["type": "string", "format": "uuid"], "description": "every rule, first to run first",
                    ]
                ],
                required: ["rule_ids"]),
            "Simulate": obj(["from": ns, "to": s, "at": ["type": "string", "format": "date-time"]], required: ["to"]),
            "SimulateResult": obj([
                "rule_id": ns, "rule_name": ns, "action": ["type": ["object", "null"]], "outcome": e(["route", "reject"]),
                "sip_status": ni, "from": ns, "to": s, "at": s, "local_time": s,
                "trace": ["type": "array", "items": obj(["rule_id": s, "rule_name": s, "matched": b, "reason": s])],
            ]),
        ]
    }
}
