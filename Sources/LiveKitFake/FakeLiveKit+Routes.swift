import Foundation
import LiveKit

extension FakeLiveKit {
    /// The RPCs this fake answers (`Service/Method`); any other path is `bad_route`.
    static let routes: Set<String> = [
        "SIP/CreateSIPInboundTrunk", "SIP/UpdateSIPInboundTrunk", "SIP/ListSIPInboundTrunk",
        "SIP/CreateSIPOutboundTrunk", "SIP/UpdateSIPOutboundTrunk", "SIP/ListSIPOutboundTrunk", "SIP/DeleteSIPTrunk",
        "SIP/CreateSIPDispatchRule", "SIP/UpdateSIPDispatchRule", "SIP/ListSIPDispatchRule", "SIP/DeleteSIPDispatchRule",
        "SIP/CreateSIPParticipant", "SIP/TransferSIPParticipant",
        "RoomService/CreateRoom", "RoomService/DeleteRoom", "RoomService/ListRooms", "RoomService/ListParticipants",
        "RoomService/GetParticipant",
        "RoomService/RemoveParticipant", "RoomService/UpdateParticipant",
        "AgentDispatchService/CreateDispatch",
        "Egress/StartParticipantEgress", "Egress/StartTrackEgress", "Egress/StopEgress",
        "Ingress/CreateIngress", "Ingress/DeleteIngress",
    ]

    func dispatch(_ route: String, _ json: ProtoJSON.Value) throws -> FakeAnswer {
        switch route {
        case "SIP/CreateSIPInboundTrunk": try createInboundTrunk(decode(json))
        case "SIP/UpdateSIPInboundTrunk": try updateInboundTrunk(decode(json))
        case "SIP/ListSIPInboundTrunk": try listInboundTrunks(decode(json))
        case "SIP/CreateSIPOutboundTrunk": try createOutboundTrunk(decode(json))
        case "SIP/UpdateSIPOutboundTrunk": try updateOutboundTrunk(decode(json))
        case "SIP/ListSIPOutboundTrunk": try listOutboundTrunks(decode(json))
        case "SIP/DeleteSIPTrunk": try deleteTrunk(decode(json))
        case "SIP/CreateSIPDispatchRule": try createDispatchRule(decode(json))
        case "SIP/UpdateSIPDispatchRule": try updateDispatchRule(decode(json))
        case "SIP/ListSIPDispatchRule": try listDispatchRules(decode(json))
        case "SIP/DeleteSIPDispatchRule": try deleteDispatchRule(decode(json))
        case "SIP/CreateSIPParticipant": try createSIPParticipant(decode(json))
        case "SIP/TransferSIPParticipant": try transferSIPParticipant(decode(json))
        case "RoomService/CreateRoom": try createRoom(decode(json))
        case "RoomService/DeleteRoom": try deleteRoom(decode(json))
        case "RoomService/ListRooms": .ok(ListRoomsAnswer(rooms: rooms))
        case "RoomService/ListParticipants": try listParticipants(decode(json))
        case "RoomService/GetParticipant": try getParticipant(decode(json))
        case "RoomService/RemoveParticipant": try removeParticipant(decode(json))
        case "RoomService/UpdateParticipant": try updateParticipant(decode(json))
        case "AgentDispatchService/CreateDispatch": try createDispatch(decode(json))
        case "Egress/StartParticipantEgress": try startParticipantEgress(decode(json))
        case "Egress/StartTrackEgress": try startTrackEgress(decode(json))
        case "Egress/StopEgress": try stopEgress(decode(json))
        case "Ingress/CreateIngress": try createIngress(decode(json))
        case "Ingress/DeleteIngress": try deleteIngress(decode(json))
        default: .twirp("bad_route", "no handler for \(route)")
        }
    }

    struct ListRoomsAnswer: Encodable {
        var rooms: [Room]?
    }

    func decode<T: Decodable>(_ json: ProtoJSON.Value) throws -> T {
        do {
            return try ProtoJSON.decode(T.self, from: json)
        } catch {
            throw FakeRefusal(code: "malformed", message: "the json request could not be decoded: \(error)")
        }
    }

    /// A LiveKit-style id: prefix and 12 random base62 characters.
    static func newID(_ prefix: String) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return prefix + String((0..<12).map { _ in alphabet.randomElement()! })
    }

    static var nowSeconds: Int64 { Int64(Date().timeIntervalSince1970) }
    static var nowNanos: Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000_000) }
    static var nowRFC3339: String { ISO8601DateFormatter().string(from: Date()) }
}

extension Optional where Wrapped == String {
    /// nil or "".
    var isBlank: Bool { self?.isEmpty ?? true }
}

extension Optional where Wrapped: Collection {
    /// nil or empty.
    var isBlank: Bool { self?.isEmpty ?? true }
}
