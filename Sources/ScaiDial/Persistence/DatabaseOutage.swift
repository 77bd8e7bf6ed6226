import FluentPostgresDriver
import FluentSQLiteDriver

/// Errors that mean "the database cannot be reached right now", not "this request is wrong": a
/// PostgreSQL server restarting, shutting down or refusing connections, a connection cut under a
/// query, or no pooled connection within the pool's timeout. The HTTP edge answers them 503 with
/// `Retry-After` (a client should try again), never 500: a transaction cut by the outage did not
/// commit.
enum DatabaseOutage {
    static func isOutage(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // Class 08: connection exception; class 57: operator intervention (57P01 admin
                // shutdown, 57P02 crash shutdown, 57P03 the database system is starting up).
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57P")
            default:
                return false
            }
        }
        if error is ConnectionPoolTimeoutError { return true }
        if let error = error as? SQLiteError {
            // Another writer held the file longer than the busy timeout.
            return error.reason == .busy || error.reason == .locked
        }
        return false
    }
}
