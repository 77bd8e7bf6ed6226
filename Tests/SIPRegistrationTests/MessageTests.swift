import Testing

@testable import SIPRegistration

@Suite("SIP messages")
struct MessageTests {
    static let ok =
        "SIP/2.0 200 OK\r\n"
        + "v: SIP/2.0/UDP 192.0.2.1:5060;rport=40000;received=198.51.100.7;branch=z9hG4bKabc\r\n"
        + "From: <sip:acme@sip.carrier.example>;tag=f1\r\n"
        + "To: <sip:acme@sip.carrier.example>;tag=t1\r\n"
        + "i: call-1@scaidial\r\n"
        + "CSeq: 2 REGISTER\r\n"
        + "Contact: <sip:acme@lk.example.com:5060;transport=udp>;expires=120,\r\n"
        + " <sip:other@192.0.2.9>;expires=30\r\n"
        + "Expires: 300\r\n"
        + "Content-Length: 0\r\n\r\n"

    @Test("a 200 OK is read with compact header names, folded lines and several Contacts")
    func parsesOK() throws {
        let r = try SIPMessageParser.parseResponse(Array(Self.ok.utf8))
        #expect(r.statusCode == 200)
        #expect(r.reason == "OK")
        #expect(r.branch == "z9hG4bKabc")
        #expect(r.callID == "call-1@scaidial")
        #expect(r.cseq?.number == 2 && r.cseq?.method == "REGISTER")
        #expect(r.seconds("Expires") == 300)
        #expect(r.contacts.map(\.uri) == ["sip:acme@lk.example.com:5060;transport=udp", "sip:other@192.0.2.9"])
        #expect(r.contacts.map(\.expires) == [120, 30])
    }

    @Test("Retry-After and Min-Expires are read as whole seconds, comments and parameters aside")
    func seconds() throws {
        let r = try SIPMessageParser.parseResponse(
            Array("SIP/2.0 503 Service Unavailable\r\nRetry-After: 120 (maintenance);duration=60\r\nMin-Expires:  90\r\n\r\n".utf8))
        #expect(r.seconds("Retry-After") == 120)
        #expect(r.seconds("Min-Expires") == 90)
        #expect(r.seconds("Expires") == nil)
    }

    @Test(
        "malformed answers are refused with a reason",
        arguments: [
            ("REGISTER sip:x SIP/2.0\r\nVia: x\r\n\r\n", "a request, not a response"),
            ("HTTP/1.1 200 OK\r\n\r\n", "not a SIP/2.0 status line"),
            ("SIP/2.0 2OO OK\r\n\r\n", "bad status code"),
            ("SIP/2.0 999 Nine\r\n\r\n", "bad status code"),
            ("SIP/2.0 200 OK\r\nNo colon here\r\n\r\n", "header line without a colon"),
            ("SIP/2.0 200 OK\r\nContent-Length: 10\r\n\r\nshort", "body shorter than its Content-Length"),
            ("SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"),
            ("SIP/2.0 200 OK\r\nVia: x\r\n", "no blank line after the headers"),
            ("\u{0}\u{1}\u{2}", "no blank line after the headers"),
        ])
    func malformed(text: String, reason: String) {
        #expect(throws: SIPParseError(reason)) { try SIPMessageParser.parseResponse(Array(text.utf8)) }
    }

