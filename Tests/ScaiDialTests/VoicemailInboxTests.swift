import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import NIOCore
import Testing

@testable import ScaiDial

/// The inbox over messages left through the whole voicemail flow: who sees what, audio with
/// ranges, read/unread, delete, retention.
@Suite("Voicemail inbox: isolation, audio with ranges, read, delete, retention")
struct VoicemailInboxTests {
    static let audio: [UInt8] = Array("OggS".utf8) + (0..<4096).map { UInt8($0 % 256) }

    /// One message through greeting → recording → egress_ended, its "recording" (`audio`) written where Egress was told.
    @discardableResult
    static func leave(_ env: VoicemailFlowTests.Env, _ n: Int, audio: [UInt8] = audio) async throws -> (id: String, path: String) {
        let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_in\(n)"
        let caller = try await VoicemailFlowTests.callerArrives(env, room: room, callID: "SCL_in\(n)")
        try await VoicemailFlowTests.greetingEnds(env)
        let output = try #require(
            try await env.fake.requests("StartParticipantEgress").last?.decode(ParticipantEgressRequest.self).fileOutputs?.first)
        let path = try #require(output.filepath)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(audio).write(to: URL(fileURLWithPath: path))
        let egressID = try #require(await env.fake.egresses.last?.egressId)
        // Egress reports what it recorded; `audio` is what the storage holds (empty in one test).
        await env.fake.endEgress(egressID, seconds: 7, size: Self.audio.count)
        await env.fake.callerHangsUp(room: room, identity: caller)
        try await eventually("the message is stored") {
            let mine = try await env.api.get("/me/voicemails", token: env.world.a.userToken).items
            let state = try await env.call()["state"] as? String
            return !mine.isEmpty && state == "ended"
        }
        let mine = try await env.api.get("/me/voicemails", token: env.world.a.userToken).items
        return (try #require(mine.first?["id"] as? String), path)
    }

    @Test("the granted user and the tenant admin see the message; an ungranted colleague and another tenant do not")
    func isolation() async throws {
        try await VoicemailFlowTests().run { env in
            let w = env.world
            let (id, _) = try await Self.leave(env, 1)
            let mine = try await env.api.get("/me/voicemails", token: w.a.userToken)
            #expect(mine.items.count == 1)
            #expect(mine.items.first?["audio_url"] as? String == "/me/voicemails/\(id)/audio")
            #expect(try await env.api.get("\(w.a.base)/voicemails", token: w.a.adminToken).items.count == 1)
            // A colleague without a grant on 101.
            _ = try await env.api.post("\(w.a.base)/users", token: w.a.adminToken, ["email": "c@a.test", "password": "colleague-pw"])
            let colleague = try await env.api.login("c@a.test", "colleague-pw")
            #expect(try await env.api.get("/me/voicemails", token: colleague).items.isEmpty)
            for path in ["/me/voicemails/\(id)", "/me/voicemails/\(id)/audio"] {
                #expect(try await env.api.get(path, token: colleague).status == .notFound, "\(path)")
            }
            #expect(try await env.api.delete("/me/voicemails/\(id)", token: colleague).status == .notFound)
            // Tenant B, as its admin and as its user, through both doors.
            #expect(try await env.api.get("\(w.b.base)/voicemails/\(id)", token: w.b.adminToken).status == .notFound)
            #expect(try await env.api.get("\(w.a.base)/voicemails/\(id)/audio", token: w.b.adminToken).status == .notFound)
            #expect(try await env.api.get("/me/voicemails/\(id)/audio", token: w.b.userToken).status == .notFound)
            #expect(try await env.api.get("\(w.a.base)/voicemails", token: w.a.userToken).status == .forbidden)
            #expect(try await env.api.get("/me/voicemails/\(id)/audio", token: nil).status == .unauthorized)
        }
    }

    @Test("deleting a tenant removes its recordings and greetings from the storage, and leaves another tenant's")
    func tenantDelete() async throws {
        try await VoicemailFlowTests().run { env in
            let w = env.world
            let (_, recording) = try await Self.leave(env, 9)
            for t in [w.a, w.b] {
                let put = try await env.api.call(
                    .put, "\(t.base)/extensions/\(t.extensionID)/greeting", token: t.adminToken, raw: nil,
                    headers: [.contentType: "audio/wav"], bytes: Announcements.transferTone)
                #expect(put.status == .ok, "\(put.text)")
            }
            let prefix = try #require(recording.range(of: "/voicemail/"))
            let root = String(recording[..<prefix.lowerBound])
            let greeting = "\(root)/greetings/\(w.a.id.lowercased())/\(w.a.extensionID.lowercased()).wav"
            #expect(FileManager.default.fileExists(atPath: recording) && FileManager.default.fileExists(atPath: greeting))

            #expect(try await env.api.delete(w.a.base, token: w.rootToken).status == .noContent)
            #expect(!FileManager.default.fileExists(atPath: recording))
            #expect(!FileManager.default.fileExists(atPath: greeting))
            #expect(try await env.api.get(w.a.base, token: w.rootToken).status == .notFound)
            let theirs = try await env.api.get("\(w.b.base)/extensions/\(w.b.extensionID)/greeting", token: w.b.adminToken)
            #expect(theirs.status == .ok && [UInt8](theirs.body) == Announcements.transferTone)
        }
    }

