import Foundation
import Logging
import Testing

@testable import ScaiDial

/// `SCAIDIAL_STORAGE_URL`, the S3 credentials and the STT variables, read and checked at start-up.
@Suite("Storage and transcription configuration")
struct StorageConfigurationTests {
    static let key = String(repeating: "k", count: 40)

    func config(_ env: [String: String]) throws -> AppConfig {
        try AppConfig.fromEnvironment(env.merging(["SCAIDIAL_SECRET_KEY": Self.key]) { a, _ in a })
    }

    func problems(_ env: [String: String]) -> [String] {
        let error = #expect(throws: ConfigurationError.self) { try config(env) }
        return error?.problems ?? []
    }

    @Test("file URLs: absolute, relative to the working directory, the default")
    func fileURLs() throws {
        #expect(try StorageLocation.parse("file:///var/lib/scaidial/rec").get() == .directory("/var/lib/scaidial/rec"))
        #expect(try StorageLocation.parse("file://./recordings").get() == .directory("./recordings"))
        let storage = try StorageFactory.make(try config([:]))
        #expect((storage as? FileStorage)?.root == FileManager.default.currentDirectoryPath + "/recordings")
    }

    @Test("s3 URLs: bucket, prefix, region, endpoint and path style, with the defaults a product needs")
    func s3URLs() throws {
        let aws = try StorageLocation.parse("s3://my-bucket/voice/mail/?region=eu-west-1").get()
        #expect(aws == .s3(S3Location(bucket: "my-bucket", prefix: "voice/mail/", region: "eu-west-1", endpoint: nil, pathStyle: false)))
        guard case .s3(let location) = aws else { return }
        #expect(location.endpointURL == "https://s3.eu-west-1.amazonaws.com")
        // A self-hosted store: path-style unless told otherwise; the region defaults to us-east-1.
        let selfHosted = try StorageLocation.parse("s3://rec?endpoint=http://minio.internal:9000").get()
        #expect(
            selfHosted
                == .s3(S3Location(bucket: "rec", prefix: "", region: "us-east-1", endpoint: "http://minio.internal:9000", pathStyle: true)))
        let virtual = try StorageLocation.parse("s3://rec/p?endpoint=https://s3.example.net&path_style=false").get()
        #expect(
            virtual
                == .s3(S3Location(bucket: "rec", prefix: "p/", region: "us-east-1", endpoint: "https://s3.example.net", pathStyle: false)))
        // Dots in a bucket name break TLS on virtual hosts.
        let dotted = try StorageLocation.parse("s3://rec.example.com").get()
        #expect(dotted == .s3(S3Location(bucket: "rec.example.com", prefix: "", region: "us-east-1", endpoint: nil, pathStyle: true)))
    }

    @Test("bad storage URLs are refused with a sentence each")
    func badURLs() {
        for url in [
            "ftp://x", "recordings", "file://", "s3://", "s3://UPPER", "s3://ab", "s3://b_c", "s3://key:secret@bucket",
            "s3://bucket?region=EU WEST", "s3://bucket?endpoint=minio:9000", "s3://bucket?endpoint=http://h/path",
            "s3://bucket?path_style=yes", "s3://bucket?regoin=eu-west-1", "s3://bucket/../x",
        ] {
            guard case .failure(let error) = StorageLocation.parse(url) else {
                Issue.record("\(url) was accepted")
                continue
            }
            #expect(error.problems.allSatisfy { $0.hasPrefix("SCAIDIAL_STORAGE_URL") }, "\(error.problems)")
        }
    }

    @Test("S3 credentials: SCAIDIAL_S3_* first, AWS_* as the fallback, a secret never in the description")
    func credentials() throws {
        let own = try config([
            "SCAIDIAL_STORAGE_URL": "s3://rec", "SCAIDIAL_S3_ACCESS_KEY_ID": "AKOWN", "SCAIDIAL_S3_SECRET_ACCESS_KEY": "own-secret",
            "AWS_ACCESS_KEY_ID": "AKAWS", "AWS_SECRET_ACCESS_KEY": "aws-secret",
        ])
        #expect(own.s3Credentials == S3Credentials(accessKeyID: "AKOWN", secretAccessKey: "own-secret"))
        let aws = try config(["SCAIDIAL_STORAGE_URL": "s3://rec", "AWS_ACCESS_KEY_ID": "AKAWS", "AWS_SECRET_ACCESS_KEY": "aws-secret"])
        #expect(aws.s3Credentials == S3Credentials(accessKeyID: "AKAWS", secretAccessKey: "aws-secret"))
        #expect(!"\(aws) \(aws.s3Credentials!)".contains("aws-secret"))
        #expect(try StorageFactory.make(aws) is S3Storage)
        // A file storage ignores whatever AWS_* the host has, even half of it.
        #expect(try config(["AWS_ACCESS_KEY_ID": "AKAWS"]).s3Credentials == nil)
    }

    @Test("an s3 storage without a complete key pair, and every other problem, are listed at once")
    func missingCredentials() {
        let missing = problems(["SCAIDIAL_STORAGE_URL": "s3://rec"])
        #expect(missing.count == 1 && missing[0].contains("SCAIDIAL_S3_ACCESS_KEY_ID"))
        let half = problems(["SCAIDIAL_STORAGE_URL": "s3://rec", "AWS_SECRET_ACCESS_KEY": "x"])
        #expect(half == ["AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together"])
        let many = problems([
            "SCAIDIAL_STORAGE_URL": "s3://x?path_style=maybe", "SCAIDIAL_S3_ACCESS_KEY_ID": "AK", "SCAIDIAL_STT_URL": "ftp://stt",
            "SCAIDIAL_STT_TIMEOUT_SECONDS": "0",
        ])
        #expect(many.count == 6, "\(many)")  // half a key pair, bucket name, path_style, STT URL, no model, timeout
    }

    @Test("a storage URL built in code is checked when the application is built, not on first use")
    func checkedAtBuild() async throws {
        let database = try await TestDatabase.make()
        var config = database.config()
        config.storageURL = "s3://rec"
        var logger = Logger(label: "t")
        logger.logLevel = .warning
        await #expect(throws: ConfigurationError.self) { _ = try await buildApplication(config, logger: logger) }
        try await database.drop()
    }

    @Test("STT: URL and model together, an optional API key and a bounded timeout")
    func stt() throws {
        let off = try config([:])
        #expect(off.sttURL == nil && off.sttModel == nil && off.sttTimeout == .seconds(60))
        let on = try config([
            "SCAIDIAL_STT_URL": "http://stt.internal:8000", "SCAIDIAL_STT_MODEL": "whisper-1", "SCAIDIAL_STT_API_KEY": "sk-secret",
            "SCAIDIAL_STT_TIMEOUT_SECONDS": "90",
        ])
        #expect(on.sttURL == "http://stt.internal:8000" && on.sttModel == "whisper-1" && on.sttAPIKey == "sk-secret")
        #expect(on.sttTimeout == .seconds(90))
        #expect(!"\(on)".contains("sk-secret"))
        #expect(problems(["SCAIDIAL_STT_URL": "http://stt"]) == ["SCAIDIAL_STT_URL and SCAIDIAL_STT_MODEL must be set together"])
        #expect(problems(["SCAIDIAL_STT_MODEL": "whisper-1"]) == ["SCAIDIAL_STT_URL and SCAIDIAL_STT_MODEL must be set together"])
        #expect(
            problems(["SCAIDIAL_STT_URL": "http://u:p@stt", "SCAIDIAL_STT_MODEL": "m"]).first?.contains("SCAIDIAL_STT_API_KEY") == true)
    }

    @Test("the transcription endpoint: a base URL, a /v1 URL or the whole endpoint all reach /v1/audio/transcriptions")
    func sttEndpoint() {
        for base in ["http://stt:8000", "http://stt:8000/", "http://stt:8000/v1", "http://stt:8000/v1/audio/transcriptions"] {
            #expect(OpenAITranscriptionClient(baseURL: base, model: "m").endpoint == "http://stt:8000/v1/audio/transcriptions")
        }
    }
}
