import Foundation
import LiveKit
import NIOCore
import Testing

@testable import ScaiDial

/// The local-directory storage's edges (the round trip and ranges are in `StorageTests`).
@Suite("File storage: keys, directories, files written by Egress")
struct FileStorageTests {
    /// A storage in a fresh temporary directory, removed afterwards.
    func withStorage(_ body: (FileStorage, String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-fs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(FileStorage(directory: directory), directory)
    }

    static let key = "voicemail/t1/b1/c1.ogg"

    @Test("control characters and the storage's own file names (*.type, .tmp-*) are not keys, for reads and writes alike")
    func reservedKeys() async throws {
        try await withStorage { storage, directory in
            try await storage.put(Self.key, ByteBuffer(string: "audio"), contentType: "audio/ogg")
            for key in ["a\nb", "a\u{7}b", "\(Self.key).type", "voicemail/.tmp-123/x.ogg", "../escape.ogg"] {
                await #expect(throws: StorageError.self, "\(key)") {
                    try await storage.put(key, ByteBuffer(string: "x"), contentType: "text/plain")
                }
                await #expect(throws: StorageError.self, "\(key)") { try await storage.get(key, range: nil) }
                await #expect(throws: StorageError.self, "\(key)") { try await storage.delete(key) }
            }
            // The content type beside the object was not overwritten through its own name.
            #expect(try await storage.head(Self.key)?.contentType == "audio/ogg")
            #expect(!FileManager.default.fileExists(atPath: (directory as NSString).deletingLastPathComponent + "/escape.ogg"))
        }
    }

    @Test("deleting a key that names a directory deletes nothing; deleting an object takes its content type too")
    func deleteDirectory() async throws {
        try await withStorage { storage, directory in
            try await storage.put(Self.key, ByteBuffer(string: "keep me"), contentType: "audio/ogg")
            try await storage.delete("voicemail/t1")
            #expect(try await storage.head(Self.key)?.size == 7)
            try await storage.delete(Self.key)
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/voicemail/t1/b1").isEmpty)
        }
    }

    @Test("a file written by someone else (Egress) is served with the type its extension says")
    func foreignFile() async throws {
        try await withStorage { storage, directory in
            try FileManager.default.createDirectory(atPath: "\(directory)/voicemail/t1/b1", withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: "\(directory)/\(Self.key)", contents: Data("OggS".utf8)))
            #expect(try await storage.head(Self.key) == ObjectInfo(size: 4, contentType: "audio/ogg"))
            #expect(try await storage.get(Self.key, range: 1...2).map { String(buffer: $0.body) } == "gg")
        }
    }
}
