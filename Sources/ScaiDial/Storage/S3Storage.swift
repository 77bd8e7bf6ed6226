import AsyncHTTPClient
import Foundation
import LiveKit
import NIOCore
import NIOHTTP1

/// An S3 bucket (AWS or an S3-compatible store) through its REST API: PUT, GET (with Range),
/// HEAD and DELETE of single objects, each signed with AWS Signature Version 4.
///
/// Keys are stored under the location's prefix. Objects are read whole into memory (voicemail
/// recordings are a few MB); answers larger than `maxObjectBytes` are refused.
struct S3Storage: ObjectStorage {
    let location: S3Location
    let credentials: S3Credentials
    var httpClient: HTTPClient = .shared
    /// The longest one request may take (an upload of a long recording included).
    var timeout: Duration = .seconds(60)
    /// Injected by tests (signatures of a fixed moment).
    var now: @Sendable () -> Date = { Date() }

    static let maxObjectBytes = 256 << 20

    private var signer: SigV4 {
        SigV4(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey, region: location.region, service: "s3")
    }

    func put(_ key: String, _ body: ByteBuffer, contentType: String) async throws {
        let hash = SigV4.payloadHash(body.readableBytesView)
        let response = try await send("PUT", key, headers: [("content-type", contentType)], body: body, payloadHash: hash)
        guard (200..<300).contains(response.status) else { throw response.error }
    }

    func get(_ key: String, range: ClosedRange<Int>?) async throws -> StoredObject? {
        let headers = range.map { [("range", "bytes=\($0.lowerBound)-\($0.upperBound)")] } ?? []
        let response = try await send("GET", key, headers: headers)
        switch response.status {
        case 200:
            let info = ObjectInfo(size: response.body.readableBytes, contentType: response.contentType)
            // A store that ignores Range answers 200 with everything: cut the range out here.
            guard let range else { return StoredObject(info: info, body: response.body, range: nil) }
            guard range.lowerBound < info.size else { throw StorageError.rangeNotSatisfiable(size: info.size) }
            let clamped = range.lowerBound...min(range.upperBound, info.size - 1)
            guard let slice = response.body.getSlice(at: response.body.readerIndex + clamped.lowerBound, length: clamped.count) else {
                throw S3Error(
                    kind: .badResponse, operation: "GET", key: key, httpStatus: 200, message: "the body is shorter than its own size")
            }
            return StoredObject(info: info, body: slice, range: clamped)
        case 206:
            // Content-Range: bytes 0-9/4242
            guard let (served, total) = Self.contentRange(response.headers.first(name: "content-range")) else {
                throw S3Error(kind: .badResponse, operation: "GET", key: key, httpStatus: 206, message: "no usable Content-Range")
            }
            return StoredObject(info: ObjectInfo(size: total, contentType: response.contentType), body: response.body, range: served)
        case 404 where response.code == "NoSuchKey":
            return nil
        case 416:
            let total = response.headers.first(name: "content-range").flatMap { Int($0.split(separator: "/").last ?? "") }
            if let total { throw StorageError.rangeNotSatisfiable(size: total) }
            guard let info = try await head(key) else { return nil }
            throw StorageError.rangeNotSatisfiable(size: info.size)
        default:
            throw response.error
        }
    }

    /// A HEAD answer has no body, so a missing bucket looks like a missing object here (nil);
    /// `get` and `put` tell them apart.
    func head(_ key: String) async throws -> ObjectInfo? {
        let response = try await send("HEAD", key)
        switch response.status {
        case 200:
            let size = response.headers.first(name: "content-length").flatMap(Int.init)
            guard let size else {
                throw S3Error(kind: .badResponse, operation: "HEAD", key: key, httpStatus: 200, message: "no Content-Length")
            }
            return ObjectInfo(size: size, contentType: response.contentType)
        case 404: return nil
        default: throw response.error
        }
    }

    func delete(_ key: String) async throws {
        let response = try await send("DELETE", key)
        // S3 answers 204 whether or not the object existed.
        guard (200..<300).contains(response.status) || (response.status == 404 && response.code == "NoSuchKey") else {
            throw response.error
        }
    }

    /// Egress uploads the file itself with these settings (LiveKit receives the key and secret).
    func egressOutput(for key: String, fileType: EncodedFileType) -> EncodedFileOutput {
        EncodedFileOutput(
            fileType: fileType, filepath: location.prefix + key, disableManifest: true,
            s3: S3Upload(
                accessKey: credentials.accessKeyID, secret: credentials.secretAccessKey, region: location.region,
                endpoint: location.endpoint, bucket: location.bucket, forcePathStyle: location.pathStyle))
    }

    // MARK: the wire

    /// `(url, host header, encoded path)` of an object: path-style `endpoint/bucket/prefix+key` or
    /// virtual-hosted `bucket.endpoint/prefix+key`.
    func address(_ key: String) throws -> (url: String, host: String, path: String) {
        try StorageError.check(key)
        guard let base = URL(string: location.endpointURL), let scheme = base.scheme, let endpointHost = base.host else {
            throw StorageError.failed("bad S3 endpoint \(location.endpointURL)")
        }
        let port = base.port.map { ":\($0)" } ?? ""
        let objectKey = location.prefix + key
        let (host, path) =
            location.pathStyle
            ? (endpointHost + port, SigV4.encodePath("/\(location.bucket)/\(objectKey)"))
            : ("\(location.bucket).\(endpointHost)\(port)", SigV4.encodePath("/\(objectKey)"))
        return ("\(scheme)://\(host)\(path)", host, path)
    }

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer
        let error: S3Error
        var code: String? { error.code }
        var contentType: String { headers.first(name: "content-type") ?? "application/octet-stream" }
    }

    func send(
        _ method: String, _ key: String, headers extra: [(String, String)] = [], body: ByteBuffer? = nil,
        payloadHash: String = SigV4.emptyPayloadHash
    ) async throws -> Answer {
        let (url, host, path) = try address(key)
        let date = now()
        let headers = [("host", host), ("x-amz-content-sha256", payloadHash), ("x-amz-date", SigV4.timestamps(date).amzDate)] + extra
        let signature = signer.sign(method: method, encodedPath: path, headers: headers, payloadHash: payloadHash, date: date)
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "authorization", value: signature.authorization)
        if let body { request.body = .bytes(body) }
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            let bytes = method == "HEAD" ? ByteBuffer() : try await response.body.collect(upTo: Self.maxObjectBytes)
            let status = Int(response.status.code)
            let error =
                (200..<300).contains(status)
                ? S3Error(kind: .badResponse, operation: method, key: key, httpStatus: status, message: "unexpected answer")
                : S3Error.answer(
                    method, key, status: status, body: String(buffer: bytes), requestID: response.headers.first(name: "x-amz-request-id"))
            return Answer(status: status, headers: response.headers, body: bytes, error: error)
        } catch let error as NIOTooManyBytesError {
            throw S3Error(kind: .badResponse, operation: method, key: key, httpStatus: nil, message: "\(error)")
        } catch {
            throw S3Error.transport(error, method, key, timeout: timeout)
        }
    }

    /// `bytes 0-9/4242` → (0...9, 4242).
    static func contentRange(_ header: String?) -> (ClosedRange<Int>, Int)? {
        guard let header, header.hasPrefix("bytes ") else { return nil }
        let parts = header.dropFirst("bytes ".count).split(separator: "/")
        guard parts.count == 2, let total = Int(parts[1]) else { return nil }
        let bounds = parts[0].split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] <= bounds[1] else { return nil }
        return (bounds[0]...bounds[1], total)
    }
}
