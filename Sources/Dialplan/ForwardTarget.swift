extension RuleValidation {
    /// Validates and normalises a forward target; errors are on `action.target` (or `action.mode`).
    ///
    /// A number (optionally "tel:"-prefixed) is normalised to E.164 with `defaultCountry`, so
    /// "020 1234567" with "NL" becomes "+31201234567". A "sip:user@host[:port][;params]" URI gets a
    /// structural check (user: letters, digits and `-_.!~*'()&=+$,;?/%`; host: a DNS name, IPv4
    /// or [IPv6]; port 1...65535) and comes back with a lower-case scheme. A `sip:` target needs
    /// mode `refer`: `bridge` dials a number over the tenant's trunk (error on `action.mode`).
    public static func forwardTarget(
        _ raw: String?, mode: ForwardMode, defaultCountry: String?
    ) -> Result<String, ValidationFailure> {
        func failure(_ message: String, field: String = "action.target") -> Result<String, ValidationFailure> {
            .failure(ValidationFailure([FieldError(field: field, message: message)]))
        }
        guard let raw = present(raw?.trimmingSpaces) else { return failure("is required for a forward") }
        let lower = raw.lowercased()
        if lower.hasPrefix("sips:") { return failure("sips: URIs are not supported; use sip:") }
        if lower.hasPrefix("sip:") {
            let rest = raw.dropFirst(4)
            if let problem = SIPURI.problem(rest) { return failure(problem) }
            guard mode == .refer else {
                return failure("a sip: target needs mode refer (bridge dials a phone number)", field: "action.mode")
            }
            return .success("sip:" + rest)
        }
        let number = lower.hasPrefix("tel:") ? String(raw.dropFirst(4)) : raw
        do {
            return .success(try E164.normalize(number, defaultCountry: defaultCountry))
        } catch {
            return failure("must be a phone number or a sip: URI; the number \(error.message)")
        }
    }
}

/// The basic shape of the part of a SIP URI after "sip:".
enum SIPURI {
    static func problem(_ s: Substring) -> String? {
        let noParams = s.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let at = noParams.lastIndex(of: "@") else { return "a sip: URI needs user@host" }
        let user = noParams[..<at], hostPort = noParams[noParams.index(after: at)...]
        let userChars = "-_.!~*'()&=+$,;?/%"
        guard !user.isEmpty, user.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || userChars.contains($0)) })
        else { return "the user part of the sip: URI is empty or has characters a SIP URI does not allow" }
        var host = hostPort, port: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return "unclosed '[' in the sip: URI host" }
            host = hostPort[...close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "unexpected text after the IPv6 host" }
                port = after.dropFirst()
            }
            let inner = host.dropFirst().dropLast()
            guard inner.contains(":"), inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
            else { return "the sip: URI host is not a valid IPv6 address" }
        } else {
            let parts = hostPort.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return "the sip: URI host has more than one ':'" }
            host = parts[0]
            port = parts.count == 2 ? parts[1] : nil
            guard isHostName(host) else { return "the sip: URI host is not a valid host name or address" }
        }
        if let port {
            guard let n = Int(port), port.allSatisfy(\.isASCII), (1...65535).contains(n)
            else { return "the sip: URI port must be 1-65535" }
        }
        return nil
    }

    /// DNS name or dotted IPv4: labels of letters, digits and inner hyphens.
    private static func isHostName(_ host: Substring) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
