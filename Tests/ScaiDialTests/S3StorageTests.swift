import AsyncHTTPClient
import Foundation
import LiveKit
import NIOCore
import Testing

@testable import ScaiDial

/// `S3Storage` against a real S3-compatible server that checks every signature: `moto_server`
/// (PyPI `moto[server]`), started by `Tests/s3/moto_s3.py` on an ephemeral port with an IAM user
/// and key of its own (see there). Tests keep apart by key prefix.
@Suite("S3 storage against moto_server")
struct S3StorageTests {
    struct Server {
        let endpoint: String
        let credentials: S3Credentials
    }

    static func server() async throws -> Server {
        let info = try await SharedServers.s3.value.info
        return Server(
            endpoint: try #require(info["endpoint"]),
            credentials: S3Credentials(
                accessKeyID: try #require(info["access_key_id"]), secretAccessKey: try #require(info["secret_access_key"])))
    }

    /// A path-style storage in the test bucket under a prefix of its own.
    static func storage(
        _ server: Server, bucket: String = "scaidial-tests", prefix: String? = nil, secret: String? = nil
    ) -> S3Storage {
        let prefix = prefix ?? "run-\(UUID().uuidString.lowercased())/"
        var credentials = server.credentials
        if let secret { credentials.secretAccessKey = secret }
        return S3Storage(
            location: S3Location(bucket: bucket, prefix: prefix, region: "us-east-1", endpoint: server.endpoint, pathStyle: true),
            credentials: credentials)
    }

    static let audio = ByteBuffer(bytes: (0..<5000).map { UInt8($0 % 251) })
    static let key = "voicemail/t1/b1/c1.ogg"

    @Test("put, get, head, ranged get and delete — every request signed and accepted")
    func roundTrip() async throws {
        let storage = Self.storage(try await Self.server())
        try await storage.put(Self.key, Self.audio, contentType: "audio/ogg")
        #expect(try await storage.head(Self.key) == ObjectInfo(size: 5000, contentType: "audio/ogg"))
        let whole = try #require(try await storage.get(Self.key, range: nil))
        #expect(whole.body == Self.audio && whole.range == nil && whole.info == ObjectInfo(size: 5000, contentType: "audio/ogg"))
        let part = try #require(try await storage.get(Self.key, range: 100...199))
        #expect(part.body == Self.audio.getSlice(at: 100, length: 100) && part.range == 100...199 && part.info.size == 5000)
        let tail = try #require(try await storage.get(Self.key, range: 4990...9999))
        #expect(tail.body == Self.audio.getSlice(at: 4990, length: 10) && tail.range == 4990...4999)
        await #expect(throws: StorageError.self) { try await storage.get(Self.key, range: 5000...5010) }
        try await storage.delete(Self.key)
        #expect(try await storage.head(Self.key) == nil)
        #expect(try await storage.get(Self.key, range: nil) == nil)
        try await storage.delete(Self.key)  // absent: no error
    }

    /// moto checks the signature of a key with spaces as AWS does, but for other characters that
    /// need encoding (`+ ( ) = ! * ' $ & , ; @ :`, non-ASCII) it computes another canonical URI than
    /// AWS — boto3 gets SignatureDoesNotMatch there too. Those keys are checked against botocore's
    /// canonical request in `SigV4Tests`.
    @Test("keys land under the prefix, and keys with spaces sign and round-trip")
    func prefixAndEncoding() async throws {
        let server = try await Self.server()
        let prefix = "run-\(UUID().uuidString.lowercased())/"
        let storage = Self.storage(server, prefix: prefix)
        let key = "voicemail/a name with spaces/~tilde_x-1.ogg"
        try await storage.put(key, ByteBuffer(string: "odd"), contentType: "audio/ogg")
        #expect(try await storage.get(key, range: nil).map { String(buffer: $0.body) } == "odd")
        // The same object seen from the bucket's root: the prefix is part of its key.
        let root = Self.storage(server, prefix: "")
        #expect(try await root.head(prefix + key)?.size == 3)
        #expect(try await root.head(key) == nil)
        try await storage.delete(key)
        #expect(try await root.head(prefix + key) == nil)
    }

    @Test("a wrong secret gets S3's SignatureDoesNotMatch, for writes and for reads")
    func wrongSecret() async throws {
        let server = try await Self.server()
        let good = Self.storage(server, prefix: "shared-wrong-secret/")
        try await good.put(Self.key, Self.audio, contentType: "audio/ogg")
        let bad = Self.storage(server, prefix: "shared-wrong-secret/", secret: "not-the-secret")
        let put = await #expect(throws: S3Error.self) { try await bad.put(Self.key, Self.audio, contentType: "audio/ogg") }
        #expect(put?.code == "SignatureDoesNotMatch" && put?.httpStatus == 403 && put?.isTransient == false)
        let get = await #expect(throws: S3Error.self) { try await bad.get(Self.key, range: nil) }
        #expect(get?.code == "SignatureDoesNotMatch")
        #expect(get?.description.contains("SignatureDoesNotMatch (HTTP 403)") == true)
        let head = await #expect(throws: S3Error.self) { try await bad.head(Self.key) }
        #expect(head?.httpStatus == 403)  // a HEAD answer has no body to name the code
        await #expect(throws: S3Error.self) { try await bad.delete(Self.key) }
        #expect(try await good.head(Self.key)?.size == 5000)  // nothing changed
    }

    @Test("a missing bucket is an error (NoSuchBucket), not a missing object")
    func missingBucket() async throws {
        let storage = Self.storage(try await Self.server(), bucket: "no-such-bucket-here")
        let put = await #expect(throws: S3Error.self) { try await storage.put(Self.key, Self.audio, contentType: "audio/ogg") }
        #expect(put?.code == "NoSuchBucket" && put?.httpStatus == 404)
        let get = await #expect(throws: S3Error.self) { try await storage.get(Self.key, range: nil) }
        #expect(get?.code == "NoSuchBucket")
    }

    @Test("virtual-hosted addressing: the bucket in the host name (resolved to the local server)")
    func virtualHosted() async throws {
        let server = try await Self.server()
        let port = try #require(URL(string: server.endpoint)?.port)
        // No wildcard DNS here: the client connects to 127.0.0.1 for the bucket's host name.
        var configuration = HTTPClient.Configuration()
        configuration.dnsOverride = ["scaidial-vhost.localhost": "127.0.0.1"]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let storage = S3Storage(
            location: S3Location(
                bucket: "scaidial-vhost", prefix: "v/", region: "us-east-1", endpoint: "http://localhost:\(port)", pathStyle: false),
            credentials: server.credentials, httpClient: client)
        #expect(try storage.address(Self.key).url == "http://scaidial-vhost.localhost:\(port)/v/\(Self.key)")
        try await storage.put(Self.key, Self.audio, contentType: "audio/ogg")
        #expect(try await storage.get(Self.key, range: 0...3)?.body == Self.audio.getSlice(at: 0, length: 4))
        // It is the same object path-style addressing finds in that bucket.
        #expect(try await Self.storage(server, bucket: "scaidial-vhost", prefix: "v/").head(Self.key)?.size == 5000)
        try await storage.delete(Self.key)
        try await client.shutdown()
    }

    @Test("SCAIDIAL_STORAGE_URL and the key variables, read like at start-up, make a working storage")
    func fromEnvironment() async throws {
        let server = try await Self.server()
        let prefix = "env-\(UUID().uuidString.lowercased())"
        let config = try AppConfig.fromEnvironment([
            "SCAIDIAL_SECRET_KEY": String(repeating: "k", count: 40),
            "SCAIDIAL_STORAGE_URL": "s3://scaidial-tests/\(prefix)?endpoint=\(server.endpoint)&path_style=true&region=us-east-1",
            "AWS_ACCESS_KEY_ID": server.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": server.credentials.secretAccessKey,
        ])
        let storage = try StorageFactory.make(config)
        try await storage.put(Self.key, Self.audio, contentType: "audio/ogg")
        #expect(try await Self.storage(server, prefix: prefix + "/").head(Self.key)?.size == 5000)
        try await storage.delete(Self.key)
    }

    @Test("Egress is given the prefixed key and the store's upload settings")
    func egressOutput() throws {
        let storage = S3Storage(
            location: S3Location(bucket: "rec", prefix: "p/", region: "eu-west-1", endpoint: "http://minio:9000", pathStyle: true),
            credentials: S3Credentials(accessKeyID: "AK", secretAccessKey: "SK"))
        #expect(
            storage.egressOutput(for: Self.key, fileType: .ogg)
                == EncodedFileOutput(
                    fileType: .ogg, filepath: "p/\(Self.key)", disableManifest: true,
                    s3: S3Upload(
                        accessKey: "AK", secret: "SK", region: "eu-west-1", endpoint: "http://minio:9000", bucket: "rec",
                        forcePathStyle: true)))
        let aws = S3Storage(
            location: S3Location(bucket: "rec", prefix: "", region: "eu-west-1", endpoint: nil, pathStyle: false),
            credentials: S3Credentials(accessKeyID: "AK", secretAccessKey: "SK"))
        let output = aws.egressOutput(for: Self.key, fileType: .ogg)
        #expect(output.filepath == Self.key && output.s3?.endpoint == nil && output.s3?.forcePathStyle == false)
        #expect(try aws.address(Self.key).url == "https://rec.s3.eu-west-1.amazonaws.com/\(Self.key)")
    }

    @Test("a store that cannot be reached is a transient error naming the operation; bad keys never leave the process")
    func unreachable() async throws {
        let storage = S3Storage(
            location: S3Location(bucket: "rec", prefix: "", region: "us-east-1", endpoint: "http://127.0.0.1:1", pathStyle: true),
            credentials: S3Credentials(accessKeyID: "AK", secretAccessKey: "SK"), timeout: .seconds(2))
        let error = await #expect(throws: S3Error.self) { try await storage.get(Self.key, range: nil) }
        #expect(error?.kind == .unreachable && error?.isTransient == true && error?.operation == "GET")
        await #expect(throws: StorageError.self) { try await storage.put("../x", Self.audio, contentType: "audio/ogg") }
    }
}
