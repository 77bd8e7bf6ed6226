import Foundation
import LiveKit
import LiveKitFake
import NIOCore
import Testing

@testable import ScaiDial

/// The whole way: a voicemail call through the fake LiveKit records into the configured storage
/// (written there as Egress would, from the output ScaiDial gave it), `egress_ended` makes the
/// message, and the real STT engine transcribes it — with a local directory and with the real
/// S3-compatible server.
@Suite("Voicemail: recording → storage → transcript")
struct VoicemailTranscriptionFlowTests {
    enum Store: String, CaseIterable, Sendable { case directory, s3 }

    @Test("a spoken message is stored and transcribed, and the inbox shows the words", arguments: Store.allCases)
    func wholeWay(_ store: Store) async throws {
        let speech = try Speech.ogg("please call me back tomorrow")
        let stt = try #require(try await SharedServers.stt.value.info["url"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-vm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let s3 = store == .s3 ? try await S3StorageTests.server() : nil
        let storageURL =
            s3.map { "s3://scaidial-tests/flow-\(UUID().uuidString.lowercased())?endpoint=\($0.endpoint)" } ?? "file://\(directory)"
        let credentials = s3?.credentials
        try await VoicemailFlowTests().run(configure: {
            $0.storageURL = storageURL
            $0.s3Credentials = credentials
            $0.sttURL = stt
            $0.sttModel = SharedServers.sttModel
            $0.sttAPIKey = SharedServers.sttAPIKey
        }) { env in
            let w = env.world
            _ = try await env.api.patch(w.a.base, token: w.rootToken, ["policy": ["voicemail_transcription": true]])
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_stt"
            let caller = try await VoicemailFlowTests.callerArrives(env, room: room, callID: "SCL_stt")
            try await VoicemailFlowTests.greetingEnds(env)

            // Egress records the caller where ScaiDial told it to.
            let request = try #require(
                try await env.fake.requests("StartParticipantEgress").first?.decode(ParticipantEgressRequest.self))
            let output = try #require(request.fileOutputs?.first)
            try await Self.record(speech, as: output, store: store, directory: directory)
            let egressID = try #require(await env.fake.egresses.first?.egressId)
            await env.fake.endEgress(egressID, seconds: 2, size: speech.count)
            await env.fake.callerHangsUp(room: room, identity: caller)

            try await eventually("transcribed") { try await env.messages().first?["transcript_state"] as? String == "done" }
            let message = try #require(try await env.messages().first)
            let transcript = try #require(message["transcript"] as? String)
            #expect(transcript.contains("call") && transcript.contains("back") && transcript.contains("tomorrow"), "\(transcript)")
        }
    }

    /// What Egress does with the output it was given: writes the file there, or uploads it with
    /// the S3 settings (and nothing else: the same key, secret, endpoint and addressing).
    static func record(_ speech: Data, as output: EncodedFileOutput, store: Store, directory: String) async throws {
        let path = try #require(output.filepath)
        guard let s3 = output.s3 else {
            #expect(store == .directory && path.hasPrefix(directory + "/voicemail/"))
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: path, contents: speech))
            return
        }
        #expect(store == .s3 && s3.bucket == "scaidial-tests" && s3.forcePathStyle == true)
        let location = S3Location(
            bucket: try #require(s3.bucket), prefix: "", region: try #require(s3.region), endpoint: s3.endpoint,
            pathStyle: s3.forcePathStyle ?? false)
        let credentials = S3Credentials(accessKeyID: try #require(s3.accessKey), secretAccessKey: try #require(s3.secret))
        try await S3Storage(location: location, credentials: credentials).put(path, ByteBuffer(bytes: speech), contentType: "audio/ogg")
    }
}
