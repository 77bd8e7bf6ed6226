import FluentKit
import SQLKit

/// Both drivers ScaiDial uses (SQLite, PostgreSQL) are SQL databases; plain SQL reaches them
/// through this instead of a cast that would trap.
extension Database {
    func sql() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { throw PersistenceError.notSQL(String(describing: type(of: self))) }
        return sql
    }
}

extension Model {
    /// The id for a log line: never traps, even on a model that was never saved.
    var logID: String { id.map { "\($0)" } ?? "unsaved" }
}

enum PersistenceError: Error, CustomStringConvertible {
    case notSQL(String)
    var description: String {
        switch self {
        case .notSQL(let type): "the database (\(type)) does not speak SQL"
        }
    }
}
