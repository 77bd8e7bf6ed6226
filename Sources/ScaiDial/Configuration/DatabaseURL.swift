import Foundation

/// `SCAIDIAL_DATABASE_URL`, parsed: a SQLite file or a PostgreSQL server.
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// "sqlite" or "postgresql", for logs.
    var engine: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgresql"
        }
    }

    /// `sqlite://./db.sqlite` (relative), `sqlite:///var/lib/db.sqlite` (absolute), `sqlite::memory:`
    /// is not accepted: data must survive a restart. `postgres://` and `postgresql://` URLs pass through.
    public static func parse(_ raw: String) -> DatabaseURL? {
        if raw.hasPrefix("sqlite://") {
            let path = String(raw.dropFirst("sqlite://".count))
            return path.isEmpty ? nil : .sqlite(path: path)
        }
        if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            return URL(string: raw)?.host == nil ? nil : .postgres(url: raw)
        }
        return nil
    }

    /// The URL with any password replaced, for logs.
    public static func redacted(_ raw: String) -> String {
        guard var components = URLComponents(string: raw), components.password != nil else { return raw }
        components.password = "***"
        return components.string ?? "***"
    }
}
