import Foundation

/// Which grant each server-API RPC needs, as the server checks it (livekit-server
/// `roomservice.go`, `sip.go`, `egress.go`, `ingress.go`, `agent_dispatch_service.go`).
/// ``LiveKitClient`` mints exactly this; the fake server enforces it.
public enum LiveKitGrants {
    /// A grant an RPC requires.
    public enum Requirement: Sendable, Equatable {
        /// `video.roomCreate`.
        case roomCreate
        /// `video.roomList`.
        case roomList
        /// `video.roomAdmin` and `video.room` == the request's room.
        case roomAdmin
        /// `video.roomRecord`.
        case roomRecord
        /// `video.ingressAdmin`.
        case ingressAdmin
        /// `sip.admin`.
        case sipAdmin
        /// `sip.call`.
        case sipCall
        /// `sip.call`, and `video.roomAdmin` with `video.room` == the request's room.
        case sipCallAndRoomAdmin

        /// Whether the requirement names a room (the token's `video.room` must equal the request's).
        public var isRoomScoped: Bool { self == .roomAdmin || self == .sipCallAndRoomAdmin }

        /// The smallest grants that satisfy this requirement for `room`.
        public func grants(room: String?) -> (video: VideoGrant?, sip: SIPGrant?) {
            switch self {
            case .roomCreate: (VideoGrant(roomCreate: true), nil)
            case .roomList: (VideoGrant(roomList: true), nil)
            case .roomAdmin: (VideoGrant(roomAdmin: true, room: room ?? ""), nil)
            case .roomRecord: (VideoGrant(roomRecord: true), nil)
            case .ingressAdmin: (VideoGrant(ingressAdmin: true), nil)
            case .sipAdmin: (nil, SIPGrant(admin: true))
            case .sipCall: (nil, SIPGrant(call: true))
            case .sipCallAndRoomAdmin: (VideoGrant(roomAdmin: true, room: room ?? ""), SIPGrant(call: true))
            }
        }

        /// Whether `claims` carry this grant for a request about `room`.
        public func isSatisfied(by claims: TokenClaims?, room: String?) -> Bool {
            let video = claims?.video
            let sip = claims?.sip
            let admin = video?.roomAdmin == true && !(video?.room ?? "").isEmpty && video?.room == room
            switch self {
            case .roomCreate: return video?.roomCreate == true
            case .roomList: return video?.roomList == true
            case .roomAdmin: return admin
            case .roomRecord: return video?.roomRecord == true
            case .ingressAdmin: return video?.ingressAdmin == true
            case .sipAdmin: return sip?.admin == true
            case .sipCall: return sip?.call == true
            case .sipCallAndRoomAdmin: return sip?.call == true && admin
            }
        }
    }

    /// The requirement of `livekit.<service>/<method>` (`service` without the `livekit.`
    /// prefix, e.g. `SIP`), or nil for an RPC this table does not know.
    public static func requirement(service: String, method: String) -> Requirement? {
        table[service]?[method]
    }

    private static let table: [String: [String: Requirement]] = [
        "RoomService": [
            "CreateRoom": .roomCreate, "DeleteRoom": .roomCreate, "ListRooms": .roomList,
            "ListParticipants": .roomAdmin, "GetParticipant": .roomAdmin, "RemoveParticipant": .roomAdmin,
            "UpdateParticipant": .roomAdmin, "MutePublishedTrack": .roomAdmin, "SendData": .roomAdmin,
            "UpdateRoomMetadata": .roomAdmin, "UpdateSubscriptions": .roomAdmin,
        ],
        "AgentDispatchService": ["CreateDispatch": .roomAdmin, "DeleteDispatch": .roomAdmin, "ListDispatch": .roomAdmin],
        "SIP": [
            "CreateSIPInboundTrunk": .sipAdmin, "CreateSIPOutboundTrunk": .sipAdmin, "UpdateSIPInboundTrunk": .sipAdmin,
            "UpdateSIPOutboundTrunk": .sipAdmin, "ListSIPInboundTrunk": .sipAdmin, "ListSIPOutboundTrunk": .sipAdmin,
            "DeleteSIPTrunk": .sipAdmin, "CreateSIPDispatchRule": .sipAdmin, "UpdateSIPDispatchRule": .sipAdmin,
            "ListSIPDispatchRule": .sipAdmin, "DeleteSIPDispatchRule": .sipAdmin,
            "CreateSIPParticipant": .sipCall, "TransferSIPParticipant": .sipCallAndRoomAdmin,
        ],
        "Egress": [
            "StartRoomCompositeEgress": .roomRecord, "StartWebEgress": .roomRecord, "StartParticipantEgress": .roomRecord,
            "StartTrackCompositeEgress": .roomRecord, "StartTrackEgress": .roomRecord, "UpdateLayout": .roomRecord,
            "UpdateStream": .roomRecord, "ListEgress": .roomRecord, "StopEgress": .roomRecord,
        ],
        "Ingress": [
            "CreateIngress": .ingressAdmin, "UpdateIngress": .ingressAdmin, "ListIngress": .ingressAdmin, "DeleteIngress": .ingressAdmin,
        ],
    ]
}
