import Foundation

/// Who is being rung for which call, and who declined: when everyone rung has declined, the
/// call is "busy". In memory: a restart forgets declines, the ring timeout (durable) still fires.
actor RingState {
    static let shared = RingState()
    private var ringing: [UUID: Set<UUID>] = [:]
    private var declined: [UUID: Set<UUID>] = [:]

    func started(_ call: UUID, ringing users: Set<UUID>) {
        ringing[call] = users
        declined[call] = []
    }

    /// Records a decline; true when every rung user has now declined.
    func decline(_ call: UUID, by user: UUID) -> Bool {
        declined[call, default: []].insert(user)
        guard let rung = ringing[call] else { return false }
        return rung.isSubset(of: declined[call] ?? [])
    }

    func finished(_ call: UUID) {
        ringing[call] = nil
        declined[call] = nil
    }
}
