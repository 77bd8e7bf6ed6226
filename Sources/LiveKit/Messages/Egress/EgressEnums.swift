import Foundation

/// `livekit.EgressStatus`.
public struct EgressStatus: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .starting }
    public static let starting = Self(rawValue: "EGRESS_STARTING")
    public static let active = Self(rawValue: "EGRESS_ACTIVE")
    public static let ending = Self(rawValue: "EGRESS_ENDING")
    public static let complete = Self(rawValue: "EGRESS_COMPLETE")
    public static let failed = Self(rawValue: "EGRESS_FAILED")
    public static let aborted = Self(rawValue: "EGRESS_ABORTED")
    public static let limitReached = Self(rawValue: "EGRESS_LIMIT_REACHED")
}

/// `livekit.EgressSourceType`.
public struct EgressSourceType: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .web }
    public static let web = Self(rawValue: "EGRESS_SOURCE_TYPE_WEB")
    public static let sdk = Self(rawValue: "EGRESS_SOURCE_TYPE_SDK")
}

/// `livekit.EncodedFileType`.
public struct EncodedFileType: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .defaultFiletype }
    public static let defaultFiletype = Self(rawValue: "DEFAULT_FILETYPE")
    public static let mp4 = Self(rawValue: "MP4")
    public static let ogg = Self(rawValue: "OGG")
    public static let mp3 = Self(rawValue: "MP3")
}

/// `livekit.EncodingOptionsPreset`.
public struct EncodingOptionsPreset: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .h264_720p30 }
    public static let h264_720p30 = Self(rawValue: "H264_720P_30")
    public static let h264_720p60 = Self(rawValue: "H264_720P_60")
    public static let h264_1080p30 = Self(rawValue: "H264_1080P_30")
    public static let h264_1080p60 = Self(rawValue: "H264_1080P_60")
}
