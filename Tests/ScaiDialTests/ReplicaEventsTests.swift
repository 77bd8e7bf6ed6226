import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import LiveKit
import LiveKitFake
import Logging
import SQLKit
import Testing

@testable import ScaiDial

/// Two replicas on one PostgreSQL database: who is online and the events of `/me/events` span both.
@Suite("Event streams across replicas")
struct ReplicaEventsTests {
    @Test(
        "a call one replica decides rings a browser on the other; an answer there stops the ring on the first",
        .enabled(if: TestDatabase.postgresURL != nil, "several replicas need PostgreSQL (SQLite is one process)"))
    func acrossReplicas() async throws {
        try await SharedDatabase.run(configure: {
            $0.jobPollInterval = .milliseconds(100)
            $0.eventKeepAlive = .milliseconds(300)  // a closed browser is noticed at the next keep-alive
        }) { shared in
            let config = shared.config
            let probe = try Persistence(
                url: DatabaseURL.parse(config.databaseURL)!, logger: shared.logger, postgresSearchPath: config.postgresSearchPath,
                poolSize: 1)
            @Sendable func streamRows() async throws -> Int {
                try await (probe.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM event_streams").first()?.decode(
                    column: "n", as: Int.self)
                    ?? -1
            }
            let a = try await shared.application()
            let b = try await shared.application()
            do {
                try await a.test(.live) { clientA in
                    try await b.test(.live) { clientB in
                        let apiA = API(client: clientA), apiB = API(client: clientB)
                        let w = try await World.build(apiA)
                        let other = try await apiA.post(
                            "\(w.a.base)/users", token: w.a.adminToken, ["email": "other@a.test", "password": "other-password"]
                        ).id
                        _ = try await apiA.post(
                            "\(w.a.base)/extensions/\(w.a.extensionID)/grants", token: w.a.adminToken, ["user_id": other])
                        let otherToken = try await apiB.login("other@a.test", "other-password")

                        // The user's browser is on A, the colleague's on B.
                        let mine = try await SSEStream.open(port: try #require(clientA.port), token: w.a.userToken)
                        let theirs = try await SSEStream.open(port: try #require(clientB.port), token: otherToken)
                        #expect(try await mine.next().name == "ready")
                        #expect(try await theirs.next().name == "ready")
                        try await eventually("both replicas wrote who is online") { try await streamRows() == 2 }

                        // B decides the call: both browsers ring, the one on A through A.
                        let decision = try await InboundDispatchTests.hook(apiB, InboundDispatchTests.body("SCL_across"))
                        let callID = try #require(decision.json["scaidial_call_id"] as? String)
                        #expect(try await mine.next("ring").json["call_id"] as? String == callID)
                        #expect(try await theirs.next("ring").json["call_id"] as? String == callID)

                        // The user answers through A: the colleague's browser on B stops ringing.
                        let answer = try await apiA.post("/me/calls/\(callID)/answer", token: w.a.userToken, [:])
                        #expect(answer.status == .ok, "\(answer.text)")
                        let cancelled = try await theirs.next("ring_cancelled")
                        #expect(cancelled.json["call_id"] as? String == callID && cancelled.json["reason"] as? String == "answered")
                        #expect(try await apiB.post("/me/calls/\(callID)/answer", token: otherToken, [:]).status == .conflict)

                        // The user hangs up (a user on a call is busy, not rung), and only the browser on A
                        // is left: a call B decides still finds someone online and rings.
                        #expect(try await apiA.post("/me/calls/\(callID)/hangup", token: w.a.userToken, [:]).status == .noContent)
                        theirs.close()
                        try await eventually("B's user went offline") { try await streamRows() == 1 }
                        let second = try await InboundDispatchTests.hook(apiB, InboundDispatchTests.body("SCL_only_a"))
                        let secondID = try #require(second.json["scaidial_call_id"] as? String)
                        #expect(try await mine.next("ring").json["call_id"] as? String == secondID)
                        let call = try await apiB.get("\(w.a.base)/calls/\(secondID)", token: w.a.adminToken)
                        #expect(call.json["action"] as? String == "ring_extension" && call.json["state"] as? String == "ringing")
                        mine.close()
                    }
                    // B stopped gracefully: its rows are gone, A's remain until its stream closes.
                    try await eventually("the browser on A went offline too") { try await streamRows() == 0 }
                }
            } catch {
                await probe.shutdown()
                throw error
            }
            await probe.shutdown()
        }
    }

    @Test("with SQLite the hub is the process's own: no shared component")
    func sqliteIsLocal() async throws {
        try await withApp { api, db in
            let config = db.config()
            let persistence = try Persistence(
                url: DatabaseURL.parse(config.databaseURL)!, logger: .init(label: "t"), postgresSearchPath: config.postgresSearchPath,
                poolSize: 1)
            let services = try AppServices(config: config, persistence: persistence, logger: .init(label: "t"))
            #expect((services.hub.shared != nil) == (TestDatabase.postgresURL != nil))
            await persistence.shutdown()
        }
    }
}
