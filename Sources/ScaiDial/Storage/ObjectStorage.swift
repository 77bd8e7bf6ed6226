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

/// A directory on this machine. Writes go to a temporary file renamed into place, so a reader
/// never sees half an object; the content type is kept in a `.type` file beside it.
struct FileStorage: ObjectStorage {
    let root: String

    init(directory: String) {
        let absolute = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        root = URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    func path(_ key: String) throws -> String {
        try StorageError.check(key)
        return root + "/" + key
    }

    func put(_ key: String, _ body: ByteBuffer, contentType: String) async throws {
        let target = try path(key)
        let directory = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = directory + "/.tmp-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(body.readableBytesView)) else {
            throw StorageError.failed("cannot write \(temporary)")
        }
        try Data(contentType.utf8).write(to: URL(fileURLWithPath: target + ".type"))
        if rename(temporary, target) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
            throw StorageError.failed("cannot move \(key) into place (errno \(errno))")
        }
    }

    func head(_ key: String) async throws -> ObjectInfo? {
        let target = try path(key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else { return nil }
        let type = (try? String(contentsOfFile: target + ".type", encoding: .utf8)) ?? Self.contentType(for: key)
        return ObjectInfo(size: (attributes[.size] as? Int) ?? 0, contentType: type)
    }

    func get(_ key: String, range: ClosedRange<Int>?) async throws -> StoredObject? {
        guard let info = try await head(key), let handle = FileHandle(forReadingAtPath: try path(key)) else { return nil }
        defer { try? handle.close() }
        if let range {
            guard range.lowerBound < info.size else { throw StorageError.rangeNotSatisfiable(size: info.size) }
            let clamped = range.lowerBound...min(range.upperBound, info.size - 1)
            try handle.seek(toOffset: UInt64(clamped.lowerBound))
            let data = try handle.read(upToCount: clamped.count) ?? Data()
            return StoredObject(info: info, body: ByteBuffer(bytes: data), range: clamped)
        }
        let data = try handle.readToEnd() ?? Data()
        return StoredObject(info: info, body: ByteBuffer(bytes: data), range: nil)
    }

    func delete(_ key: String) async throws {
        let target = try path(key)
        for file in [target, target + ".type"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }
    }

    /// Egress writes the file itself: it must see this directory at the same path (a shared volume).
    func egressOutput(for key: String, fileType: EncodedFileType) -> EncodedFileOutput {
        EncodedFileOutput(fileType: fileType, filepath: root + "/" + key, disableManifest: true)
    }

    /// For files written by someone else (Egress): by extension.
    static func contentType(for key: String) -> String {
        switch (key as NSString).pathExtension.lowercased() {
        case "ogg", "oga", "opus": "audio/ogg"
        case "mp3": "audio/mpeg"
        case "wav": "audio/wav"
        case "mp4", "m4a": "audio/mp4"
        default: "application/octet-stream"
        }
    }
}

/// The storage `SCAIDIAL_STORAGE_URL` names (checked at start-up by the configuration).
enum StorageFactory {
    static func make(_ config: AppConfig) -> any ObjectStorage {
        let url = config.storageURL
        let path = url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : url
        return FileStorage(directory: path)
    }
}
