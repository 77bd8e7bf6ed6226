import Testing

@testable import SIPRegistration

@Suite("Digest authentication")
struct DigestTests {
    /// RFC 7616 §3.9.1's example, with its published responses for MD5 and SHA-256.
    static func rfc7616(_ algorithm: String) -> DigestChallenge {
        DigestChallenge.parse(
            """
            Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=\(algorithm), \
            nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
            """, isProxy: false)!
    }

    @Test("MD5 with qop=auth matches RFC 7616's published response")
    func md5() {
        let (header, value) = DigestCredentials(username: "Mufasa", password: "Circle of Life").answer(
            Self.rfc7616("MD5"), method: "GET", uri: "/dir/index.html", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            nonceCount: 1)
        #expect(header == "Authorization")
        #expect(value.contains("response=\"8ca523f5e9506fed4657c9700eebdbec\""))
        #expect(value.contains("qop=auth, nc=00000001"))
        #expect(value.contains("cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\""))
        #expect(value.contains("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""))
        #expect(value.contains("algorithm=MD5"))
    }

    @Test("SHA-256 with qop=auth matches RFC 7616's published response")
    func sha256() {
        let (_, value) = DigestCredentials(username: "Mufasa", password: "Circle of Life").answer(
            Self.rfc7616("SHA-256"), method: "GET", uri: "/dir/index.html", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            nonceCount: 1)
        #expect(value.contains("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""))
        #expect(value.contains("algorithm=SHA-256"))
    }

    @Test("without qop the RFC 2069 form is used (no cnonce, no nc)")
    func noQop() {
        let c = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\"", isProxy: true)!
        let (header, value) = DigestCredentials(username: "u", password: "p").answer(
            c, method: "REGISTER", uri: "sip:r", cnonce: "c", nonceCount: 1)
        #expect(header == "Proxy-Authorization")
        // MD5(MD5(u:r:p):n:MD5(REGISTER:sip:r))
        let ha1 = DigestChallenge.Algorithm.md5.hash("u:r:p")
        let ha2 = DigestChallenge.Algorithm.md5.hash("REGISTER:sip:r")
        #expect(value.contains("response=\"\(DigestChallenge.Algorithm.md5.hash("\(ha1):n:\(ha2)"))\""))
        #expect(!value.contains("cnonce") && !value.contains("nc="))
    }

    @Test("the nonce count is eight hex digits")
    func nonceCount() {
        let c = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth\"", isProxy: false)!
        let (_, value) = DigestCredentials(username: "u", password: "p").answer(
            c, method: "REGISTER", uri: "sip:r", cnonce: "c", nonceCount: 26)
        #expect(value.contains("nc=0000001a"))
    }

    @Test("of several challenges the strongest one spoken is answered; unknown algorithms are passed over")
    func best() throws {
        let response = SIPResponse(
            statusCode: 401, reason: "Unauthorized",
            headers: SIPHeaders([
                ("WWW-Authenticate", "Digest realm=\"r\", nonce=\"a\", algorithm=MD5, qop=\"auth\""),
                ("WWW-Authenticate", "Digest realm=\"r\", nonce=\"b\", algorithm=SHA-256, qop=\"auth\""),
                ("WWW-Authenticate", "Digest realm=\"r\", nonce=\"c\", algorithm=SHA-512-256, qop=\"auth\""),
            ]))
        let c = try #require(DigestChallenge.best(in: response))
        #expect(c.algorithm == .sha256)
        #expect(c.nonce == "b")
    }

    @Test("challenges are parsed with quoted commas, escapes, stale and a 407's proxy header")
    func parsing() throws {
        let c = try #require(
            DigestChallenge.parse(#"Digest realm="a, \"b\"", nonce=xyz, stale=TRUE, algorithm=md5-sess, qop="auth""#, isProxy: true))
        #expect(c.realm == #"a, "b""#)
        #expect(c.nonce == "xyz")
        #expect(c.stale)
        #expect(c.algorithm == .md5Sess)
        #expect(c.isProxy)
        #expect(DigestChallenge.parse("Basic realm=\"r\"", isProxy: false) == nil)
        #expect(DigestChallenge.parse("Digest nonce=\"n\"", isProxy: false) == nil)
        #expect(DigestChallenge.parse("Digest realm=\"unterminated", isProxy: false) == nil)
        let proxy = SIPResponse(
            statusCode: 407, reason: "Proxy Authentication Required",
            headers: SIPHeaders([("Proxy-Authenticate", "Digest realm=\"p\", nonce=\"n\"")]))
        #expect(DigestChallenge.best(in: proxy)?.realm == "p")
    }

    @Test("the -sess variant hashes the nonce and cnonce into HA1")
    func session() {
        let c = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256-sess, qop=\"auth\"", isProxy: false)!
        let h = DigestChallenge.Algorithm.sha256.hash
        let ha1 = h("\(h("u:r:p")):n:c")
        let expected = h("\(ha1):n:00000001:c:auth:\(h("REGISTER:sip:r"))")
        let (_, value) = DigestCredentials(username: "u", password: "p").answer(
            c, method: "REGISTER", uri: "sip:r", cnonce: "c", nonceCount: 1)
        #expect(value.contains("response=\"\(expected)\""))
    }
}
