import Dialplan
import FluentKit
import Foundation
import Hummingbird

struct DIDDTO: ResponseEncodable, Sendable {
    let id: UUID
    let number: String
    let trunkId: UUID
    @Nullable var dialplanId: UUID?
    @Nullable var label: String?
    @Nullable var createdAt: Date?

    init(_ d: DIDModel) throws {
        id = try d.requireID()
        number = d.number
        trunkId = d.trunkID
        dialplanId = d.dialplanID
        label = d.label
        createdAt = d.createdAt
    }
}

/// `/v1/tenants/{t}/dids`: phone numbers, each unique across every tenant.
struct DIDController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get("/dids", use: list)
        admin.post("/dids", use: create)
        admin.get("/dids/:did_id", use: get)
        admin.patch("/dids/:did_id", use: update)
        admin.delete("/dids/:did_id", use: delete)
    }

    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> Page<DIDDTO> {
        let scope = context.scope
        let page = try await DIDModel.scoped(scope, on: services.db).page(PageRequest(request))
        return Page(items: try page.items.map(DIDDTO.init), nextCursor: page.nextCursor)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> DIDDTO {
        let scope = context.scope
        return try DIDDTO(try await DIDModel.find(try context.id("did_id", "DID"), in: scope, on: services.db, "DID"))
    }

    @Sendable func create(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<DIDDTO> {
        let db = services.db
        let scope = context.scope
        let input = try await request.jsonObject(context: context)
        let did = DIDModel()
        did.id = .v7()
        did.tenantID = scope.tenantID
        try await apply(input, to: did, scope: scope, creating: true)
        try await save(did, scope: scope, previousTrunk: nil) { try await did.create(on: $0) }
        return .init(status: .created, response: try DIDDTO(did))
    }

    @Sendable func update(_ request: Request, context: TenantAdminContext) async throws -> DIDDTO {
        let db = services.db
        let scope = context.scope
        let did = try await DIDModel.find(try context.id("did_id", "DID"), in: scope, on: db, "DID")
        let previousTrunk = did.trunkID
        let input = try await request.jsonObject(context: context)
        try await apply(input, to: did, scope: scope, creating: false)
        try await save(did, scope: scope, previousTrunk: previousTrunk) { try await did.update(on: $0) }
        return try DIDDTO(did)
    }

    @Sendable func delete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let scope = context.scope
        let did = try await DIDModel.find(try context.id("did_id", "DID"), in: scope, on: db, "DID")
        try await db.transaction { tx in
            try await did.delete(on: tx)
            try await TrunkNumbers.changed([did.trunkID], scope: scope, sync: services.trunkSync, on: tx)
        }
        services.trunkSync.kick()
        return .noContent
    }

    private func apply(_ input: Input, to did: DIDModel, scope: TenantScope, creating: Bool) async throws {
        let db = services.db
        if let raw = input.string("number", required: creating, maxLength: 32) {
            do { did.number = try E164.normalize(raw, defaultCountry: scope.country) } catch {
                input.fail("number", "must be a phone number (E.164, e.g. +31201234567)")
            }
        }
        if let trunkID = input.uuid("trunk_id", required: creating) {
            if try await TrunkModel.scoped(scope, on: db).filter(\.$id == trunkID).count() == 0 {
                input.fail("trunk_id", "no such trunk in this tenant")
            } else {
                did.trunkID = trunkID
            }
        }
        switch input.nullableUUID("dialplan_id") {
        case .absent: break
        case .null: did.dialplanID = nil
        case .value(let id):
            if try await DialplanModel.scoped(scope, on: db).filter(\.$id == id).count() == 0 {
                input.fail("dialplan_id", "no such dialplan in this tenant")
            } else {
                did.dialplanID = id
            }
        }
        switch input.nullableString("label", maxLength: 100) {
        case .absent: break
        case .null: did.label = nil
        case .value(let v): did.label = v
        }
        try input.errors.check()
    }

    private func save(
        _ did: DIDModel, scope: TenantScope, previousTrunk: UUID?, _ write: @escaping @Sendable (any Database) async throws -> Void
    ) async throws {
        let db = services.db
        let clash = try await DIDModel.query(on: db).filter(\.$number == did.number).filter(\.$id != did.requireID()).count()
        if clash > 0 { throw Problem.conflict("the number \(did.number) is already in use") }
        let trunks = Set([did.trunkID] + (previousTrunk.map { [$0] } ?? []))
        try await db.uniquely("this number") {
            try await db.transaction { tx in
                try await write(tx)
                try await TrunkNumbers.changed(Array(trunks), scope: scope, sync: services.trunkSync, on: tx)
            }
        }
        services.trunkSync.kick()
    }
}

/// A trunk's numbers are what LiveKit routes on, so a change to them makes the trunk's sync pending.
enum TrunkNumbers {
    static func changed(_ trunkIDs: [UUID], scope: TenantScope, sync: TrunkSyncScheduler, on db: any Database) async throws {
        for id in trunkIDs {
            guard let trunk = try await TrunkModel.scoped(scope, on: db).filter(\.$id == id).first() else { continue }
            try await sync.changed(trunk, on: db)
        }
    }
}
