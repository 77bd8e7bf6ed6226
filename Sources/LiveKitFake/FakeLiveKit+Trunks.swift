import Foundation
import LiveKit

extension FakeLiveKit {
    static let trunkNotFound = FakeRefusal.notFound("requested sip trunk does not exist")

    func createInboundTrunk(_ request: CreateSIPInboundTrunkRequest) throws -> FakeAnswer {
        guard var trunk = request.trunk else { throw FakeRefusal.invalid("missing trunk") }
        try Self.validate(inbound: trunk)
        guard trunk.sipTrunkId.isBlank else { throw FakeRefusal.invalid("trunk ID must be empty") }
        trunk.sipTrunkId = Self.newID("ST_")
        (trunk.createdAt, trunk.updatedAt) = (Self.nowRFC3339, Self.nowRFC3339)
        inboundTrunks.append(trunk)
        return .ok(trunk)
    }

    func updateInboundTrunk(_ request: UpdateSIPInboundTrunkRequest) throws -> FakeAnswer {
        guard let id = request.sipTrunkId, !id.isEmpty else { throw FakeRefusal.invalid("trunk ID is required") }
        guard let index = inboundTrunks.firstIndex(where: { $0.sipTrunkId == id }) else { throw Self.trunkNotFound }
        guard var trunk = request.replace else { throw FakeRefusal.invalid("this fake supports only `replace` updates") }
        try Self.validate(inbound: trunk)
        (trunk.sipTrunkId, trunk.createdAt, trunk.updatedAt) = (id, inboundTrunks[index].createdAt, Self.nowRFC3339)
        inboundTrunks[index] = trunk
        return .ok(trunk)
    }

    func listInboundTrunks(_ request: ListSIPTrunkRequest) throws -> FakeAnswer {
        let items = inboundTrunks.filter { trunk in
            (request.trunkIds.isBlank || request.trunkIds!.contains(trunk.sipTrunkId ?? ""))
                && (request.numbers.isBlank || !(trunk.numbers ?? []).filter { request.numbers!.contains($0) }.isEmpty)
        }
        return .ok(ListSIPInboundTrunkResponse(items: items))
    }

    func createOutboundTrunk(_ request: CreateSIPOutboundTrunkRequest) throws -> FakeAnswer {
        guard var trunk = request.trunk else { throw FakeRefusal.invalid("missing trunk") }
        try Self.validate(outbound: trunk)
        guard trunk.sipTrunkId.isBlank else { throw FakeRefusal.invalid("trunk ID must be empty") }
        trunk.sipTrunkId = Self.newID("ST_")
        (trunk.createdAt, trunk.updatedAt) = (Self.nowRFC3339, Self.nowRFC3339)
        outboundTrunks.append(trunk)
        return .ok(trunk)
    }

    func updateOutboundTrunk(_ request: UpdateSIPOutboundTrunkRequest) throws -> FakeAnswer {
        guard let id = request.sipTrunkId, !id.isEmpty else { throw FakeRefusal.invalid("trunk ID is required") }
        guard let index = outboundTrunks.firstIndex(where: { $0.sipTrunkId == id }) else { throw Self.trunkNotFound }
        guard var trunk = request.replace else { throw FakeRefusal.invalid("this fake supports only `replace` updates") }
        try Self.validate(outbound: trunk)
        (trunk.sipTrunkId, trunk.createdAt, trunk.updatedAt) = (id, outboundTrunks[index].createdAt, Self.nowRFC3339)
        outboundTrunks[index] = trunk
        return .ok(trunk)
    }

    func listOutboundTrunks(_ request: ListSIPTrunkRequest) throws -> FakeAnswer {
        let items = outboundTrunks.filter { trunk in
            (request.trunkIds.isBlank || request.trunkIds!.contains(trunk.sipTrunkId ?? ""))
                && (request.numbers.isBlank || !(trunk.numbers ?? []).filter { request.numbers!.contains($0) }.isEmpty)
        }
        return .ok(ListSIPOutboundTrunkResponse(items: items))
    }

    func deleteTrunk(_ request: DeleteSIPTrunkRequest) throws -> FakeAnswer {
        guard let id = request.sipTrunkId, !id.isEmpty else { throw FakeRefusal.invalid("trunk ID is required") }
        if let index = inboundTrunks.firstIndex(where: { $0.sipTrunkId == id }) {
            let trunk = inboundTrunks.remove(at: index)
            return .ok(SIPTrunkInfo(sipTrunkId: id, name: trunk.name, metadata: trunk.metadata))
        }
        if let index = outboundTrunks.firstIndex(where: { $0.sipTrunkId == id }) {
            let trunk = outboundTrunks.remove(at: index)
            return .ok(SIPTrunkInfo(sipTrunkId: id, name: trunk.name, metadata: trunk.metadata))
        }
        throw Self.trunkNotFound
    }

    /// livekit/protocol `SIPInboundTrunkInfo.ValidateResult` (the security rule).
    static func validate(inbound trunk: SIPInboundTrunkInfo) throws {
        if trunk.authUsername.isBlank && trunk.authPassword.isBlank && trunk.allowedAddresses.isBlank && trunk.numbers.isBlank {
            throw FakeRefusal.invalid(
                "for security, one of the fields must be set: AuthUsername+AuthPassword, AllowedAddresses or Numbers")
        }
    }

    /// livekit/protocol `SIPOutboundTrunkInfo.ValidateResult`.
    static func validate(outbound trunk: SIPOutboundTrunkInfo) throws {
        guard !trunk.numbers.isBlank else { throw FakeRefusal.invalid("no trunk numbers specified") }
        guard let address = trunk.address, !address.isEmpty else { throw FakeRefusal.invalid("no outbound address specified") }
        if address.contains("transport=") { throw FakeRefusal.invalid("trunk address should not contain transport parameter") }
        if address.contains("@") || address.contains(";") || address.hasPrefix("sip:") || address.hasPrefix("sips:") {
            throw FakeRefusal.invalid("trunk address should be a hostname or IP, not SIP URI")
        }
    }
}
