import Foundation

/// The SIP transport of a trunk (`livekit.SIPTransport`).
public struct SIPTransport: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .auto }
    public static let auto = Self(rawValue: "SIP_TRANSPORT_AUTO")
    public static let udp = Self(rawValue: "SIP_TRANSPORT_UDP")
    public static let tcp = Self(rawValue: "SIP_TRANSPORT_TCP")
    public static let tls = Self(rawValue: "SIP_TRANSPORT_TLS")
}

/// Which SIP headers become participant attributes (`livekit.SIPHeaderOptions`).
public struct SIPHeaderOptions: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .none }
    public static let none = Self(rawValue: "SIP_NO_HEADERS")
    public static let xHeaders = Self(rawValue: "SIP_X_HEADERS")
    public static let all = Self(rawValue: "SIP_ALL_HEADERS")
}

/// SRTP policy (`livekit.SIPMediaEncryption`).
public struct SIPMediaEncryption: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .disable }
    public static let disable = Self(rawValue: "SIP_MEDIA_ENCRYPT_DISABLE")
    public static let allow = Self(rawValue: "SIP_MEDIA_ENCRYPT_ALLOW")
    public static let require = Self(rawValue: "SIP_MEDIA_ENCRYPT_REQUIRE")
}

/// State of a transfer (`livekit.SIPTransferStatus`).
public struct SIPTransferStatus: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .ongoing }
    public static let ongoing = Self(rawValue: "STS_TRANSFER_ONGOING")
    public static let failed = Self(rawValue: "STS_TRANSFER_FAILED")
    public static let successful = Self(rawValue: "STS_TRANSFER_SUCCESSFUL")
}

/// Why a transfer ended (`livekit.SIPTransferReason`).
public struct SIPTransferReason: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .unspecified }
    public static let unspecified = Self(rawValue: "STR_UNSPECIFIED")
    public static let completed = Self(rawValue: "STR_COMPLETED")
    public static let callEnded = Self(rawValue: "STR_CALL_ENDED")
    public static let rejected = Self(rawValue: "STR_REJECTED")
    public static let ringingTimeout = Self(rawValue: "STR_RINGING_TIMEOUT")
    public static let subscriptionTerminated = Self(rawValue: "STR_SUBSCRIPTION_TERMINATED")
    public static let canceled = Self(rawValue: "STR_CANCELED")
}

/// A SIP response code by name (`livekit.SIPStatusCode`; only common ones are named here).
public struct SIPStatusCode: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .unknown }
    public static let unknown = Self(rawValue: "SIP_STATUS_UNKNOWN")
    public static let ok = Self(rawValue: "SIP_STATUS_OK")
    public static let ringing = Self(rawValue: "SIP_STATUS_RINGING")
    public static let notFound = Self(rawValue: "SIP_STATUS_NOTFOUND")
    public static let requestTimeout = Self(rawValue: "SIP_STATUS_REQUEST_TIMEOUT")
    public static let temporarilyUnavailable = Self(rawValue: "SIP_STATUS_TEMPORARILY_UNAVAILABLE")
    public static let busyHere = Self(rawValue: "SIP_STATUS_BUSY_HERE")
    public static let requestTerminated = Self(rawValue: "SIP_STATUS_REQUEST_TERMINATED")
    public static let serviceUnavailable = Self(rawValue: "SIP_STATUS_SERVICE_UNAVAILABLE")
    public static let globalDecline = Self(rawValue: "SIP_STATUS_GLOBAL_DECLINE")
}
