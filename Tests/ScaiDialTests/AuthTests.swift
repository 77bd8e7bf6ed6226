import FluentKit
import Foundation
import Hummingbird
import Testing

@testable import ScaiDial

@Suite("Auth: sign-in, sessions, tokens, lockout")
struct AuthTests {
    @Test("login answers a token, the user, and an HttpOnly session cookie that authenticates")
    func loginAndCookie() async throws {
        try await withApp { api, _ in
            let reply = try await api.post("/v1/auth/login", token: nil, ["email": "ROOT@platform.test", "password": "root-password"])
            #expect(reply.status == .ok)
            #expect((reply.json["user"] as? [String: Any])?["role"] as? String == "platform_admin")
            let cookie = try #require(reply.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            let value = String(cookie.split(separator: ";")[0])
            let me = try await api.call(.get, "/me", headers: [.cookie: value])
            #expect(me.status == .ok)
            #expect((me.json["user"] as? [String: Any])?["email"] as? String == "root@platform.test")
        }
    }

    @Test("a wrong password or unknown email is 401 with the same message")
    func wrongCredentials() async throws {
        try await withApp { api, _ in
            let wrong = try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "nope-nope"])
            let unknown = try await api.post("/v1/auth/login", token: nil, ["email": "ghost@platform.test", "password": "nope-nope"])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.json["detail"] as? String == unknown.json["detail"] as? String)
            #expect(try await api.get("/me", token: "sd_forged").status == .unauthorized)
        }
    }

    @Test("repeated failures lock the account for a while, even for the right password")
    func lockout() async throws {
        try await withApp { api, _ in
            for _ in 0..<3 {
                _ = try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "bad-password"])
            }
            let locked = try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "root-password"])
            #expect(locked.status == .tooManyRequests)
            #expect(Int(locked.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }

    @Test("wrong passwords sent in parallel are all counted: the account locks (the count is incremented in the database)")
    func parallelFailuresLock() async throws {
        try await withApp(configure: {
            $0.loginLockout = .init(maxFailures: 5, lockSeconds: 600)
            // The database's lock is under test, not the in-memory limit (which would refuse the 11th too).
            $0.signInPerAddress = .off
            $0.signInPerAccount = .off
        }) { api, _ in
            // Ten at once: read-then-save would let them all read the same count and lock nothing.
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        _ = try? await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "bad-password"])
                    }
                }
            }
            let locked = try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "root-password"])
            #expect(locked.status == .tooManyRequests, "\(locked.text)")
        }
    }

    @Test("a lock expires: after the lock period the right password works again")
    func lockExpires() async throws {
        // A long lock whose end is then moved into the past in the database, as time passing would do:
        // a short lock and a sleep made the test depend on how fast a loaded machine hashes passwords.
        try await withApp(configure: { $0.loginLockout = .init(maxFailures: 2, lockSeconds: 600) }) { api, db in
            for _ in 0..<2 {
                _ = try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "bad-password"])
            }
            let locked = try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "root-password"])
            #expect(locked.status == .tooManyRequests)
            let wait = Int(locked.headers[.retryAfter] ?? "") ?? 0
            #expect(wait > 590 && wait <= 600)
            let p = try Persistence(
                url: DatabaseURL.parse(db.url)!, logger: .init(label: "t"), postgresSearchPath: db.searchPath, poolSize: 1)
            let user = try #require(try await UserModel.query(on: p.db).filter(\.$email == "root@platform.test").first())
            let until = try #require(user.lockedUntil)
            user.lockedUntil = until.addingTimeInterval(-601)
            try await user.update(on: p.db)
            await p.shutdown()
            let again = try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "root-password"])
            #expect(again.status == .ok)
        }
    }

    @Test("a disabled user cannot sign in, and its existing sessions stop working")
    func disabledUser() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            #expect(try await api.get("/me", token: w.a.userToken).status == .ok)
            #expect(try await api.patch("\(w.a.base)/users/\(w.a.userID)", token: w.a.adminToken, ["disabled": true]).status == .ok)
            #expect(try await api.get("/me", token: w.a.userToken).status == .unauthorized)
            let login = try await api.post("/v1/auth/login", token: nil, ["email": "user@a.test", "password": "user-password"])
            #expect(login.status == .forbidden)
            #expect(try await api.patch("\(w.a.base)/users/\(w.a.userID)", token: w.a.adminToken, ["disabled": false]).status == .ok)
            _ = try await api.login("user@a.test", "user-password")
        }
    }

    @Test("named API tokens: shown once, listed without the secret, usable, revocable")
    func apiTokens() async throws {
        try await withApp { api, _ in
            let session = try await api.login("root@platform.test", "root-password")
            let created = try await api.post("/v1/auth/tokens", token: session, ["name": "ci script", "expires_in_days": 30])
            #expect(created.status == .created)
            let secret = try #require(created.json["token"] as? String)
            let list = try await api.get("/v1/auth/tokens", token: session)
            #expect(list.items.count == 1)
            #expect(list.items[0]["name"] as? String == "ci script")
            #expect(list.items[0]["token"] is NSNull)
            #expect(!list.text.contains(secret))
            #expect(list.items[0]["last_used_at"] is NSNull)
            #expect(try await api.get("/v1/tenants", token: secret).status == .ok)
            // Its use is remembered (written at most every few minutes).
            let used = try await api.get("/v1/auth/tokens", token: session).items[0]["last_used_at"] as? String
            #expect(
                used.flatMap { try? Date($0, strategy: .iso8601) }.map { abs($0.timeIntervalSinceNow) < 120 } == true, "\(used ?? "nil")")
            #expect(try await api.delete("/v1/auth/tokens/\(created.id)", token: session).status == .noContent)
            #expect(try await api.get("/v1/tenants", token: secret).status == .unauthorized)
            #expect(try await api.post("/v1/auth/tokens", token: session, [:]).errorFields == ["name"])
        }
    }

    @Test("logout ends the session it was called with")
    func logout() async throws {
        try await withApp { api, _ in
            let token = try await api.login("root@platform.test", "root-password")
            let other = try await api.login("root@platform.test", "root-password")
            let out = try await api.post("/v1/auth/logout", token: token, [:])
            #expect(out.status == .noContent)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await api.get("/me", token: token).status == .unauthorized)
            #expect(try await api.get("/me", token: other).status == .ok)
        }
    }

    @Test("passwords are stored as slow hashes and tokens only as digests")
    func storage() async throws {
        try await withApp { api, db in
            let token = try await api.login("root@platform.test", "root-password")
            let p = try Persistence(
                url: DatabaseURL.parse(db.url)!, logger: .init(label: "t"), postgresSearchPath: db.searchPath, poolSize: 1)
            let user = try #require(try await UserModel.query(on: p.db).first())
            let rows = try await AuthTokenModel.query(on: p.db).all()
            await p.shutdown()
            #expect(user.passwordHash.hasPrefix("$2"))
            #expect(!user.passwordHash.contains("root-password"))
            #expect(rows.allSatisfy { $0.tokenHash != token && $0.tokenHash.count == 64 })
        }
    }

    @Test("a tenant admin cannot create platform admins, disable itself or delete itself")
    func selfProtection() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let me = try await api.get("/me", token: w.a.adminToken)
            let myID = try #require((me.json["user"] as? [String: Any])?["id"] as? String)
            let promote = try await api.post(
                "\(w.a.base)/users", token: w.a.adminToken, ["email": "x@a.test", "password": "password1", "role": "platform_admin"])
            #expect(promote.errorFields == ["role"])
            #expect(try await api.patch("\(w.a.base)/users/\(myID)", token: w.a.adminToken, ["disabled": true]).errorFields == ["disabled"])
            #expect(try await api.delete("\(w.a.base)/users/\(myID)", token: w.a.adminToken).status == .conflict)
        }
    }
}
