import Foundation
import Hummingbird
import Testing

@testable import ScaiDial

@Suite("Voicemail greetings: upload, listen, replace, delete, play through signed links")
struct GreetingTests {
    static func upload(
        _ api: API, _ path: String, token: String, _ bytes: [UInt8], type: String = "application/octet-stream"
    ) async throws
        -> Reply
    {
        try await api.call(.put, path, token: token, raw: String(decoding: bytes, as: UTF8.self), headers: [.contentType: type])
    }

    @Test("a WAV greeting is stored, listened to, played to callers; MP3 replaces it; delete goes back to the built-in one")
    func lifecycle() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let path = "\(w.a.base)/extensions/\(w.a.extensionID)/greeting"
            let wav = Announcements.transferTone  // a real WAV, not the built-in greeting
            let put = try await api.call(.put, path, token: w.a.adminToken, raw: nil, headers: [.contentType: "audio/wav"], bytes: wav)
            #expect(put.status == .ok, "\(put.text)")
            #expect(put.json["has_greeting"] as? Bool == true)
            let listen = try await api.get(path, token: w.a.adminToken)
            #expect(listen.status == .ok && listen.headers[.contentType] == "audio/wav" && [UInt8](listen.body) == wav)

            // Callers hear it through a signed link.
            let links = MediaLinks(secretKey: "test-secret-key-test-secret-key-0123456789", publicURL: "")
            let played = try await api.get(links.sign(EffectRunner.greetingPath(box: UUID(uuidString: w.a.extensionID)!)), token: nil)
            #expect([UInt8](played.body) == wav)

            let mp3: [UInt8] = Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 0] + Array(repeating: 0x55, count: 100)
            let replaced = try await api.call(.put, path, token: w.a.adminToken, raw: nil, headers: [:], bytes: mp3)
            #expect(replaced.status == .ok)
            let again = try await api.get(path, token: w.a.adminToken)
            #expect(again.headers[.contentType] == "audio/mpeg" && [UInt8](again.body) == mp3)

            let removed = try await api.delete(path, token: w.a.adminToken)
            #expect(removed.status == .noContent)
            #expect(try await api.get(path, token: w.a.adminToken).status == .notFound)
            let ext = try await api.get("\(w.a.base)/extensions/\(w.a.extensionID)", token: w.a.adminToken)
            #expect(ext.json["has_greeting"] as? Bool == false)
            let builtIn = try await api.get(links.sign(EffectRunner.greetingPath(box: UUID(uuidString: w.a.extensionID)!)), token: nil)
            #expect([UInt8](builtIn.body) == DefaultGreeting.wav)
        }
    }

    @Test("not audio is 415, too big is 413, empty is 400 — and nothing is stored; users and other tenants are refused")
    func refused() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let path = "\(w.a.base)/extensions/\(w.a.extensionID)/greeting"
            let text = try await api.call(
                .put, path, token: w.a.adminToken, raw: "<html>not audio</html>", headers: [.contentType: "audio/wav"])
            #expect(text.status == .unsupportedMediaType && text.text.contains("WAV, MP3 or OGG"))
            let big = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVE".utf8) + Array(repeating: 0, count: 5 * 1024 * 1024)
            let tooBig = try await api.call(.put, path, token: w.a.adminToken, raw: nil, headers: [:], bytes: big)
            #expect(tooBig.status == .contentTooLarge && tooBig.text.contains("5 MB"))
            let empty = try await api.call(.put, path, token: w.a.adminToken, raw: "", headers: [:])
            #expect(empty.status == .badRequest)
            let ext = try await api.get("\(w.a.base)/extensions/\(w.a.extensionID)", token: w.a.adminToken)
            #expect(ext.json["has_greeting"] as? Bool == false)
            let wav = Announcements.transferTone
            #expect(try await api.call(.put, path, token: w.a.userToken, raw: nil, headers: [:], bytes: wav).status == .forbidden)
            let foreign = "\(w.a.base)/extensions/\(w.b.extensionID)/greeting"
            #expect(try await api.call(.put, foreign, token: w.a.adminToken, raw: nil, headers: [:], bytes: wav).status == .notFound)
            #expect(try await api.call(.put, path, token: w.b.adminToken, raw: nil, headers: [:], bytes: wav).status == .notFound)
        }
    }
}
