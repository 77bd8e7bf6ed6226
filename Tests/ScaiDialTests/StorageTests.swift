import Foundation
import LiveKit
import NIOCore
import Testing

@testable import ScaiDial

@Suite("Object storage: the local directory, and HTTP ranges")
struct StorageTests {
    static func storage() -> FileStorage {
        FileStorage(directory: FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-storage-\(UUID())").path)
    }

    @Test("put, head, whole and ranged get, delete; nothing half-written is left behind")
    func roundTrip() async throws {
        let s = Self.storage()
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        try await s.put("voicemail/t/x/call.ogg", ByteBuffer(bytes: bytes), contentType: "audio/ogg")
        #expect(try await s.head("voicemail/t/x/call.ogg") == ObjectInfo(size: 1000, contentType: "audio/ogg"))
        let whole = try #require(try await s.get("voicemail/t/x/call.ogg", range: nil))
        #expect(Array(whole.body.readableBytesView) == bytes && whole.range == nil)
        let part = try #require(try await s.get("voicemail/t/x/call.ogg", range: 10...19))
        #expect(Array(part.body.readableBytesView) == Array(bytes[10...19]) && part.range == 10...19)
        let tail = try #require(try await s.get("voicemail/t/x/call.ogg", range: 990...5000))
        #expect(tail.range == 990...999 && tail.body.readableBytes == 10)
        await #expect(throws: StorageError.self) { try await s.get("voicemail/t/x/call.ogg", range: 1000...1001) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: s.root + "/voicemail/t/x").filter { $0.hasPrefix(".tmp-") }
        #expect(leftovers.isEmpty)
        // Replacing is atomic and keeps the new type.
        try await s.put("voicemail/t/x/call.ogg", ByteBuffer(bytes: [1, 2, 3]), contentType: "audio/wav")
        #expect(try await s.head("voicemail/t/x/call.ogg") == ObjectInfo(size: 3, contentType: "audio/wav"))
        try await s.delete("voicemail/t/x/call.ogg")
        #expect(try await s.head("voicemail/t/x/call.ogg") == nil)
        #expect(try await s.get("voicemail/t/x/call.ogg", range: nil) == nil)
        try await s.delete("voicemail/t/x/call.ogg")  // absent: fine
    }

    @Test("keys cannot leave the directory")
    func badKeys() async throws {
        let s = Self.storage()
        for key in ["../escape", "/etc/passwd", "a/../../b", "a//b", "", "a/./b", "a\\b"] {
            await #expect(throws: StorageError.self, "\(key)") { try await s.put(key, ByteBuffer(), contentType: "x") }
        }
    }

    @Test("Egress writes a file storage's objects at their absolute path, without a manifest")
    func egressOutput() {
        let s = Self.storage()
        let out = s.egressOutput(for: "voicemail/a/b/c.ogg", fileType: .ogg)
        #expect(out.filepath == s.root + "/voicemail/a/b/c.ogg" && out.fileType == .ogg && out.disableManifest == true && out.s3 == nil)
        #expect(s.root.hasPrefix("/"))
        #expect(FileStorage(directory: "rel/dir").root == FileManager.default.currentDirectoryPath + "/rel/dir")
    }
}
