import Foundation
import Hummingbird
import LiveKit

extension FakeLiveKit {
    /// The HTTP edge: reads the request, lets the actor decide, waits out an injected delay.
    nonisolated func respond(to request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 10 << 20)
        var (answer, delay) = await handle(
            method: request.method.rawValue, path: request.uri.path, contentType: request.headers[.contentType],
            authorization: request.headers[.authorization], body: Data(body.readableBytesView))
        if let delay { try? await Task.sleep(for: delay) }
        // A dial with `wait_until_answered` answers when its far end does.
        if let dial = answer.waitingFor { answer = await waitForDial(dial) }
        return Response(
            status: .init(code: answer.status), headers: [.contentType: answer.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// In livekit-server's order: token (auth middleware), route and content type (Twirp), body,
    /// grant (service), then the fault or the handler.
    func handle(method: String, path: String, contentType: String?, authorization: String?, body: Data) -> (FakeAnswer, Duration?) {
        var claims: TokenClaims?
        let token = String(authorization?.dropFirst("Bearer ".count) ?? "")
        if let authorization, !authorization.isEmpty {
            guard authorization.hasPrefix("Bearer ") else {
                return (.plain401("invalid authorization header. Must start with Bearer "), nil)
            }
            do {
                claims = try TokenVerifier(apiKey: apiKey, apiSecret: apiSecret).verify(token)
            } catch .wrongKey {
                return (.plain401("invalid API key"), nil)
            } catch .malformed {
                return (.plain401("invalid authorization token"), nil)
            } catch {
                return (.plain401("invalid authorization token: \(error)"), nil)
            }
        }
        guard method == "POST" else {
            return (.twirp("bad_route", "unsupported method \"\(method)\" (only POST is allowed)"), nil)
        }
        let route = path.hasPrefix("/twirp/livekit.") ? String(path.dropFirst("/twirp/livekit.".count)) : ""
        let parts = route.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, Self.routes.contains(route),
            let requirement = LiveKitGrants.requirement(service: parts[0], method: parts[1])
        else { return (.twirp("bad_route", "no handler for path \"\(path)\""), nil) }
        let mediaType = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard mediaType == "application/json" else {
            if mediaType == "application/protobuf" { return (.twirp("unimplemented", "this fake speaks JSON only"), nil) }
            return (.twirp("bad_route", "unexpected Content-Type: \"\(contentType ?? "")\""), nil)
        }
        guard let json = try? ProtoJSON.Value(json: body), case .object = json else {
            return (.twirp("malformed", "the json request could not be decoded"), nil)
        }
        let room = json["room"]?.stringValue ?? json["room_name"]?.stringValue ?? json["roomName"]?.stringValue
        guard let claims, requirement.isSatisfied(by: claims, room: room) else {
            return (.twirp("unauthenticated", "permissions denied"), nil)
        }
        record(Captured(service: parts[0], method: parts[1], body: body, claims: claims, token: token))
        var delay: Duration?
        switch nextFault(for: parts[1]) {
        case .delay(let d)?: delay = d
        case let fault?: if let answer = Self.answer(for: fault) { return (answer, nil) }
        case nil: break
        }
        do {
            return (try dispatch(route, json), delay)
        } catch let refusal as FakeRefusal {
            return (.twirp(refusal.code, refusal.message), delay)
        } catch {
            return (.twirp("malformed", "the json request could not be decoded: \(error)"), delay)
        }
    }
}
