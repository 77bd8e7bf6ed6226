import Foundation

extension TrunkModel {
    /// Applies a create or PATCH body. Passwords are sealed with `secrets`; an empty or null
    /// password clears it. Cross-field rules are checked on the resulting trunk.
    func apply(_ input: Input, creating: Bool, secrets: SecretBox, addresses: SIPAddressGuard = .init()) throws {
        let registrationBefore = creating ? nil : registrationSettings
        if let v = input.string("name", required: creating, maxLength: 100) { name = v }
        if let v = input.string("address", required: creating, maxLength: 255) {
            if SIPAddress.isValidHostPort(v) {
                if let refusal = addresses.refusalWhenSaved(v) { input.fail("address", refusal) } else { address = v }
            } else {
                input.fail("address", "must be host[:port], e.g. sip.carrier.example or 192.0.2.10:5060")
            }
        }
        if let v = input.choice("transport", Transport.self) { transport = v.rawValue }
        if let v = input.choice("refer_uri", ReferURIStyle.self) { referURI = v.rawValue }
        if let v = input.bool("register") { register = v }
        if let list = input.stringArray("allowed_addresses") {
            let bad = list.enumerated().filter { !SIPAddress.isValidIPOrCIDR($0.element) }
            for (i, _) in bad { input.errors.add("allowed_addresses[\(i)]", "must be an IP address or CIDR, e.g. 192.0.2.0/24") }
            if bad.isEmpty { allowedAddressesJSON = StringList.encode(list) }
        }
        switch input.nullableString("auth_username", maxLength: 128) {
        case .absent: break
        case .null: authUsername = nil
        case .value(let v): authUsername = v
        }
        switch input.nullableString("auth_password", maxLength: 256) {
        case .absent: break
        case .null: authPasswordSealed = nil
        case .value(let v): authPasswordSealed = try secrets.seal(v)
        }
        switch input.nullableString("inbound_auth_username", maxLength: 128) {
        case .absent: break
        case .null: inboundAuthUsername = nil
        case .value(let v): inboundAuthUsername = v
        }
        switch input.nullableString("inbound_auth_password", maxLength: 256) {
        case .absent: break
        case .null: inboundAuthPasswordSealed = nil
        case .value(let v): inboundAuthPasswordSealed = try secrets.seal(v)
        }
        if (inboundAuthUsername == nil) != (inboundAuthPasswordSealed == nil) {
            input.fail(
                inboundAuthUsername == nil ? "inbound_auth_username" : "inbound_auth_password",
                "inbound_auth_username and inbound_auth_password are set together")
        }
        if authPasswordSealed != nil && authUsername == nil {
            input.fail("auth_username", "is required when auth_password is set")
        }
        if register && (authUsername == nil || authPasswordSealed == nil) {
            input.fail("register", "a registering trunk needs auth_username and auth_password")
        }
        // A new or changed registration starts over as `registering` (the registration service
        // takes it from there); an unchanged one keeps the live state it has.
        if !register {
            setRegistration(state: .disabled)
        } else if registrationSettings != registrationBefore {
            setRegistration(state: .registering)
        }
    }

    /// What a registration depends on; a change re-registers the trunk.
    var registrationSettings: [String?] {
        // Through the property wrappers' values: a trunk being created may lack a field yet.
        [register ? "register" : nil, $address.value, $transport.value, $authUsername.value ?? nil, $authPasswordSealed.value ?? nil]
    }

    func setRegistration(
        state: TrunkRegistrationState, statusCode: Int? = nil, error: String? = nil, expiresAt: Date? = nil, nextAttemptAt: Date? = nil
    ) {
        registrationState = state
        registrationStatusCode = statusCode
        registrationError = error
        registrationExpiresAt = expiresAt
        registrationNextAttemptAt = nextAttemptAt
    }
}

/// Syntax checks for SIP addresses; no DNS here (names are resolved when used).
enum SIPAddress {
    static func isValidHostPort(_ s: String) -> Bool {
        var host = Substring(s)
        var port: Substring?
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return false }
            host = s[s.index(after: s.startIndex)..<close]
            let rest = s[s.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return false }
                port = rest.dropFirst()
            }
            guard isIPv6(String(host)) else { return false }
        } else {
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return false }
            host = parts[0]
            port = parts.count == 2 ? parts[1] : nil
            guard isHostname(host) else { return false }
        }
        if let port { guard let p = Int(port), (1...65535).contains(p) else { return false } }
        return true
    }

    static func isHostname(_ h: Substring) -> Bool {
        guard !h.isEmpty, h.count <= 253 else { return false }
        return h.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { p in
                !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCIIDigit) && (Int(p) ?? 256) <= 255
            }
    }

    static func isIPv6(_ s: String) -> Bool {
        var addr = in6_addr()
        return s.contains(":") && inet_pton(AF_INET6, s, &addr) == 1
    }

    static func isValidIPOrCIDR(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        let ip = String(parts[0])
        let maxBits: Int
        if isIPv4(ip) { maxBits = 32 } else if isIPv6(ip) { maxBits = 128 } else { return false }
        if parts.count == 2 {
            guard let bits = Int(parts[1]), (0...maxBits).contains(bits) else { return false }
        }
        return true
    }
}
