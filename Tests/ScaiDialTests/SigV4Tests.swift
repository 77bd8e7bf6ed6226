import Foundation
import Testing

@testable import ScaiDial

/// AWS Signature Version 4 against AWS's own published examples: the SigV4 test suite
/// (`get-vanilla`, `get-vanilla-query-order-key-case`; key AKIDEXAMPLE, 2015-08-30T12:36:00Z, region
/// us-east-1, service `service`) and the S3 header-signing examples of "Signature Calculations for
/// the Authorization Header: Transferring Payload in a Single Chunk" (key AKIAIOSFODNN7EXAMPLE,
/// 2013-05-24T00:00:00Z, bucket examplebucket).
@Suite("AWS Signature Version 4")
struct SigV4Tests {
    static let suite = SigV4(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", region: "us-east-1", service: "service")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let s3 = SigV4(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1", service: "s3"
    )
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    static let s3Host = ("host", "examplebucket.s3.amazonaws.com")
    static let empty = SigV4.emptyPayloadHash

    @Test("get-vanilla: the whole Authorization header as the test suite publishes it")
    func getVanilla() {
        let signed = Self.suite.sign(
            method: "GET", encodedPath: "/", headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
            payloadHash: Self.empty, date: Self.suiteDate)
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(
            signed.canonicalRequest == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(Self.empty)"
        )
    }

    @Test("get-vanilla-query-order-key-case: query parameters are sorted by name before signing")
    func queryOrder() {
        let signed = Self.suite.sign(
            method: "GET", encodedPath: "/", query: [("Param2", "value2"), ("Param1", "value1")],
            headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")], payloadHash: Self.empty, date: Self.suiteDate)
        #expect(signed.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
        #expect(signed.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "Param1=value1&Param2=value2")
    }

    @Test("S3 GET Object with Range: canonical request, string to sign and signature as documented")
    func s3GetObject() {
        let signed = Self.s3.sign(
            method: "GET", encodedPath: SigV4.encodePath("test.txt"),
            headers: [Self.s3Host, ("Range", "bytes=0-9"), ("x-amz-content-sha256", Self.empty), ("x-amz-date", "20130524T000000Z")],
            payloadHash: Self.empty, date: Self.s3Date)
        #expect(
            signed.canonicalRequest
                == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        #expect(
            signed.stringToSign
                == "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                + "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("S3 PUT Object: the body's hash is signed and `$` in the key is encoded as %24")
    func s3PutObject() {
        let body = Data("Welcome to Amazon S3.".utf8)
        let hash = SigV4.payloadHash(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let signed = Self.s3.sign(
            method: "PUT", encodedPath: SigV4.encodePath("test$file.text"),
            headers: [
                ("Date", "Fri, 24 May 2013 00:00:00 GMT"), Self.s3Host, ("x-amz-content-sha256", hash),
                ("x-amz-date", "20130524T000000Z"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ], payloadHash: hash, date: Self.s3Date)
        #expect(signed.canonicalRequest.hasPrefix("PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\n"))
        #expect(signed.stringToSign.hasSuffix("\n9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d"))
        #expect(signed.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
        #expect(signed.authorization.contains("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"))
    }

    @Test("S3 GET Bucket (list objects) and GET Bucket lifecycle: query strings, one with an empty value")
    func s3Queries() {
        let headers = [Self.s3Host, ("x-amz-content-sha256", Self.empty), ("x-amz-date", "20130524T000000Z")]
        let list = Self.s3.sign(
            method: "GET", encodedPath: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: headers, payloadHash: Self.empty,
            date: Self.s3Date)
        #expect(list.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
        let lifecycle = Self.s3.sign(
            method: "GET", encodedPath: "/", query: [("lifecycle", "")], headers: headers, payloadHash: Self.empty, date: Self.s3Date)
        #expect(lifecycle.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test("keys are encoded once, RFC 3986 style: unreserved characters and slashes stay, the rest is %XX of UTF-8")
    func encoding() {
        #expect(SigV4.encodePath("voicemail/a b+c=(1)!*'~_-.ogg") == "/voicemail/a%20b%2Bc%3D%281%29%21%2A%27~_-.ogg")
        #expect(SigV4.encodePath("/é/ключ") == "/%C3%A9/%D0%BA%D0%BB%D1%8E%D1%87")
        #expect(SigV4.encodePath("already%20encoded") == "/already%2520encoded")
        // The canonical URI botocore's S3SigV4Auth (1.x) computes for this key, path-style in bucket b.
        #expect(
            SigV4.encodePath("b/voicemail/odd name+(1)=!*'~$&,;@ é/ключ.ogg")
                == "/b/voicemail/odd%20name%2B%281%29%3D%21%2A%27~%24%26%2C%3B%40%20%C3%A9/%D0%BA%D0%BB%D1%8E%D1%87.ogg")
        #expect(SigV4.encode("a/b") == "a%2Fb")
        #expect(SigV4.canonicalQuery([("b", "2"), ("a", "x y"), ("a", "+")]) == "a=%2B&a=x%20y&b=2")
        #expect(SigV4.trimmed("  a   b  ") == "a b")
    }

    @Test("the signing key follows the four HMAC steps; another secret or another day signs differently")
    func keyDerivation() {
        let headers = [("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")]
        let base = Self.suite.sign(method: "GET", encodedPath: "/", headers: headers, payloadHash: Self.empty, date: Self.suiteDate)
        let otherSecret = SigV4(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wrong", region: "us-east-1", service: "service")
            .sign(method: "GET", encodedPath: "/", headers: headers, payloadHash: Self.empty, date: Self.suiteDate)
        let nextDay = Self.suite.sign(
            method: "GET", encodedPath: "/", headers: headers, payloadHash: Self.empty, date: Self.suiteDate + 86_400)
        #expect(Set([base.signature, otherSecret.signature, nextDay.signature]).count == 3)
        #expect(nextDay.authorization.contains("Credential=AKIDEXAMPLE/20150831/us-east-1/service/aws4_request"))
        #expect(SigV4.timestamps(Self.suiteDate) == ("20150830T123600Z", "20150830"))
    }
}
