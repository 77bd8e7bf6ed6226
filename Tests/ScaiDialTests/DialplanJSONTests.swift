import Foundation
import Testing

@testable import ScaiDial

/// Dialplans and their rules are answered with hand-written JSON (a 10,000-rule plan): it must be
/// byte for byte what the API's general encoder writes.
@Suite("Dialplan JSON written by hand")
struct DialplanJSONTests {
    static func rule(_ configure: (RuleModel) -> Void) -> RuleModel {
        let r = RuleModel()
        r.id = .v7()
        r.tenantID = UUID()
        r.dialplanID = UUID()
        r.priority = 10
        r.name = ""
        r.enabled = true
        r.actionType = "hangup"
        configure(r)
        return r
    }

    static let rules: [RuleModel] = [
        rule { _ in },
        rule {
            $0.name = #"Office "hours" \ night/day — été ☎"#
            $0.enabled = false
            $0.priority = -3
            $0.caller = "_+31X."
            $0.callee = "_+3120XXXXXXX"
            $0.days = "mon,tue,fri"
            $0.timeFrom = "09:00"
            $0.timeTo = "17:30"
            $0.dateFrom = "2026-12-24"
            $0.dateTo = "2026-12-26"
            $0.actionType = "ring_extension"
            $0.actionExtensionID = UUID()
        },
        rule {
            $0.actionType = "forward"
            $0.actionTarget = "sip:desk@example.com"
            $0.actionMode = "refer"
        },
        rule {
            $0.priority = 100_000
            $0.actionSIPStatus = 486
        },
    ]

    @Test("a rule, a rule list and a dialplan: the same bytes as JSONCoding.encoder")
    func sameBytes() throws {
        for model in Self.rules {
            let dto = try RuleDTO(model)
            #expect(dto.json == String(decoding: try JSONCoding.encoder.encode(dto), as: UTF8.self))
        }
        let list = RuleList(items: try Self.rules.map(RuleDTO.init), nextCursor: nil)
        #expect(list.json == String(decoding: try JSONCoding.encoder.encode(list), as: UTF8.self))
        let plan = DialplanModel()
        plan.id = .v7()
        plan.tenantID = UUID()
        plan.name = "Main \"plan\""
        plan.rulesVersion = 1
        for createdAt in [nil, Date(timeIntervalSince1970: 1_796_000_000)] {
            plan.createdAt = createdAt
            let dto = try DialplanDTO(plan, rules: Self.rules)
            #expect(dto.json == String(decoding: try JSONCoding.encoder.encode(dto), as: UTF8.self))
        }
    }

    @Test("v7 ids: version 7, RFC variant, the creation millisecond first, and different each time")
    func uuidV7() {
        let at = Date(timeIntervalSince1970: 1_796_000_000.123)
        let ids = (0..<1000).map { _ in UUID.v7(now: at) }
        #expect(Set(ids).count == 1000)
        for id in ids {
            let u = id.uuid
            #expect(u.6 >> 4 == 7 && u.8 >> 6 == 0b10)
            let ms = [u.0, u.1, u.2, u.3, u.4, u.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(ms == 1_796_000_000_123)
        }
        #expect(UUID.v7(now: at).uuidString < UUID.v7(now: at.addingTimeInterval(0.002)).uuidString)
    }
}
