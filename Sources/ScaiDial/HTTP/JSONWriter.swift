import Hummingbird
import NIOCore

/// Writes one flat JSON object by hand, for the few hot responses where the general encoder costs
/// too much. Strings are escaped as RFC 8259 requires; `nil` is written as `null`.
struct JSONWriter {
    private var out = "{"
    private var first = true

    private mutating func key(_ name: String) {
        if !first { out += "," }
        first = false
        Self.quote(name, into: &out)
        out += ":"
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { Self.quote(value, into: &out) } else { out += "null" }
    }

    mutating func field(_ name: String, _ value: Int?) {
        key(name)
        out += value.map(String.init) ?? "null"
    }

    /// Members in key order, so the output is stable.
    mutating func field(_ name: String, _ value: [String: String]?) {
        key(name)
        guard let value else {
            out += "null"
            return
        }
        out += "{"
        for (i, (k, v)) in value.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out += "," }
            Self.quote(k, into: &out)
            out += ":"
            Self.quote(v, into: &out)
        }
        out += "}"
    }

    /// A member whose value is JSON already written (a nested object or array).
    mutating func field(_ name: String, json: String) {
        key(name)
        out += json
    }

    mutating func finish() -> String {
        out += "}"
        return out
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        var plain = true
        for b in s.utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            out += s
        } else {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// A JSON answer written by hand (`json`), with the headers Hummingbird's JSON encoder sets.
protocol HandWrittenJSON: ResponseGenerator {
    var json: String { get }
}

extension HandWrittenJSON {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}