    @Test("audio streams whole or by range (206 with Content-Range, suffix ranges, 416 outside)")
    func audioRanges() async throws {
        try await VoicemailFlowTests().run { env in
            let token = env.world.a.userToken
            let (id, _) = try await Self.leave(env, 2)
            let path = "/me/voicemails/\(id)/audio"
            let whole = try await env.api.get(path, token: token)
            #expect(whole.status == .ok && [UInt8](whole.body) == Self.audio)
            #expect(whole.headers[.contentType] == "audio/ogg" && whole.headers[.acceptRanges] == "bytes")
            let part = try await env.api.call(.get, path, token: token, headers: [.range: "bytes=4-13"])
            #expect(part.status == .partialContent && [UInt8](part.body) == Array(Self.audio[4...13]))
            #expect(part.headers[.contentRange] == "bytes 4-13/\(Self.audio.count)")
            let suffix = try await env.api.call(.get, path, token: token, headers: [.range: "bytes=-5"])
            #expect([UInt8](suffix.body) == Array(Self.audio.suffix(5)))
            let open = try await env.api.call(.get, path, token: token, headers: [.range: "bytes=4090-"])
            #expect(open.headers[.contentRange] == "bytes 4090-\(Self.audio.count - 1)/\(Self.audio.count)")
            let outside = try await env.api.call(.get, path, token: token, headers: [.range: "bytes=99999-"])
            #expect(outside.status == .rangeNotSatisfiable && outside.headers[.contentRange] == "bytes */\(Self.audio.count)")
            let admin = try await env.api.get("\(env.world.a.base)/voicemails/\(id)/audio", token: env.world.a.adminToken)
            #expect([UInt8](admin.body) == Self.audio)
        }
    }

    @Test("hostile ranges never take the server down: a first byte at Int.max is 416, a suffix of an empty recording is 200")
    func hostileRanges() async throws {
        try await VoicemailFlowTests().run { env in
            let w = env.world
            let (id, _) = try await Self.leave(env, 5)
            let path = "/me/voicemails/\(id)/audio"
            for header in ["bytes=9223372036854775807-", "bytes=9223372036854775807-9223372036854775807", "bytes=99999999999999999999-"] {
                let far = try await env.api.call(.get, path, token: w.a.userToken, headers: [.range: header])
                #expect(far.status == .rangeNotSatisfiable && far.headers[.contentRange] == "bytes */\(Self.audio.count)", "\(header)")
            }
            let huge = try await env.api.call(.get, path, token: w.a.userToken, headers: [.range: "bytes=-9223372036854775807"])
            #expect(huge.status == .partialContent && [UInt8](huge.body) == Self.audio)

            // An empty recording (an egress that wrote nothing): a suffix asks for all of nothing.
            let (empty, _) = try await Self.leave(env, 6, audio: [])
            let emptyPath = "/me/voicemails/\(empty)/audio"
            let suffix = try await env.api.call(.get, emptyPath, token: w.a.userToken, headers: [.range: "bytes=-5"])
            #expect(suffix.status == .ok && suffix.body.isEmpty)
            let start = try await env.api.call(.get, emptyPath, token: w.a.userToken, headers: [.range: "bytes=0-"])
            #expect(start.status == .rangeNotSatisfiable && start.headers[.contentRange] == "bytes */0")

            // The same code serves greetings.
            let put = try await env.api.call(
                .put, "\(w.a.base)/extensions/\(w.a.extensionID)/greeting", token: w.a.adminToken, raw: nil,
                headers: [.contentType: "audio/wav"], bytes: Announcements.transferTone)
            #expect(put.status == .ok, "\(put.text)")
            let greeting = try await env.api.call(
                .get, "\(w.a.base)/extensions/\(w.a.extensionID)/greeting", token: w.a.adminToken,
                headers: [.range: "bytes=9223372036854775807-"])
            #expect(greeting.status == .rangeNotSatisfiable)
            // Still serving.
            #expect(try await env.api.get(path, token: w.a.userToken).status == .ok)
        }
    }

