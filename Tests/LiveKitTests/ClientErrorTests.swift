import Foundation
import LiveKit
import LiveKitFake
import Testing

@Suite("LiveKitClient: failures become LiveKitError")
struct ClientErrorTests {
    @Test("a SIP 486 keeps its Twirp code, message and SIP status")
    func sipBusy() async throws {
        try await withFake { fake, client in
            let trunk = try await client.createSIPOutboundTrunk(SIPFixtures.outbound)
            await fake.fail("CreateSIPParticipant", with: .sip(code: 486, status: "Busy Here"))
            let error = try await #require(throws: LiveKitError.self) {
                try await client.createSIPParticipant(SIPFixtures.participant(trunkID: trunk.sipTrunkId!))
            }
            #expect(error.kind == .twirp(code: "resource_exhausted") && error.httpStatus == 429)
            #expect(error.sipStatusCode == 486 && error.sipStatus == "Busy Here")
            #expect(error.description == "LiveKit refused CreateSIPParticipant: resource_exhausted: sip status 486: Busy Here (SIP 486)")
            #expect(!error.isRetryable)
            // The fault was used up: the next call goes through.
            _ = try await client.createSIPParticipant(SIPFixtures.participant(trunkID: trunk.sipTrunkId!))
        }
    }

    @Test("validation and missing objects come back as the server's Twirp errors")
    func validation() async throws {
        try await withFake { _, client in
            let noNumbers = await #expect(throws: LiveKitError.self) {
                try await client.createSIPOutboundTrunk(SIPOutboundTrunkInfo(address: "a"))
            }
            #expect(noNumbers?.kind == .twirp(code: "invalid_argument") && noNumbers?.httpStatus == 400)
            let open = await #expect(throws: LiveKitError.self) {
                try await client.createSIPInboundTrunk(SIPInboundTrunkInfo(name: "open"))
            }
            #expect(open?.message.hasPrefix("for security") == true)
            let missing = await #expect(throws: LiveKitError.self) {
                try await client.updateSIPInboundTrunk(id: "ST_gone", replace: SIPFixtures.inbound)
            }
            #expect(missing?.kind == .twirp(code: "not_found") && missing?.httpStatus == 404)
            let rule = await #expect(throws: LiveKitError.self) { try await client.deleteSIPDispatchRule(id: "SDR_gone") }
            #expect(rule?.kind == .twirp(code: "not_found"))
        }
    }

    @Test("a plain-text 401 is .unauthorized; 503 and 5xx are retryable")
    func statusKinds() async throws {
        try await withFake { fake, client in
            await fake.fail("ListSIPInboundTrunk", with: .plainText401)
            let unauthorized = await #expect(throws: LiveKitError.self) { try await client.listSIPInboundTrunks() }
            #expect(unauthorized?.kind == .unauthorized && unauthorized?.message == "invalid authorization token")
            await fake.failAll(with: .unavailable)
            let unavailable = await #expect(throws: LiveKitError.self) { try await client.createRoom(CreateRoomRequest(name: "r")) }
            #expect(unavailable?.kind == .twirp(code: "unavailable") && unavailable?.httpStatus == 503 && unavailable?.isRetryable == true)
            await fake.failAll(with: .status(500, code: "internal", message: "boom"))
            let internalError = await #expect(throws: LiveKitError.self) { try await client.deleteRoom("r") }
            #expect(internalError?.isRetryable == true && internalError?.message == "boom")
            await fake.failAll(with: nil)
            _ = try await client.createRoom(CreateRoomRequest(name: "r"))
        }
    }

    @Test("a slow server is .timeout, well within a bound")
    func timeout() async throws {
        try await withFake(timeout: .milliseconds(300)) { fake, client in
            // The answer comes long after the bound below: only the client's own timeout can end it within.
            await fake.fail("CreateRoom", with: .delay(.seconds(6)))
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: LiveKitError.self) { try await client.createRoom(CreateRoomRequest(name: "slow")) }
            #expect(error?.kind == .timeout && error?.isRetryable == true)
            #expect(clock.now - start < .seconds(4))
            // Under load the request may reach the fake after the client already gave up: wait for it.
            for _ in 0..<100 where await fake.requests("CreateRoom").isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            let sent = try #require(await fake.requests("CreateRoom").first)
            #expect(sent.claims.video?.roomCreate == true)
        }
    }

    @Test("a closed port is unreachable within the connect timeout, even for a call allowed to wait a minute (a dial)")
    func unreachableLongCall() async throws {
        let client = LiveKitClient(credentials: .init(url: "ws://127.0.0.1:1", apiKey: "k", apiSecret: "s"), timeout: .seconds(60))
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: LiveKitError.self) { try await client.listSIPDispatchRules() }
        #expect(error?.kind == .unreachable && error?.isRetryable == true)
        // HTTPClient.shared would retry the connection for 90 s (its connect timeout) or until the
        // call's own minute ran out; the LiveKit client's gives up after 5 s (20 s: two busy cores).
        #expect(clock.now - start >= .seconds(4) && clock.now - start < .seconds(20), "\(clock.now - start)")
    }

    @Test("a closed port is .unreachable and retryable")
    func unreachable() async throws {
        let client = LiveKitClient(credentials: .init(url: "ws://127.0.0.1:1", apiKey: "k", apiSecret: "s"), timeout: .seconds(1))
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: LiveKitError.self) { try await client.listSIPDispatchRules() }
        #expect(error?.kind == .unreachable && error?.isRetryable == true && error?.method == "ListSIPDispatchRule")
        // A refused connection is reported by the call's own 1 s deadline (AsyncHTTPClient retries the
        // connect until then), not after some long default. Alone it takes 1.0 s; with the whole suite
        // and a build sharing two cores it took 4 s and once 10.2 s, so the bound is 20 s: still far
        // below what a client with no deadline (AsyncHTTPClient's default) would take.
        #expect(clock.now - start < .seconds(20))
    }
}
