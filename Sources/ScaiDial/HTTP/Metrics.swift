import Foundation
import Hummingbird
import Synchronization

/// Prometheus counters and histograms, rendered in the text exposition format on `/metrics`.
public final class MetricsRegistry: Sendable {
    private struct Series: Hashable { let name: String; let labels: [String] }
    private struct Histogram { var buckets: [Int]; var sum: Double; var count: Int }
    private struct State {
        var counters: [Series: Double] = [:]
        var histograms: [Series: Histogram] = [:]
        var help: [String: (type: String, text: String)] = [:]
    }
    static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    private let state = Mutex(State())

    public init() {}

    private static func render(_ labels: [(String, String)]) -> [String] {
        labels.map { "\($0.0)=\"\(escape($0.1))\"" }
    }

    /// Label values escaped for the text format; most have nothing to escape (kept off Foundation
    /// on the per-request path).
    private static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    public func increment(_ name: String, help: String, labels: [(String, String)] = [], by amount: Double = 1) {
        let series = Series(name: name, labels: Self.render(labels))
        state.withLock {
            $0.help[name] = ("counter", help)
            $0.counters[series, default: 0] += amount
        }
    }

    public func observe(_ name: String, help: String, labels: [(String, String)] = [], seconds: Double) {
        let series = Series(name: name, labels: Self.render(labels))
        state.withLock {
            $0.help[name] = ("histogram", help)
            var h = $0.histograms[series] ?? Histogram(buckets: Array(repeating: 0, count: Self.latencyBuckets.count), sum: 0, count: 0)
            for (i, bound) in Self.latencyBuckets.enumerated() where seconds <= bound { h.buckets[i] += 1 }
            h.sum += seconds
            h.count += 1
            $0.histograms[series] = h
        }
    }

    /// The Prometheus text format, series sorted for stable output.
    public func exposition() -> String {
        state.withLock { s in
            var out = ""
            for (name, (type, text)) in s.help.sorted(by: { $0.key < $1.key }) {
                out += "# HELP \(name) \(text)\n# TYPE \(name) \(type)\n"
                if type == "counter" {
                    for (series, v) in s.counters where series.name == name {
                        out += "\(name){\(series.labels.joined(separator: ","))} \(Self.number(v))\n"
                    }
                } else {
                    for (series, h) in s.histograms where series.name == name {
                        let base = series.labels.joined(separator: ",")
                        let sep = base.isEmpty ? "" : ","
                        for (i, bound) in Self.latencyBuckets.enumerated() {
                            out += "\(name)_bucket{\(base)\(sep)le=\"\(bound)\"} \(h.buckets[i])\n"
                        }
                        out += "\(name)_bucket{\(base)\(sep)le=\"+Inf\"} \(h.count)\n"
                        out += "\(name)_sum{\(base)} \(h.sum)\n\(name)_count{\(base)} \(h.count)\n"
                    }
                }
            }
            return out
        }
    }

    private static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}

/// Counts every request and its latency by method, route template and status.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: MetricsRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        metrics.increment(
            "scaidial_http_requests_total", help: "HTTP requests by method, route and status",
            labels: [("method", method), ("route", route), ("status", String(response.status.code))])
        metrics.observe(
            "scaidial_http_request_duration_seconds", help: "HTTP request latency by method and route",
            labels: [("method", method), ("route", route)], seconds: seconds)
        return response
    }
}
