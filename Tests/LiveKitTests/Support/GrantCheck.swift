import Foundation
import LiveKit
import LiveKitFake
import Testing

/// Every captured request carried exactly the grant its RPC needs, and nothing more.
func expectMinimalGrants(_ captured: [FakeLiveKit.Captured], sourceLocation: SourceLocation = #_sourceLocation) throws {
    var cases: [Oracle.TokenCase] = []
    for request in captured {
        let requirement = try #require(LiveKitGrants.requirement(service: request.service, method: request.method))
        let json = try ProtoJSON.Value(json: request.body)
        let room = json["room"]?.stringValue ?? json["room_name"]?.stringValue
        let (video, sip) = requirement.grants(room: room)
        #expect(request.claims.video == video, "\(request.method)", sourceLocation: sourceLocation)
        #expect(request.claims.sip == sip, "\(request.method)", sourceLocation: sourceLocation)
        #expect(request.claims.iss == "APIfake" && request.claims.sub == nil, sourceLocation: sourceLocation)
        let exp = try #require(request.claims.exp)
        let nbf = try #require(request.claims.nbf)
        #expect(exp - nbf == 600, "server-API tokens live 10 minutes", sourceLocation: sourceLocation)
        let expected = try ProtoJSON.tree(TokenClaims(video: video, sip: sip), keys: .camelCase)
        cases.append(
            .init(name: request.method, jwt: request.token, api_key: "APIfake", api_secret: FakeDefaults.secret, expected: expected))
    }
    try Oracle.writeTokens(cases, group: "rpc-\(captured.first?.method ?? "none")")
}

enum FakeDefaults {
    static let secret = "fake-secret-0123456789abcdefghijklmnopqrstuvwxyz"
}
