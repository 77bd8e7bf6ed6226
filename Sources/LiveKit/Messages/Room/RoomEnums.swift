import Foundation

/// Where a participant is in joining (`livekit.ParticipantInfo.State`).
public struct ParticipantState: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .joining }
    public static let joining = Self(rawValue: "JOINING")
    public static let joined = Self(rawValue: "JOINED")
    public static let active = Self(rawValue: "ACTIVE")
    public static let disconnected = Self(rawValue: "DISCONNECTED")
}

/// What a participant is (`livekit.ParticipantInfo.Kind`).
public struct ParticipantKind: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .standard }
    public static let standard = Self(rawValue: "STANDARD")
    public static let ingress = Self(rawValue: "INGRESS")
    public static let egress = Self(rawValue: "EGRESS")
    public static let sip = Self(rawValue: "SIP")
    public static let agent = Self(rawValue: "AGENT")
    public static let connector = Self(rawValue: "CONNECTOR")
    public static let bridge = Self(rawValue: "BRIDGE")
}

/// Why a participant left (`livekit.DisconnectReason`).
public struct DisconnectReason: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .unknown }
    public static let unknown = Self(rawValue: "UNKNOWN_REASON")
    public static let clientInitiated = Self(rawValue: "CLIENT_INITIATED")
    public static let duplicateIdentity = Self(rawValue: "DUPLICATE_IDENTITY")
    public static let serverShutdown = Self(rawValue: "SERVER_SHUTDOWN")
    public static let participantRemoved = Self(rawValue: "PARTICIPANT_REMOVED")
    public static let roomDeleted = Self(rawValue: "ROOM_DELETED")
    public static let stateMismatch = Self(rawValue: "STATE_MISMATCH")
    public static let joinFailure = Self(rawValue: "JOIN_FAILURE")
    public static let migration = Self(rawValue: "MIGRATION")
    public static let signalClose = Self(rawValue: "SIGNAL_CLOSE")
    public static let roomClosed = Self(rawValue: "ROOM_CLOSED")
    public static let userUnavailable = Self(rawValue: "USER_UNAVAILABLE")
    public static let userRejected = Self(rawValue: "USER_REJECTED")
    public static let sipTrunkFailure = Self(rawValue: "SIP_TRUNK_FAILURE")
    public static let connectionTimeout = Self(rawValue: "CONNECTION_TIMEOUT")
    public static let mediaFailure = Self(rawValue: "MEDIA_FAILURE")
}

/// `livekit.TrackType`.
public struct TrackType: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .audio }
    public static let audio = Self(rawValue: "AUDIO")
    public static let video = Self(rawValue: "VIDEO")
    public static let data = Self(rawValue: "DATA")
}

/// Where a track comes from (`livekit.TrackSource`).
public struct TrackSource: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .unknown }
    public static let unknown = Self(rawValue: "UNKNOWN")
    public static let camera = Self(rawValue: "CAMERA")
    public static let microphone = Self(rawValue: "MICROPHONE")
    public static let screenShare = Self(rawValue: "SCREEN_SHARE")
    public static let screenShareAudio = Self(rawValue: "SCREEN_SHARE_AUDIO")
}

/// When Cloud restarts an agent job (`livekit.JobRestartPolicy`).
public struct JobRestartPolicy: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .onFailure }
    public static let onFailure = Self(rawValue: "JRP_ON_FAILURE")
    public static let never = Self(rawValue: "JRP_NEVER")
}
