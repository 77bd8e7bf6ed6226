import Foundation

/// A transcoded file (`livekit.EncodedFileOutput`; only S3 storage modelled — none = the egress worker's own).
public struct EncodedFileOutput: Codable, Sendable, Equatable {
    /// MP4, OGG, MP3 or default.
    public var fileType: EncodedFileType?
    /// Path or template (`{room_name}`, `{time}`, ...).
    public var filepath: String?
    /// No manifest file.
    public var disableManifest: Bool?
    /// Upload to S3.
    public var s3: S3Upload?

    /// A EncodedFileOutput; nil fields are not sent.
    public init(
        fileType: EncodedFileType? = nil,
        filepath: String? = nil,
        disableManifest: Bool? = nil,
        s3: S3Upload? = nil
    ) {
        self.fileType = fileType
        self.filepath = filepath
        self.disableManifest = disableManifest
        self.s3 = s3
    }
}

extension EncodedFileOutput: ProtoOneofs {
    static var oneofMembers: Set<String> { ["s3"] }
}

/// A file of the track as published (`livekit.DirectFileOutput`; only S3 storage modelled).
public struct DirectFileOutput: Codable, Sendable, Equatable {
    /// Path or template.
    public var filepath: String?
    /// No manifest file.
    public var disableManifest: Bool?
    /// Upload to S3.
    public var s3: S3Upload?

    /// A DirectFileOutput; nil fields are not sent.
    public init(
        filepath: String? = nil,
        disableManifest: Bool? = nil,
        s3: S3Upload? = nil
    ) {
        self.filepath = filepath
        self.disableManifest = disableManifest
        self.s3 = s3
    }
}

extension DirectFileOutput: ProtoOneofs {
    static var oneofMembers: Set<String> { ["s3"] }
}

/// S3-compatible storage (`livekit.S3Upload`).
public struct S3Upload: Codable, Sendable, Equatable {
    /// Access key.
    public var accessKey: String?
    /// Secret key.
    public var secret: String?
    /// STS session token.
    public var sessionToken: String?
    /// Role to assume.
    public var assumeRoleArn: String?
    /// External id for the role.
    public var assumeRoleExternalId: String?
    /// Region.
    public var region: String?
    /// Endpoint (non-AWS).
    public var endpoint: String?
    /// Bucket.
    public var bucket: String?
    /// Path-style URLs.
    public var forcePathStyle: Bool?
    /// Object metadata.
    public var metadata: [String: String]?
    /// Object tags (`k=v&k2=v2`).
    public var tagging: String?
    /// Content-Disposition.
    public var contentDisposition: String?
    /// HTTP proxy.
    public var proxy: ProxyConfig?

    /// A S3Upload; nil fields are not sent.
    public init(
        accessKey: String? = nil,
        secret: String? = nil,
        sessionToken: String? = nil,
        assumeRoleArn: String? = nil,
        assumeRoleExternalId: String? = nil,
        region: String? = nil,
        endpoint: String? = nil,
        bucket: String? = nil,
        forcePathStyle: Bool? = nil,
        metadata: [String: String]? = nil,
        tagging: String? = nil,
        contentDisposition: String? = nil,
        proxy: ProxyConfig? = nil
    ) {
        self.accessKey = accessKey
        self.secret = secret
        self.sessionToken = sessionToken
        self.assumeRoleArn = assumeRoleArn
        self.assumeRoleExternalId = assumeRoleExternalId
        self.region = region
        self.endpoint = endpoint
        self.bucket = bucket
        self.forcePathStyle = forcePathStyle
        self.metadata = metadata
        self.tagging = tagging
        self.contentDisposition = contentDisposition
        self.proxy = proxy
    }
}

/// `livekit.ProxyConfig`.
public struct ProxyConfig: Codable, Sendable, Equatable {
    /// Proxy URL.
    public var url: String?
    /// User.
    public var username: String?
    /// Password.
    public var password: String?

    /// A ProxyConfig; nil fields are not sent.
    public init(
        url: String? = nil,
        username: String? = nil,
        password: String? = nil
    ) {
        self.url = url
        self.username = username
        self.password = password
    }
}
