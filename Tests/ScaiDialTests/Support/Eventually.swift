import Foundation

/// Polls `condition` until it holds or `timeout` passes; the background worker runs meanwhile. The
/// timeout is generous: the whole suite runs in parallel on two cores (and on PostgreSQL), where a
/// job that takes a second alone can take twenty; a condition that holds returns at once.
func eventually(
    timeout: Duration = .seconds(60), _ what: String, _ condition: @Sendable () async throws -> Bool,
    describe: (@Sendable () async -> String)? = nil
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    let state = await describe?() ?? ""
    throw TestFailure("timed out waiting for: \(what)" + (state.isEmpty ? "" : " (\(state))"))
}
