/// A SIP response as received from a registrar.
public struct SIPResponse: Sendable, Equatable {
    public var statusCode: Int
    public var reason: String
    public var headers: SIPHeaders
    public var body: [UInt8]

    public init(statusCode: Int, reason: String, headers: SIPHeaders, body: [UInt8] = []) {
        self.statusCode = statusCode
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The `branch` of the top `Via`: which client transaction this answers.
    public var branch: String? {
        guard let via = headers["Via"].map(HeaderParameters.commaSeparated)?.first else { return nil }
        return HeaderParameters.split(via).params["branch"]
    }

    public var callID: String? { headers["Call-ID"]?.trimmingSIPWhitespace() }

    /// `CSeq: 12 REGISTER` → (12, "REGISTER").
    public var cseq: (number: Int, method: String)? {
        guard let raw = headers["CSeq"] else { return nil }
        let parts = raw.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2, let n = Int(parts[0]) else { return nil }
        return (n, String(parts[1]))
    }

    /// Whole seconds from a header such as `Expires`, `Min-Expires` or `Retry-After`
    /// (`Retry-After: 120 (maintenance);duration=60` → 120).
    public func seconds(_ header: String) -> Int? {
        guard let raw = headers[header] else { return nil }
        let digits = raw.trimmingSIPWhitespace().prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? nil : Int(digits.prefix(10))
    }

    /// The `Contact` entries of the answer, as URI and `expires` parameter.
    public var contacts: [(uri: String, expires: Int?)] {
        headers[all: "Contact"].flatMap(HeaderParameters.commaSeparated).map { entry in
            let (head, params) = HeaderParameters.split(entry)
            return (SIPURI.bare(head), params["expires"].flatMap { Int($0) })
        }
    }

    public var isFinal: Bool { statusCode >= 200 }

    public static func == (a: SIPResponse, b: SIPResponse) -> Bool {
        a.statusCode == b.statusCode && a.reason == b.reason && a.headers == b.headers && a.body == b.body
    }
}

/// A response that could not be read; it is counted and ignored.
public struct SIPParseError: Error, Equatable, CustomStringConvertible, Sendable {
    public let reason: String
    public var description: String { "malformed SIP message: \(reason)" }
    init(_ reason: String) { self.reason = reason }
}

/// Reads SIP responses (RFC 3261 §7) from bytes: one datagram, or one message cut from a stream.
public enum SIPMessageParser {
    /// The largest message accepted (a REGISTER answer is a few hundred bytes).
    public static let maximumSize = 65_535

    /// Parses one complete message. Requests, unknown versions, bad status lines, headers without
    /// a colon and bodies shorter than their `Content-Length` are errors.
    public static func parseResponse(_ bytes: some Collection<UInt8>) throws -> SIPResponse {
        let data = Array(bytes)
        guard data.count <= maximumSize else { throw SIPParseError("larger than \(maximumSize) bytes") }
        guard let end = headerEnd(data) else { throw SIPParseError("no blank line after the headers") }
        guard let text = String(validating: data[..<end.headers], as: UTF8.self) else {
            throw SIPParseError("headers are not UTF-8")
        }
        var lines = unfold(text.components(separatedByCRLF: ()))
        guard !lines.isEmpty else { throw SIPParseError("empty message") }
        let statusLine = lines.removeFirst()
        let (code, reason) = try parseStatusLine(statusLine)
        var headers = SIPHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw SIPParseError("header line without a colon") }
            let name = String(line[..<colon]).trimmingSIPWhitespace()
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw SIPParseError("bad header name")
            }
            headers.add(name, String(line[line.index(after: colon)...]).trimmingSIPWhitespace())
        }
        var body = Array(data[end.body...])
        if let declared = headers["Content-Length"] {
            guard let length = Int(declared), length >= 0 else { throw SIPParseError("bad Content-Length") }
            guard body.count >= length else { throw SIPParseError("body shorter than its Content-Length") }
            body = Array(body.prefix(length))
        }
        return SIPResponse(statusCode: code, reason: reason, headers: headers, body: body)
    }

    static func parseStatusLine(_ line: String) throws -> (Int, String) {
        guard line.hasPrefix("SIP/2.0 ") else {
            throw SIPParseError(line.contains("SIP/2.0") ? "a request, not a response" : "not a SIP/2.0 status line")
        }
        let rest = line.dropFirst("SIP/2.0 ".count)
        let codeText = rest.prefix(3)
        guard codeText.count == 3, codeText.allSatisfy({ $0.isASCII && $0.isNumber }), let code = Int(codeText),
            (100...699).contains(code)
        else { throw SIPParseError("bad status code") }
        let afterCode = rest.dropFirst(3)
        guard afterCode.isEmpty || afterCode.first == " " else { throw SIPParseError("bad status code") }
        return (code, String(afterCode).trimmingSIPWhitespace())
    }

    /// Where the headers end (`CRLF CRLF`, or a bare `LF LF` from a sloppy server).
    static func headerEnd(_ data: [UInt8]) -> (headers: Int, body: Int)? {
        var i = 0
        while i + 1 < data.count {
            if data[i] == 10 && data[i + 1] == 10 { return (i, i + 2) }
            if i + 3 < data.count && data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10 {
                return (i, i + 4)
            }
            i += 1
        }
        return nil
    }

    /// Joins folded header lines (a line starting with space or tab continues the one before).
    static func unfold(_ lines: [String]) -> [String] {
        var out: [String] = []
        for line in lines {
            if let first = line.first, first == " " || first == "\t", !out.isEmpty {
                out[out.count - 1] += " " + line.trimmingSIPWhitespace()
            } else {
                out.append(line)
            }
        }
        return out
    }
}

extension String {
    /// Lines split at CRLF (or LF).
    func components(separatedByCRLF: ()) -> [String] {
        // By scalars: "\r\n" is one Character, so splitting Characters at "\n" would miss it.
        unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.last == "\r" ? line.dropLast() : line)
        }
    }
}

/// Cuts complete messages out of a TCP/TLS byte stream by their `Content-Length` (RFC 3261
/// §18.3: mandatory on streams). Keep-alive CRLFs between messages are skipped.
public struct SIPStreamFramer: Sendable {
    private var buffer: [UInt8] = []

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next complete message's bytes, nil while incomplete; throws when the stream cannot be
    /// read any further (no `Content-Length`, or headers beyond the size limit).
    public mutating func next() throws -> [UInt8]? {
        // Removed at once: one byte at a time moved the whole buffer for each (quadratic).
        let keepAlives = buffer.prefix { $0 == 13 || $0 == 10 }.count
        if keepAlives > 0 { buffer.removeFirst(keepAlives) }
        guard let end = SIPMessageParser.headerEnd(buffer) else {
            if buffer.count > SIPMessageParser.maximumSize { throw SIPParseError("headers larger than the limit") }
            return nil
        }
        let head = String(decoding: buffer[..<end.headers], as: UTF8.self)
        var length: Int?
        for line in SIPMessageParser.unfold(head.components(separatedByCRLF: ())) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if SIPHeaders.canonical(String(line[..<colon]).trimmingSIPWhitespace()) == "content-length" {
                length = Int(String(line[line.index(after: colon)...]).trimmingSIPWhitespace())
            }
        }
        guard let length, length >= 0, length <= SIPMessageParser.maximumSize else {
            throw SIPParseError("a stream message without a valid Content-Length")
        }
        guard buffer.count >= end.body + length else { return nil }
        let message = Array(buffer[..<(end.body + length)])
        buffer.removeFirst(end.body + length)
        return message
    }
}
