import Foundation

/// Polls `condition` until it holds or `timeout` passes; the background worker runs meanwhile.
func eventually(
    timeout: Duration = .seconds(15), _ what: String, _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("timed out waiting for: \(what)")
}
