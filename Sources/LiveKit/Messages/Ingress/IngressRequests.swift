import Foundation

/// `livekit.Ingress/CreateIngress` (`video` options not modelled).
public struct CreateIngressRequest: Codable, Sendable, Equatable {
    /// RTMP, WHIP or URL.
    public var inputType: IngressInput?
    /// Source URL for URL input (http, https, srt).
    public var url: String?
    /// A human name.
    public var name: String?
    /// The room it publishes into.
    public var roomName: String?
    /// Identity of its participant.
    public var participantIdentity: String?
    /// Name of its participant.
    public var participantName: String?
    /// Metadata of its participant.
    public var participantMetadata: String?
    /// Deprecated: use `enableTranscoding`.
    public var bypassTranscoding: Bool?
    /// Transcode the input.
    public var enableTranscoding: Bool?
    /// Audio encoding.
    public var audio: IngressAudioOptions?
    /// Accept input.
    public var enabled: Bool?

    /// A CreateIngressRequest; nil fields are not sent.
    public init(
        inputType: IngressInput? = nil,
        url: String? = nil,
        name: String? = nil,
        roomName: String? = nil,
        participantIdentity: String? = nil,
        participantName: String? = nil,
        participantMetadata: String? = nil,
        bypassTranscoding: Bool? = nil,
        enableTranscoding: Bool? = nil,
        audio: IngressAudioOptions? = nil,
        enabled: Bool? = nil
    ) {
        self.inputType = inputType
        self.url = url
        self.name = name
        self.roomName = roomName
        self.participantIdentity = participantIdentity
        self.participantName = participantName
        self.participantMetadata = participantMetadata
        self.bypassTranscoding = bypassTranscoding
        self.enableTranscoding = enableTranscoding
        self.audio = audio
        self.enabled = enabled
    }
}

extension CreateIngressRequest: ProtoOneofs {
    static var oneofMembers: Set<String> { ["enableTranscoding", "enabled"] }
}

/// `livekit.DeleteIngressRequest`.
public struct DeleteIngressRequest: Codable, Sendable, Equatable {
    /// The `IN_` ingress.
    public var ingressId: String?

    /// A DeleteIngressRequest; nil fields are not sent.
    public init(
        ingressId: String? = nil
    ) {
        self.ingressId = ingressId
    }
}

/// `livekit.IngressAudioOptions`.
public struct IngressAudioOptions: Codable, Sendable, Equatable {
    /// Track name.
    public var name: String?
    /// Track source.
    public var source: TrackSource?
    /// An encoding preset...
    public var preset: IngressAudioEncodingPreset?
    /// ...or explicit options.
    public var options: IngressAudioEncodingOptions?

    /// A IngressAudioOptions; nil fields are not sent.
    public init(
        name: String? = nil,
        source: TrackSource? = nil,
        preset: IngressAudioEncodingPreset? = nil,
        options: IngressAudioEncodingOptions? = nil
    ) {
        self.name = name
        self.source = source
        self.preset = preset
        self.options = options
    }
}

extension IngressAudioOptions: ProtoOneofs {
    static var oneofMembers: Set<String> { ["preset", "options"] }
}

/// `livekit.IngressAudioEncodingOptions`.
public struct IngressAudioEncodingOptions: Codable, Sendable, Equatable {
    /// Codec.
    public var audioCodec: AudioCodec?
    /// Bits per second.
    public var bitrate: UInt32?
    /// No DTX.
    public var disableDtx: Bool?
    /// Channels.
    public var channels: UInt32?

    /// A IngressAudioEncodingOptions; nil fields are not sent.
    public init(
        audioCodec: AudioCodec? = nil,
        bitrate: UInt32? = nil,
        disableDtx: Bool? = nil,
        channels: UInt32? = nil
    ) {
        self.audioCodec = audioCodec
        self.bitrate = bitrate
        self.disableDtx = disableDtx
        self.channels = channels
    }
}
