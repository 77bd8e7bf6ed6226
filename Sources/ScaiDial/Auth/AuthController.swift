import FluentKit
import Foundation
import Hummingbird
import SQLKit

/// Sign-in, sign-out and named API tokens.
struct AuthController {
    let services: AppServices
    static let sessionLifetime: TimeInterval = 7 * 24 * 3600

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.post("/v1/auth/login", use: login)
        let signedIn = router.signedIn()
        signedIn.post("/v1/auth/logout", use: logout)
        signedIn.get("/v1/auth/tokens", use: listTokens)
        signedIn.post("/v1/auth/tokens", use: createToken)
        signedIn.delete("/v1/auth/tokens/:token_id", use: deleteToken)
        signedIn.get("/me", use: me)
        signedIn.patch("/me", use: updateMe)
    }

    struct LoginResponse: ResponseEncodable { let token: String; let expiresAt: Date; let user: UserDTO }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await request.jsonObject(context: context)
        let email = input.string("email", required: true, maxLength: 320)?.lowercased()
        let password = input.string("password", required: true, maxLength: 1024, anyCharacters: true)
        try input.errors.check()
        guard let email, let password else { throw Problem.invalid("email", "and password are required") }
        let db = services.db
        let now = services.config.clock.now
        // Too many failures from this address or for this account: refused before any hashing.
        let address = context.clientAddress(request, trustForwardedFor: services.config.trustForwardedFor)
        if let wait = services.signIns.wait(address: address, account: email, now: now) {
            await Self.tarpit()
            throw Problem(
                .tooManyRequests, "too many failed sign-ins from this address or for this account; try again in \(wait) seconds",
                headers: [.retryAfter: String(wait)]
            ).coded("sign_in_rate_limited")
        }
        // A flood that fills the hashing pool is turned away before it costs a database query.
        if services.hasher.pool.isFull {
            await Self.tarpit()
            throw PasswordHasher.busy
        }
        guard let user = try await UserModel.query(on: db).filter(\.$email == email).first() else {
            // Spend the same time as a real check so response timing does not reveal which emails exist.
            _ = try await services.hasher.hash(password)
            services.signIns.failed(address: address, account: email, now: now)
            throw Problem.unauthorized("email or password is wrong")
        }
        if let until = user.lockedUntil, until > now {
            let wait = Int(until.timeIntervalSince(now).rounded(.up))
            throw Problem(
                .tooManyRequests, "too many failed sign-ins; try again in \(wait) seconds",
                headers: [.retryAfter: String(wait)])
        }
        guard try await services.hasher.verify(password, hash: user.passwordHash) else {
            services.signIns.failed(address: address, account: email, now: now)
            try await recordFailure(user, now: now, on: db)
            throw Problem.unauthorized("email or password is wrong")
        }
        guard !user.disabled else { throw Problem.forbidden("this account is disabled") }
        // Only the two fields, not the whole row read before the password check.
        try await UserModel.query(on: db).filter(\.$id == user.requireID())
            .set(\.$failedLoginCount, to: 0).set(\.$lockedUntil, to: nil).update()
        let (token, row) = try await issueToken(
            for: user, kind: "session", name: "browser session",
            expiresAt: now.addingTimeInterval(Self.sessionLifetime), on: db)
        var response = try LoginResponse(
            token: token, expiresAt: row.expiresAt ?? now.addingTimeInterval(Self.sessionLifetime), user: UserDTO(user)
        )
        .response(from: request, context: context)
        let secure = services.config.publicURL.hasPrefix("https:") ? "; Secure" : ""
        response.headers[.setCookie] =
            "\(AuthMiddleware.cookieName)=\(token); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(Int(Self.sessionLifetime))\(secure)"
        return response
    }

    /// A refused sign-in is answered after a second (real time): a flooding client that retries
    /// at once can then send one attempt per second per connection, instead of thousands that cost
    /// the server as much as the calls it must route.
    static func tarpit() async {
        try? await Task.sleep(for: .seconds(1))
    }

    /// Consecutive failures lock the account for a while; the counter restarts after a lock. The
    /// count is incremented in the database (`… + 1 RETURNING`), never read and saved back: wrong
    /// passwords sent in parallel would otherwise all read the same count and never lock anything.
    private func recordFailure(_ user: UserModel, now: Date, on db: any Database) async throws {
        let id = try user.requireID()
        let sql = try db.sql()
        let rows = try await sql.update(UserModel.schema)
            .set("failed_login_count", to: SQLRaw("failed_login_count + 1"))
            .where("id", .equal, id)
            .returning("failed_login_count")
            .all()
        let count = try rows.first?.decode(column: "failed_login_count", as: Int.self) ?? 0
        let max = services.config.loginLockout.maxFailures
        guard count >= max else { return }
        // The failure that reached the limit locks the account (once: the count restarts with it).
        let locked = try await sql.update(UserModel.schema)
            .set("locked_until", to: now.addingTimeInterval(TimeInterval(services.config.loginLockout.lockSeconds)))
            .set("failed_login_count", to: 0)
            .where("id", .equal, id)
            .where("failed_login_count", .greaterThanOrEqual, max)
            .returning("id")
            .all()
        if !locked.isEmpty {
            services.logger.warning("account locked after repeated failed sign-ins", metadata: ["user_id": "\(user.logID)"])
        }
    }

    @Sendable func logout(_ request: Request, context: SignedInContext) async throws -> Response {
        let identity = context.identity
        try await AuthTokenModel.query(on: services.db).filter(\.$id == identity.tokenID).delete()
        // The session's event streams end with it: no ring reaches a signed-out browser.
        services.hub.revoke(user: identity.userID, token: identity.tokenID, reason: "signed_out")
        var response = Response(status: .noContent)
        response.headers[.setCookie] = "\(AuthMiddleware.cookieName)=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        return response
    }

    struct TokenDTO: ResponseEncodable {
        let id: UUID
        let name: String
        @Nullable var token: String?
        @Nullable var createdAt: Date?
        @Nullable var expiresAt: Date?
        @Nullable var lastUsedAt: Date?
    }

    @Sendable func createToken(_ request: Request, context: SignedInContext) async throws -> EditedResponse<TokenDTO> {
        let identity = context.identity
        let input = try await request.jsonObject(context: context)
        let name = input.string("name", required: true, maxLength: 100)
        let days = input.int("expires_in_days", in: 1...3650)
        try input.errors.check()
        guard let name else { throw Problem.invalid("name", "is required") }
        let db = services.db
        guard let user = try await UserModel.find(identity.userID, on: db) else { throw Problem.unauthorized() }
        let (token, row) = try await issueToken(
            for: user, kind: "api", name: name,
            expiresAt: days.map { services.config.clock.now.addingTimeInterval(TimeInterval($0) * 86400) }, on: db)
        return .init(
            status: .created,
            response: TokenDTO(
                id: try row.requireID(), name: row.name, token: token, createdAt: row.createdAt, expiresAt: row.expiresAt, lastUsedAt: nil))
    }

    @Sendable func listTokens(_ request: Request, context: SignedInContext) async throws -> Page<TokenDTO> {
        let identity = context.identity
        let page = try await AuthTokenModel.query(on: services.db)
            .filter(\.$userID == identity.userID).filter(\.$kind == "api").page(PageRequest(request))
        return Page(
            items: try page.items.map {
                TokenDTO(
                    id: try $0.requireID(), name: $0.name, token: nil, createdAt: $0.createdAt, expiresAt: $0.expiresAt,
                    lastUsedAt: $0.lastUsedAt)
            }, nextCursor: page.nextCursor)
    }

    @Sendable func deleteToken(_ request: Request, context: SignedInContext) async throws -> HTTPResponse.Status {
        let identity = context.identity
        let id = try context.id("token_id", "token")
        guard
            let row = try await AuthTokenModel.query(on: services.db)
                .filter(\.$id == id).filter(\.$userID == identity.userID).first()
        else { throw Problem.notFound("token") }
        try await row.delete(on: services.db)
        services.hub.revoke(user: identity.userID, token: id, reason: "token_deleted")
        return .noContent
    }

    struct MeDTO: ResponseEncodable {
        let user: UserDTO
        @Nullable var tenant: TenantDTO?
        /// The number the user's click-to-calls show their callees; null when none can be placed
        /// (no trunk synced to LiveKit) or for a platform admin.
        @Nullable var outboundCallerId: String?
    }

    @Sendable func me(_ request: Request, context: SignedInContext) async throws -> MeDTO {
        let identity = context.identity
        guard let user = try await UserModel.find(identity.userID, on: services.db) else { throw Problem.unauthorized() }
        let tenant = try await identity.tenantID.asyncMap { try await TenantModel.find($0, on: services.db) } ?? nil
        let callerID = try await tenant.asyncMap { tenant in
            try await OutboundRoute.find(tenant: try tenant.requireID(), on: services.db)?.callerID(of: tenant)
        }
        return MeDTO(user: try UserDTO(user), tenant: try tenant.map(TenantDTO.init), outboundCallerId: callerID ?? nil)
    }

    /// What the user sets about themselves: `do_not_disturb` (persisted, so every device of theirs
    /// agrees). Their other browsers hear `presence` at once.
    @Sendable func updateMe(_ request: Request, context: SignedInContext) async throws -> MeDTO {
        let identity = context.identity
        let input = try await request.jsonObject(context: context)
        let dnd = input.bool("do_not_disturb", required: true)
        try input.errors.check()
        guard let dnd else { throw Problem.invalid("do_not_disturb", "is required") }
        guard let user = try await UserModel.find(identity.userID, on: services.db) else { throw Problem.unauthorized() }
        if user.doNotDisturb != dnd {
            user.doNotDisturb = dnd
            try await user.update(on: services.db)
        }
        _ = services.hub.send(.make("presence", ["do_not_disturb": dnd]), to: [identity.userID])
        return try await me(request, context: context)
    }

    private func issueToken(
        for user: UserModel, kind: String, name: String, expiresAt: Date?, on db: any Database
    )
        async throws -> (String, AuthTokenModel)
    {
        let token = OpaqueToken.generate()
        let row = AuthTokenModel()
        row.id = .v7()
        row.userID = try user.requireID()
        row.kind = kind
        row.name = name
        row.tokenHash = OpaqueToken.hash(token)
        row.expiresAt = expiresAt
        try await row.create(on: db)
        return (token, row)
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
