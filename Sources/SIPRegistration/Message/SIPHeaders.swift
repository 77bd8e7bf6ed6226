/// SIP header fields in the order they came, looked up case-insensitively and by their compact
/// forms (RFC 3261 §7.3.3: `v` is `Via`, `i` is `Call-ID`, …).
public struct SIPHeaders: Sendable, Equatable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        for (name, value) in fields { add(name, value) }
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Every value of `name` (and its compact form); comma-separated values stay as one entry.
    public subscript(all name: String) -> [String] {
        let wanted = Self.canonical(name)
        return fields.filter { Self.canonical($0.name) == wanted }.map(\.value)
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? { self[all: name].first }

    static let compactForms: [String: String] = [
        "v": "via", "i": "call-id", "f": "from", "t": "to", "m": "contact", "l": "content-length",
        "c": "content-type", "k": "supported", "e": "content-encoding", "s": "subject",
    ]

    static func canonical(_ name: String) -> String {
        let lower = name.lowercased()
        return compactForms[lower] ?? lower
    }

    public static func == (a: SIPHeaders, b: SIPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// `;name=value` parameters after a header value (`;expires=60;q=0.5`), names lowercased.
enum HeaderParameters {
    /// Splits `<sip:a@b;transport=udp>;expires=60` into the part before the first parameter that
    /// is outside angle brackets and quotes, and the parameters.
    static func split(_ value: String) -> (head: String, params: [String: String]) {
        var head = ""
        var params: [String: String] = [:]
        var inAngle = false, inQuote = false
        var current = ""
        var seenFirst = false
        func flush() {
            if !seenFirst {
                head = current.trimmingSIPWhitespace()
                seenFirst = true
            } else if !current.isEmpty {
                let parts = current.split(separator: "=", maxSplits: 1).map { String($0).trimmingSIPWhitespace() }
                if let name = parts.first, !name.isEmpty {
                    params[name.lowercased()] = parts.count > 1 ? parts[1].unquoted() : ""
                }
            }
            current = ""
        }
        for ch in value {
            switch ch {
            case "\"" where !inAngle: inQuote.toggle()
            case "<" where !inQuote: inAngle = true
            case ">" where !inQuote: inAngle = false
            case ";" where !inAngle && !inQuote:
                flush()
                continue
            default: break
            }
            current.append(ch)
        }
        flush()
        return (head, params)
    }

    /// Splits a header value at commas that are outside angle brackets and quotes (several
    /// `Contact`s or challenges in one header line).
    static func commaSeparated(_ value: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inAngle = false, inQuote = false
        for ch in value {
            switch ch {
            case "\"" where !inAngle: inQuote.toggle()
            case "<" where !inQuote: inAngle = true
            case ">" where !inQuote: inAngle = false
            case "," where !inAngle && !inQuote:
                out.append(current.trimmingSIPWhitespace())
                current = ""
                continue
            default: break
            }
            current.append(ch)
        }
        let last = current.trimmingSIPWhitespace()
        if !last.isEmpty { out.append(last) }
        return out
    }
}

extension String {
    func trimmingSIPWhitespace() -> String {
        // "\r\n" is a Character of its own.
        let blank: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        var s = Substring(self)
        while let f = s.first, blank.contains(f) { s = s.dropFirst() }
        while let l = s.last, blank.contains(l) { s = s.dropLast() }
        return String(s)
    }

    func unquoted() -> String {
        guard count >= 2, hasPrefix("\""), hasSuffix("\"") else { return self }
        var out = ""
        var escaped = false
        for ch in dropFirst().dropLast() {
            if escaped {
                out.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
