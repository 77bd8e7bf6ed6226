import FluentKit
import Foundation
import Hummingbird

/// `/v1/tenants/{t}/trunks`: carrier connections.
struct TrunkController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get("/trunks", use: list)
        admin.post("/trunks", use: create)
        admin.get("/trunks/:trunk_id", use: get)
        admin.patch("/trunks/:trunk_id", use: update)
        admin.delete("/trunks/:trunk_id", use: delete)
        admin.post("/trunks/:trunk_id/sync", use: syncNow)
    }

    /// Sync now (also a failed trunk's retry): 202, the worker runs it at once.
    @Sendable func syncNow(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<TrunkDTO> {
        let db = services.db
        let scope = context.scope
        let trunk = try await TrunkModel.find(try context.id("trunk_id", "trunk"), in: scope, on: db, "trunk")
        guard services.liveKit != nil else {
            throw Problem.conflict("LiveKit is not configured (set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET)")
        }
        try await db.transaction { tx in try await services.trunkSync.changed(trunk, on: tx) }
        services.trunkSync.kick()
        return .init(status: .accepted, response: try await dto(trunk, scope))
    }

    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> Page<TrunkDTO> {
        let db = services.db
        let scope = context.scope
        let page = try await TrunkModel.scoped(scope, on: db).page(PageRequest(request))
        let ids = page.items.compactMap(\.id)
        let dids = ids.isEmpty ? [] : try await DIDModel.scoped(scope, on: db).filter(\.$trunkID ~~ ids).sort(\.$number).all()
        let numbers = Dictionary(grouping: dids, by: \.trunkID).mapValues { $0.map(\.number) }
        return Page(items: try page.items.map { try TrunkDTO($0, numbers: numbers[try $0.requireID()] ?? []) }, nextCursor: page.nextCursor)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> TrunkDTO {
        let db = services.db
        let scope = context.scope
        let trunk = try await TrunkModel.find(try context.id("trunk_id", "trunk"), in: scope, on: db, "trunk")
        return try await dto(trunk, scope)
    }

    @Sendable func create(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<TrunkDTO> {
        let db = services.db
        let scope = context.scope
        let input = try await request.jsonObject(context: context)
        let trunk = TrunkModel.new(tenantID: scope.tenantID)
        try trunk.apply(input, creating: true, secrets: services.secrets, addresses: services.config.sipAddresses)
        try input.errors.check()
        try await ensureUniqueName(trunk, scope)
        try await db.uniquely("a trunk with this name") {
            try await db.transaction { tx in
                try await trunk.create(on: tx)
                try await services.trunkSync.changed(trunk, on: tx)
            }
        }
        services.trunkSync.kick()
        services.registrations.kick()
        return .init(status: .created, response: try TrunkDTO(trunk, numbers: []))
    }

    @Sendable func update(_ request: Request, context: TenantAdminContext) async throws -> TrunkDTO {
        let db = services.db
        let scope = context.scope
        let trunk = try await TrunkModel.find(try context.id("trunk_id", "trunk"), in: scope, on: db, "trunk")
        let input = try await request.jsonObject(context: context)
        try trunk.apply(input, creating: false, secrets: services.secrets, addresses: services.config.sipAddresses)
        try input.errors.check()
        try await ensureUniqueName(trunk, scope)
        try await db.uniquely("a trunk with this name") {
            try await db.transaction { tx in
                try await trunk.update(on: tx)
                try await services.trunkSync.changed(trunk, on: tx)
            }
        }
        services.trunkSync.kick()
        services.registrations.kick()
        return try await dto(trunk, scope)
    }

    /// A trunk that still carries numbers cannot go: the numbers would lose their way in.
    @Sendable func delete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let scope = context.scope
        let trunk = try await TrunkModel.find(try context.id("trunk_id", "trunk"), in: scope, on: db, "trunk")
        let dids = try await DIDModel.scoped(scope, on: db).filter(\.$trunkID == trunk.requireID()).count()
        if dids > 0 { throw Problem.conflict("the trunk still has \(dids) number(s); move or delete them first") }
        try await db.transaction { tx in
            try await services.trunkSync.deleted(trunk, on: tx)
            try await trunk.delete(on: tx)
        }
        services.trunkSync.kick()
        services.registrations.kick()
        return .noContent
    }

    private func dto(_ trunk: TrunkModel, _ scope: TenantScope) async throws -> TrunkDTO {
        let numbers = try await DIDModel.scoped(scope, on: services.db).filter(\.$trunkID == trunk.requireID()).sort(\.$number).all().map(
            \.number)
        return try TrunkDTO(trunk, numbers: numbers)
    }

    private func ensureUniqueName(_ trunk: TrunkModel, _ scope: TenantScope) async throws {
        let clash = try await TrunkModel.scoped(scope, on: services.db).filter(\.$name == trunk.name).filter(\.$id != trunk.requireID())
            .count()
        if clash > 0 { throw Problem.conflict("a trunk named \"\(trunk.name)\" already exists") }
    }
}

extension TrunkModel {
    /// Without LiveKit there is nothing to sync to; with it, a trunk without numbers waits for one
    /// (LiveKit refuses an outbound trunk without numbers).
    func setInitialSyncState(liveKitConfigured: Bool, hasNumbers: Bool) {
        if !liveKitConfigured {
            syncState = .notConfigured
            syncError = nil
        } else {
            syncState = .pending
            syncError = hasNumbers ? nil : "no DIDs yet"
        }
    }
}
