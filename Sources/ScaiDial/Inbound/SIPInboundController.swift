import Foundation
import Hummingbird

/// The hook door, `POST /sip/inbound` (spec Appendix B): a livekit-sip build asks ScaiDial where a
/// call goes. Request and answer are the protojson forms of LiveKit's EvaluateSIPDispatchRules
/// request and response, plus ScaiDial's own `scaidial_*` fields.
struct SIPInboundController {
    let services: AppServices
    let dispatcher: InboundDispatcher

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.post("/sip/inbound", use: inbound)
    }

    /// The answer, written by hand: it is the call path's hottest response, and the general JSON
    /// encoder's key conversion cost more than the dialplan decision. Every field is always
    /// present (`null` when unset), in snake_case, as the other responses are.
    struct Answer: HandWrittenJSON {
        let result: String
        var roomName: String?
        var participantIdentity: String?
        var participantName: String?
        var participantAttributes: [String: String]?
        var sipTrunkId: String?
        /// google.protobuf.Duration in JSON: "180s".
        var ringingTimeout: String?
        var maxCallDuration: String?
        var scaidialCallId: UUID?
        var scaidialSipStatus: Int?

        var json: String {
            var w = JSONWriter()
            w.field("result", result)
            w.field("room_name", roomName)
            w.field("participant_identity", participantIdentity)
            w.field("participant_name", participantName)
            w.field("participant_metadata", String?.none)
            w.field("participant_attributes", participantAttributes)
            w.field("sip_trunk_id", sipTrunkId)
            w.field("ringing_timeout", ringingTimeout)
            w.field("max_call_duration", maxCallDuration)
            w.field("scaidial_call_id", scaidialCallId?.uuidString)
            w.field("scaidial_sip_status", scaidialSipStatus)
            return w.finish()
        }
    }

    @Sendable func inbound(_ request: Request, context: AppRequestContext) async throws -> Answer {
        try authorize(request)
        // LiveKit's body: fields ScaiDial does not read are LiveKit's business, not an error.
        let input = try await request.jsonObject(context: context, strict: false)
        let read = Self.read(input)
        try input.errors.check()
        guard let call = read else { throw Problem.invalid("call", "is required") }
        let decision = try await dispatcher.dispatch(call)
        switch decision {
        case .reject(let callID, let status, _):
            return Answer(result: "REJECT", sipTrunkId: call.liveKitTrunkID, scaidialCallId: callID, scaidialSipStatus: status)
        case .accept(let callID, let room, let identity, _, let ringing, let maxDuration):
            // A call that rings an extension is ringing already (its batch started it); its
            // `ringing` covers the longest ring chain the extension's forward rules allow.
            return Answer(
                result: "ACCEPT", roomName: room, participantIdentity: identity, participantName: "Phone \(call.from)",
                participantAttributes: ["scaidial.call_id": callID.uuidString],
                sipTrunkId: call.liveKitTrunkID, ringingTimeout: "\(ringing)s", maxCallDuration: "\(maxDuration)s",
                scaidialCallId: callID)
        }
    }

    /// `Authorization: Bearer <SCAIDIAL_SIP_INBOUND_SECRET>`, compared in constant time; unset refuses all.
    private func authorize(_ request: Request) throws {
        guard let secret = services.config.sipInboundSecret else {
            throw Problem.unauthorized("SCAIDIAL_SIP_INBOUND_SECRET is not set: /sip/inbound refuses every call")
        }
        let header = request.headers[.authorization] ?? ""
        let presented = header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)) : ""
        guard constantTimeEquals(presented, secret) else { throw Problem.unauthorized("wrong or missing shared secret") }
    }

    /// protojson accepts proto names and lowerCamelCase; so do we.
    static func read(_ input: Input) -> InboundCall? {
        func field(_ obj: Input, _ snake: String, _ camel: String, required: Bool = false) -> String? {
            if obj.has(camel) && !obj.has(snake) { return obj.string(camel, required: required, maxLength: 256) }
            return obj.string(snake, required: required, maxLength: 256)
        }
        let trunkID = field(input, "sip_trunk_id", "sipTrunkId")
        guard let call = input.object("call", required: true) else { return nil }
        let lkCallID = field(call, "lk_call_id", "lkCallId", required: true)
        let to = call.object("to", required: true).flatMap { field($0, "user", "user", required: true) }
        // A withheld caller comes as an empty or missing user.
        let from = InboundCall.clean(call.object("from").flatMap { $0.rawString("user") } ?? "")
        guard let lkCallID, let to else { return nil }
        return InboundCall(
            liveKitCallID: lkCallID, sipCallID: field(call, "sip_call_id", "sipCallId"), sourceIP: field(call, "source_ip", "sourceIp"),
            from: from, to: to, liveKitTrunkID: trunkID)
    }
}
