import SIPRegistration

/// A trunk's sync with LiveKit (spec Appendix A `sync.state`), stored as these raw strings.
enum TrunkSyncState: String, Codable, CaseIterable, Sendable {
    /// No LiveKit is configured: nothing to sync to.
    case notConfigured = "not_configured"
    case pending, synced, failed
}

/// A REGISTER-mode trunk's registration at its carrier (spec Appendix A `registration.state`).
enum TrunkRegistrationState: String, Codable, CaseIterable, Sendable {
    case disabled, registering, registered, failed
}

extension TrunkRegistrationState {
    /// The registration client's view: a binding removed (`unregistered`) is a registration switched off.
    init(_ state: RegistrationStatus.State) {
        switch state {
        case .registering: self = .registering
        case .registered: self = .registered
        case .failed: self = .failed
        case .unregistered: self = .disabled
        }
    }
}
