import Foundation
import LiveKit
import NIOCore

/// Where recordings and greetings live (spec §2): a local directory by default, S3-compatible
/// object storage in production. Keys are relative paths (`voicemail/<tenant>/<box>/<call>.ogg`).
protocol ObjectStorage: Sendable {
    func put(_ key: String, _ body: ByteBuffer, contentType: String) async throws
    /// The object, or the inclusive byte `range` of it (as HTTP Range asks); nil when absent.
    func get(_ key: String, range: ClosedRange<Int>?) async throws -> StoredObject?
    func head(_ key: String) async throws -> ObjectInfo?
    /// Absent is not an error.
    func delete(_ key: String) async throws
    /// What LiveKit Egress is given to write `key` into this storage.
    func egressOutput(for key: String, fileType: EncodedFileType) -> EncodedFileOutput
}

struct ObjectInfo: Sendable, Equatable {
    let size: Int
    let contentType: String
}

struct StoredObject: Sendable {
    let info: ObjectInfo
    /// The bytes of `range` (all of them without one).
    let body: ByteBuffer
    let range: ClosedRange<Int>?
}

enum StorageError: Error, CustomStringConvertible {
    case invalidKey(String)
    case rangeNotSatisfiable(size: Int)
    case failed(String)

    var description: String {
        switch self {
        case .invalidKey(let key): "invalid storage key: \(key)"
        case .rangeNotSatisfiable(let size): "the range is outside the object (\(size) bytes)"
        case .failed(let detail): "storage failed: \(detail)"
        }
    }

    /// Keys are relative paths of plain segments: no `..`, no leading `/`, no empty segments.
    static func check(_ key: String) throws {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, key.count <= 512, !key.hasPrefix("/"),
            segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
            key.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0 != "\\" })
        else { throw StorageError.invalidKey(key) }
    }
}
