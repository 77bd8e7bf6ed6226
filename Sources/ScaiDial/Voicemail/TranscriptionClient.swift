import AsyncHTTPClient
import Foundation
import NIOCore

/// Speech to text (ScaiEcho, spec §4.4): audio in, text out.
protocol SpeechToText: Sendable {
    func transcribe(_ audio: ByteBuffer, contentType: String) async throws -> String
}

/// Why a transcription failed, and whether trying again later can help.
struct TranscriptionError: Error, CustomStringConvertible, Equatable {
    enum Kind: Sendable, Equatable {
        /// No answer within the timeout.
        case timeout
        /// No connection (refused, DNS, reset).
        case unreachable
        /// The service answered with an error status (its message in `message`).
        case refused(status: Int)
        /// A 2xx answer without `{"text": …}`.
        case badResponse
    }
    let kind: Kind
    let message: String

    /// Timeouts, no connection, 5xx and 429 (rate limited) pass; other 4xx (unreadable audio, bad
    /// model, bad key, wrong URL) and unreadable answers do not.
    var isTransient: Bool {
        switch kind {
        case .timeout, .unreachable: true
        case .refused(let status): status >= 500 || status == 429 || status == 408
        case .badResponse: false
        }
    }

    var description: String {
        switch kind {
        case .timeout: "the transcription service did not answer in time (\(message))"
        case .unreachable: "the transcription service is unreachable: \(message)"
        case .refused(let status): "the transcription service answered HTTP \(status): \(message)"
        case .badResponse: "the transcription service gave an unreadable answer: \(message)"
        }
    }
}

/// An OpenAI-compatible `POST …/v1/audio/transcriptions` (OpenAI, whisper servers, …):
/// multipart/form-data with `file`, `model` and `response_format=json`, answered by `{"text": "…"}`.
struct OpenAITranscriptionClient: SpeechToText {
    /// `SCAIDIAL_STT_URL`: the service's base (`http://stt:8000`), its `/v1`, or the full endpoint.
    let baseURL: String
    let model: String
    var apiKey: String? = nil
    var timeout: Duration = .seconds(60)
    var httpClient: HTTPClient = .shared
    /// Larger answers are refused (a transcript is a few KB).
    static let maxAnswerBytes = 1 << 20

    /// The endpoint: `…/audio/transcriptions` as given, `…/v1` + `/audio/transcriptions`, else base + `/v1/audio/transcriptions`.
    var endpoint: String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        if base.hasSuffix("/audio/transcriptions") { return base }
        if base.hasSuffix("/v1") { return base + "/audio/transcriptions" }
        return base + "/v1/audio/transcriptions"
    }

    func transcribe(_ audio: ByteBuffer, contentType: String) async throws -> String {
        let boundary = "scaidial-\(UUID().uuidString)"
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: "multipart/form-data; boundary=\(boundary)")
        request.headers.add(name: "accept", value: "application/json")
        if let apiKey { request.headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(
            Self.multipart(
                boundary: boundary, fields: [("model", model), ("response_format", "json")],
                file: (name: "message.\(Self.fileExtension(contentType))", type: contentType, bytes: audio)))
        let (status, body): (Int, ByteBuffer)
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            (status, body) = (Int(response.status.code), try await response.body.collect(upTo: Self.maxAnswerBytes))
        } catch let error as HTTPClientError
            where [.deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout].contains(error)
        {
            throw TranscriptionError(kind: .timeout, message: "no answer within \(timeout)")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TranscriptionError(kind: .unreachable, message: "\(error)")
        }
        let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        guard (200..<300).contains(status) else {
            // OpenAI's error shape is {"error": {"message": …}}; others send {"detail": …} or text.
            let message =
                (json?["error"] as? [String: Any])?["message"] as? String ?? json?["detail"] as? String
                ?? String(buffer: body).prefix(300).trimmingCharacters(in: .whitespacesAndNewlines)
            throw TranscriptionError(kind: .refused(status: status), message: message)
        }
        guard let text = json?["text"] as? String else {
            throw TranscriptionError(kind: .badResponse, message: String(String(buffer: body).prefix(300)))
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func multipart(
        boundary: String, fields: [(String, String)], file: (name: String, type: String, bytes: ByteBuffer)
    )
        -> ByteBuffer
    {
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n"
        )
        body.writeImmutableBuffer(file.bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        return body
    }

    /// Services tell the format by the file name's extension (OpenAI does), so it must match.
    static func fileExtension(_ contentType: String) -> String {
        switch contentType.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
        case "audio/ogg", "audio/opus", "application/ogg": "ogg"
        case "audio/mpeg", "audio/mp3": "mp3"
        case "audio/wav", "audio/x-wav", "audio/wave": "wav"
        case "audio/mp4", "audio/m4a", "audio/x-m4a": "m4a"
        case "audio/webm": "webm"
        case "audio/flac": "flac"
        default: "ogg"
        }
    }
}