    @Test("read and unread, the unread filter, bad input; delete removes the recording too")
    func readAndDelete() async throws {
        try await VoicemailFlowTests().run { env in
            let token = env.world.a.userToken
            let (first, path) = try await Self.leave(env, 3)
            try await Self.leave(env, 4)
            #expect(try await env.api.get("/me/voicemails?unread=true", token: token).items.count == 2)
            let read = try await env.api.patch("/me/voicemails/\(first)", token: token, ["read": true])
            #expect(read.status == .ok && read.json["read"] as? Bool == true)
            #expect(try await env.api.get("/me/voicemails?unread=true", token: token).items.count == 1)
            #expect(try await env.api.get("/me/voicemails?unread=false", token: token).items.first?["id"] as? String == first)
            let missing = try await env.api.patch("/me/voicemails/\(first)", token: token, ["listened": true])
            #expect(missing.status == .unprocessableContent && missing.text.contains("read"))
            #expect(try await env.api.get("/me/voicemails?unread=maybe", token: token).status == .unprocessableContent)
            #expect(try await env.api.get("/me/voicemails/\(first)", token: token).json["read"] as? Bool == true)

            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try await env.api.delete("/me/voicemails/\(first)", token: token).status == .noContent)
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(try await env.api.get("/me/voicemails/\(first)", token: token).status == .notFound)
            #expect(try await env.api.get("/me/voicemails", token: token).items.count == 1)
        }
    }

    /// A storage whose `delete` of one key fails `times` times (a flaky S3), then works.
    final class RefusingStorage: ObjectStorage, @unchecked Sendable {
        let inner: any ObjectStorage
        let refused: String
        private let lock = NSLock()
        private var left: Int
        init(_ inner: any ObjectStorage, refusing key: String, times: Int) {
            self.inner = inner
            self.refused = key
            self.left = times
        }
        func put(_ key: String, _ body: ByteBuffer, contentType: String) async throws {
            try await inner.put(key, body, contentType: contentType)
        }
        func get(_ key: String, range: ClosedRange<Int>?) async throws -> StoredObject? { try await inner.get(key, range: range) }
        func head(_ key: String) async throws -> ObjectInfo? { try await inner.head(key) }
        func delete(_ key: String) async throws {
            let refuse = lock.withLock { () -> Bool in
                guard key == refused, left > 0 else { return false }
                left -= 1
                return true
            }
            if refuse { throw TestFailure("storage refused to delete \(key)") }
            try await inner.delete(key)
        }
        func egressOutput(for key: String, fileType: EncodedFileType) -> EncodedFileOutput {
            inner.egressOutput(for: key, fileType: fileType)
        }
    }

    @Test("retention removes recordings older than the tenant's days, and only those")
    func retention() async throws {
        try await withApp { api, database in
            let w = try await World.build(api)
            let r = try await api.patch(w.a.base, token: w.rootToken, ["policy": ["recording_retention_days": 30]])
            #expect(r.status == .ok, "\(r.text)")
            let config = database.config()
            let persistence = try Persistence(
                url: DatabaseURL.parse(config.databaseURL)!, logger: .init(label: "t"), postgresSearchPath: config.postgresSearchPath,
                poolSize: 1)
            let storage = RefusingStorage(StorageTests.storage(), refusing: "voicemail/1.ogg", times: 1)
            do {
                for (n, tenant, ext) in [(1, w.a.id, w.a.extensionID), (2, w.b.id, w.b.extensionID), (3, w.a.id, w.a.extensionID)] {
                    let m = VoicemailMessageModel()
                    m.id = .v7()
                    m.tenantID = UUID(uuidString: tenant)!
                    m.extensionID = UUID(uuidString: ext)!
                    m.caller = "+3161234567\(n)"
                    m.storageKey = "voicemail/\(n).ogg"
                    m.contentType = "audio/ogg"
                    m.sizeBytes = Self.audio.count
                    m.durationS = 7
                    m.transcriptState = .none
                    m.read = false
                    try await m.create(on: persistence.db)
                    try await storage.put(m.storageKey, ByteBuffer(bytes: Self.audio), contentType: "audio/ogg")
                }
                let sweeper = VoicemailRetention(
                    persistence: persistence, storage: storage, interval: .seconds(3600), logger: .init(label: "t"))
                #expect(try await sweeper.sweep(now: Date().addingTimeInterval(29 * 86_400)) == 0)
                // Webhook deliveries are remembered a week, then pruned by the same pass.
                let day31 = Date().addingTimeInterval(31 * 86_400)
                for (id, age) in [("EV_old", 8.0), ("EV_recent", 1.0)] {
                    let row = WebhookEventModel()
                    row.id = .v7()
                    row.eventID = id
                    row.event = "room_started"
                    row.receivedAt = day31.addingTimeInterval(-age * 86_400)
                    try await row.create(on: persistence.db)
                }
                // Tenant A keeps 30 days, tenant B the default 90: only A's messages go at day 31 —
                // the storage refuses one of them once, and the other goes anyway.
                #expect(try await sweeper.sweep(now: day31) == 1)
                let kept = try await storage.head("voicemail/1.ogg"), gone = try await storage.head("voicemail/3.ogg")
                #expect(kept != nil && gone == nil)
                #expect(try await WebhookEventModel.query(on: persistence.db).all().map(\.eventID) == ["EV_recent"])
                #expect(try await sweeper.sweep(now: day31) == 1)
                #expect(try await storage.head("voicemail/1.ogg") == nil)
                #expect(try await storage.head("voicemail/2.ogg") != nil)
                #expect(try await api.get("\(w.a.base)/voicemails", token: w.a.adminToken).items.isEmpty)
                #expect(try await api.get("\(w.b.base)/voicemails", token: w.b.adminToken).items.count == 1)
            } catch {
                await persistence.shutdown()
                throw error
            }
            await persistence.shutdown()
        }
    }
}
