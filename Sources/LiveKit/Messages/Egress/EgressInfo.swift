import Foundation

/// An egress and its results (`livekit.EgressInfo`, abridged).
public struct EgressInfo: Codable, Sendable, Equatable {
    /// The `EG_` id.
    public var egressId: String?
    /// The room's sid.
    public var roomId: String?
    /// The room.
    public var roomName: String?
    /// Web or SDK source.
    public var sourceType: EgressSourceType?
    /// Starting ... complete/failed.
    public var status: EgressStatus?
    /// Unix nanoseconds.
    public var startedAt: Int64?
    /// Unix nanoseconds.
    public var endedAt: Int64?
    /// Unix nanoseconds.
    public var updatedAt: Int64?
    /// The request, for participant egress.
    public var participant: ParticipantEgressRequest?
    /// The request, for track egress.
    public var track: TrackEgressRequest?
    /// Files written.
    public var fileResults: [FileInfo]?
    /// Why it failed.
    public var error: String?
    /// Error code.
    public var errorCode: Int32?
    /// Details.
    public var details: String?
    /// Where the manifest is.
    public var manifestLocation: String?
    /// Written to backup storage.
    public var backupStorageUsed: Bool?
    /// Retries.
    public var retryCount: Int32?

    /// A EgressInfo; nil fields are not sent.
    public init(
        egressId: String? = nil,
        roomId: String? = nil,
        roomName: String? = nil,
        sourceType: EgressSourceType? = nil,
        status: EgressStatus? = nil,
        startedAt: Int64? = nil,
        endedAt: Int64? = nil,
        updatedAt: Int64? = nil,
        participant: ParticipantEgressRequest? = nil,
        track: TrackEgressRequest? = nil,
        fileResults: [FileInfo]? = nil,
        error: String? = nil,
        errorCode: Int32? = nil,
        details: String? = nil,
        manifestLocation: String? = nil,
        backupStorageUsed: Bool? = nil,
        retryCount: Int32? = nil
    ) {
        self.egressId = egressId
        self.roomId = roomId
        self.roomName = roomName
        self.sourceType = sourceType
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.updatedAt = updatedAt
        self.participant = participant
        self.track = track
        self.fileResults = fileResults
        self.error = error
        self.errorCode = errorCode
        self.details = details
        self.manifestLocation = manifestLocation
        self.backupStorageUsed = backupStorageUsed
        self.retryCount = retryCount
    }
}

extension EgressInfo: ProtoOneofs {
    static var oneofMembers: Set<String> { ["participant", "track"] }
}

/// A file an egress wrote (`livekit.FileInfo`).
public struct FileInfo: Codable, Sendable, Equatable {
    /// File name.
    public var filename: String?
    /// Unix nanoseconds.
    public var startedAt: Int64?
    /// Unix nanoseconds.
    public var endedAt: Int64?
    /// Nanoseconds.
    public var duration: Int64?
    /// Bytes.
    public var size: Int64?
    /// URL or path.
    public var location: String?

    /// A FileInfo; nil fields are not sent.
    public init(
        filename: String? = nil,
        startedAt: Int64? = nil,
        endedAt: Int64? = nil,
        duration: Int64? = nil,
        size: Int64? = nil,
        location: String? = nil
    ) {
        self.filename = filename
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.duration = duration
        self.size = size
        self.location = location
    }
}
