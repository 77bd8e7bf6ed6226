import Foundation
import LiveKit
import NIOCore

/// A directory on this machine. Writes go to a temporary file renamed into place, so a reader
/// never sees half an object; the content type is kept in a `.type` file beside it.
struct FileStorage: ObjectStorage {
    let root: String

    init(directory: String) {
        let absolute = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        root = URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// Where `key` lives. Names this storage uses itself (`*.type`, `.tmp-*`) are not keys.
    func path(_ key: String) throws -> String {
        try StorageError.check(key)
        guard !key.hasSuffix(".type"), !key.split(separator: "/").contains(where: { $0.hasPrefix(".tmp-") }) else {
            throw StorageError.invalidKey(key)
        }
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
        try Data(contentType.utf8).write(to: URL(fileURLWithPath: target + ".type"), options: .atomic)
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

    /// Only files go: a key naming a directory (`voicemail/<tenant>`) deletes nothing.
    func delete(_ key: String) async throws {
        let target = try path(key)
        for file in [target, target + ".type"] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
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
