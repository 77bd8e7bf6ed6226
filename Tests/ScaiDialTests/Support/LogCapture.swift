import Logging
import Synchronization

/// Keeps every log line (message and metadata) so a test can read what the server logged.
final class LogCapture: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    private let level = Mutex<Logger.Level>(.debug)
    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let meta = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.withLock { $0.append("\(event.level) \(event.message) \(meta)") }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
