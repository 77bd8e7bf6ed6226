import Foundation

/// `livekit.IngressInput`.
public struct IngressInput: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .rtmp }
    public static let rtmp = Self(rawValue: "RTMP_INPUT")
    public static let whip = Self(rawValue: "WHIP_INPUT")
    public static let url = Self(rawValue: "URL_INPUT")
}

/// `livekit.IngressState.Status`.
public struct IngressStatus: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .endpointInactive }
    public static let endpointInactive = Self(rawValue: "ENDPOINT_INACTIVE")
    public static let endpointBuffering = Self(rawValue: "ENDPOINT_BUFFERING")
    public static let endpointPublishing = Self(rawValue: "ENDPOINT_PUBLISHING")
    public static let endpointError = Self(rawValue: "ENDPOINT_ERROR")
    public static let endpointComplete = Self(rawValue: "ENDPOINT_COMPLETE")
}

/// `livekit.IngressAudioEncodingPreset`.
public struct IngressAudioEncodingPreset: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .opusStereo96kbps }
    public static let opusStereo96kbps = Self(rawValue: "OPUS_STEREO_96KBPS")
    public static let opusMono64kbs = Self(rawValue: "OPUS_MONO_64KBS")
}

/// `livekit.AudioCodec`.
public struct AudioCodec: ProtoEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var zero: Self { .defaultAC }
    public static let defaultAC = Self(rawValue: "DEFAULT_AC")
    public static let opus = Self(rawValue: "OPUS")
    public static let aac = Self(rawValue: "AAC")
    public static let mp3 = Self(rawValue: "AC_MP3")
}
