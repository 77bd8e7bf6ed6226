import Foundation
import Hummingbird
import NIOCore
import Testing

@testable import ScaiDial

/// The OpenAI-compatible transcription client: the form it sends (read by the real engine), and
/// how each kind of failure is classified.
@Suite("Transcription client")
struct TranscriptionClientTests {
    static func client(
        _ url: String, timeout: Duration = .seconds(30), apiKey: String? = SharedServers.sttAPIKey
    )
        -> OpenAITranscriptionClient
    {
        OpenAITranscriptionClient(baseURL: url, model: SharedServers.sttModel, apiKey: apiKey, timeout: timeout)
    }

    /// What `transcribe` throws against a stub that answers `answer`.
    static func failure(_ answer: StubHTTPServer.Answer, timeout: Duration = .seconds(10)) async throws -> TranscriptionError? {
        let stub = StubHTTPServer(answer)
        let url = try await stub.start()
        let error = await #expect(throws: TranscriptionError.self) {
            try await client(url, timeout: timeout).transcribe(ByteBuffer(string: "OggS"), contentType: "audio/ogg")
        }
        await stub.stop()
        return error
    }

    @Test("the real engine reads the multipart form (file, model, response_format) and answers the words")
    func realEngine() async throws {
        let url = try #require(try await SharedServers.stt.value.info["url"])
        let text = try await Self.client(url + "/v1").transcribe(
            ByteBuffer(bytes: try Speech.ogg("please call me back tomorrow")), contentType: "audio/ogg")
        #expect(text.contains("call") && text.contains("tomorrow"), "\(text)")
    }

    @Test("the real engine's refusals keep its message: a wrong key is 401, unreadable audio 400 — neither transient")
    func realRefusals() async throws {
        let url = try #require(try await SharedServers.stt.value.info["url"])
        let wrongKey = await #expect(throws: TranscriptionError.self) {
            try await Self.client(url, apiKey: "wrong").transcribe(ByteBuffer(string: "x"), contentType: "audio/ogg")
        }
        #expect(wrongKey == TranscriptionError(kind: .refused(status: 401), message: "Incorrect API key provided"))
        let garbage = await #expect(throws: TranscriptionError.self) {
            try await Self.client(url).transcribe(ByteBuffer(string: "not audio"), contentType: "audio/ogg")
        }
        #expect(garbage?.kind == .refused(status: 400) && garbage?.message.contains("could not decode") == true)
        #expect(garbage?.isTransient == false && wrongKey?.isTransient == false)
    }

    @Test("5xx and 429 are transient; other 4xx and answers without text are not")
    func statuses() async throws {
        let unavailable = try await Self.failure(.init(status: .serviceUnavailable, body: #"{"detail": "model loading"}"#))
        #expect(
            unavailable == TranscriptionError(kind: .refused(status: 503), message: "model loading") && unavailable?.isTransient == true)
        let limited = try await Self.failure(.init(status: .tooManyRequests, body: "slow down"))
        #expect(limited?.kind == .refused(status: 429) && limited?.message == "slow down" && limited?.isTransient == true)
        let notFound = try await Self.failure(.init(status: .notFound, body: "{}"))
        #expect(notFound?.kind == .refused(status: 404) && notFound?.isTransient == false)
        let noText = try await Self.failure(.init(status: .ok, body: #"{"transcript": "x"}"#))
        #expect(noText?.kind == .badResponse && noText?.isTransient == false)
    }

    @Test("a service slower than the timeout is a transient timeout")
    func timeout() async throws {
        let slow = try await Self.failure(.init(status: .ok, body: #"{"text": "late"}"#, delay: .seconds(3)), timeout: .milliseconds(300))
        #expect(slow?.kind == .timeout && slow?.isTransient == true)
    }

    @Test("a service that is not running (connection refused) is transient")
    func refused() async throws {
        // Nothing listens on port 1 (tcpmux) here.
        let error = await #expect(throws: TranscriptionError.self) {
            try await Self.client("http://127.0.0.1:1", timeout: .seconds(2)).transcribe(ByteBuffer(string: "x"), contentType: "audio/ogg")
        }
        #expect(error?.kind == .unreachable && error?.isTransient == true)
    }

    @Test("the file name's extension follows the content type (services tell the format by it)")
    func fileNames() {
        #expect(OpenAITranscriptionClient.fileExtension("audio/ogg") == "ogg")
        #expect(OpenAITranscriptionClient.fileExtension("audio/mpeg") == "mp3")
        #expect(OpenAITranscriptionClient.fileExtension("audio/wav; codecs=1") == "wav")
        #expect(OpenAITranscriptionClient.fileExtension("audio/mp4") == "m4a")
        let form = String(
            buffer: OpenAITranscriptionClient.multipart(
                boundary: "B", fields: [("model", "m")], file: (name: "message.ogg", type: "audio/ogg", bytes: ByteBuffer(string: "DATA"))))
        #expect(
            form
                == "--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nm\r\n"
                + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"message.ogg\"\r\nContent-Type: audio/ogg\r\n\r\nDATA\r\n--B--\r\n"
        )
    }
}