    @Test("non-UTF-8 headers are refused")
    func notUTF8() {
        #expect(throws: SIPParseError("headers are not UTF-8")) {
            try SIPMessageParser.parseResponse([0x53, 0x49, 0x50, 0xff, 0xfe, 13, 10, 13, 10])
        }
    }

    @Test("the stream framer cuts messages by Content-Length, across reads, skipping keep-alive CRLFs")
    func framer() throws {
        var framer = SIPStreamFramer()
        let one = "SIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\n"
        let two = "SIP/2.0 200 OK\r\nl: 4\r\n\r\nbody"
        let all = Array(("\r\n\r\n" + one + two).utf8)
        framer.append(all.prefix(30))
        #expect(try framer.next() == nil)
        framer.append(all.dropFirst(30))
        #expect(try framer.next() == Array(one.utf8))
        let second = try #require(try framer.next())
        #expect(try SIPMessageParser.parseResponse(second).body == Array("body".utf8))
        #expect(try framer.next() == nil)
    }

    @Test("a flood of keep-alive CRLFs before a message is skipped in one pass (it was one buffer move per byte)")
    func framerSkipsCRLFFlood() throws {
        var framer = SIPStreamFramer()
        // 4 MB of CRLF: byte-by-byte removal moved the rest of the buffer 4 million times (~8 TB).
        framer.append(Array(repeating: [UInt8]([13, 10]), count: 2_000_000).joined())
        #expect(try framer.next() == nil)
        let one = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"
        framer.append(Array(repeating: [UInt8]([13, 10]), count: 500_000).joined() + Array(one.utf8))
        #expect(try framer.next() == Array(one.utf8))
    }

    @Test("a stream message without Content-Length cannot be framed")
    func framerNeedsLength() {
        var framer = SIPStreamFramer()
        framer.append(Array("SIP/2.0 200 OK\r\nVia: x\r\n\r\n".utf8))
        #expect(throws: SIPParseError.self) { try framer.next() }
    }

    @Test("REGISTER is written with Via rport and branch, one Call-ID, CSeq, Contact and Expires")
    func rendersRegister() {
        let request = RegisterRequest(
            requestURI: "sip:sip.carrier.example", addressOfRecord: "sip:acme@sip.carrier.example", fromTag: "f1", callID: "c1@scaidial",
            cseq: 7, branch: "z9hG4bK1234", contact: "sip:acme@lk.example.com:5060;transport=udp", expires: 600,
            credentials: ("Authorization", "Digest username=\"acme\""))
        let text = String(decoding: request.render(transport: .tcp, sentBy: "10.0.0.5:40123"), as: UTF8.self)
        #expect(
            text == "REGISTER sip:sip.carrier.example SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 10.0.0.5:40123;rport;branch=z9hG4bK1234\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:acme@sip.carrier.example>;tag=f1\r\n"
                + "To: <sip:acme@sip.carrier.example>\r\n"
                + "Call-ID: c1@scaidial\r\n"
                + "CSeq: 7 REGISTER\r\n"
                + "Contact: <sip:acme@lk.example.com:5060;transport=udp>\r\n"
                + "Expires: 600\r\n"
                + "Authorization: Digest username=\"acme\"\r\n"
                + "User-Agent: ScaiDial\r\n"
                + "Content-Length: 0\r\n\r\n")
    }

    @Test("an un-REGISTER carries expires=0 on the Contact and in Expires")
    func rendersUnregister() {
        let request = RegisterRequest(
            requestURI: "sip:c.example", addressOfRecord: "sip:a@c.example", fromTag: "f", callID: "c", cseq: 9, branch: "z9hG4bKx",
            contact: "sip:a@lk.example.com", expires: 0)
        let text = String(decoding: request.render(transport: .udp, sentBy: "[2001:db8::1]:5060"), as: UTF8.self)
        #expect(text.contains("Contact: <sip:a@lk.example.com>;expires=0\r\n"))
        #expect(text.contains("Expires: 0\r\n"))
        #expect(text.contains("Via: SIP/2.0/UDP [2001:db8::1]:5060;rport;branch=z9hG4bKx\r\n"))
    }

    @Test("the Contact gets the account's user when the configured URI has none")
    func contactURI() {
        #expect(
            SIPURI.contact(base: "sip:sip.example.com:5060;transport=udp", user: "acme")
                == "sip:acme@sip.example.com:5060;transport=udp")
        #expect(SIPURI.contact(base: "sip:lk@sip.example.com", user: "acme") == "sip:lk@sip.example.com")
        #expect(SIPURI.contact(base: "sips:sip.example.com", user: "a b") == "sips:a%20b@sip.example.com")
        #expect(SIPURI.isValid("sip:sip.example.com:5060;transport=udp"))
        #expect(!SIPURI.isValid("http://sip.example.com"))
        #expect(!SIPURI.isValid("sip:"))
    }

    @Test("the request URI and address of record follow the account; the default port is left out")
    func accountURIs() {
        let a = RegistrationAccount(host: "sip.carrier.example", port: 5060, username: "acme", password: "pw", contact: "sip:x")
        #expect(a.requestURI == "sip:sip.carrier.example")
        #expect(a.addressOfRecord == "sip:acme@sip.carrier.example")
        let b = RegistrationAccount(host: "::1", port: 5080, transport: .tcp, username: "acme", password: "pw", contact: "sip:x")
        #expect(b.requestURI == "sip:[::1]:5080")
        #expect(!"\(b)".contains("pw"))
        #expect(!String(reflecting: b).contains("pw"))
    }
}
