import Foundation

/// Load from `wrk` (Debian's `wrk`, C, one event loop per thread): a generator that is not the
/// bottleneck. AsyncHTTPClient tops out near 18,000 req/s on `/healthz` on two cores, so a figure
/// measured with it is partly the client's (issue 15). Every `/sip/inbound` request carries a new
/// livekit-sip call id (a Lua script numbers them per thread), so each is a new call.
struct WrkLoad {
    /// The `wrk` executable, or nil when it is not installed.
    static let executable: String? = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }

    let wrk: String
    let seconds: Int
    let secret: String
    let scripts: String

    init(wrk: String, seconds: Int, secret: String) throws {
        self.wrk = wrk
        self.seconds = seconds
        self.secret = secret
        scripts = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-wrk-\(UUID())").path
        try FileManager.default.createDirectory(atPath: scripts, withIntermediateDirectories: true)
    }

    /// A script `name` posting new calls to `numbers` in turn.
    func addInbound(_ name: String, numbers: [String]) throws {
        // The body with placeholders the script replaces by a call id unique to the thread and
        // request, and by the called number.
        let template = HTTPBenchmark.inboundBody(callID: "@CALL@", to: "@TO@").replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "'", with: "\\'")
        let list = numbers.map { "'\($0)'" }.joined(separator: ",")
        let inbound = """
            local n = 0
            local prefix = "SCL_wrk"
            local template = '\(template)'
            local numbers = {\(list)}
            local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer \(secret)" }
            local threads = 0
            -- Each thread numbers its calls; the run id (the script's argument, new for every run:
            -- Lua's unseeded random is the same in every run) keeps runs from repeating each other's
            -- call ids, which the server would answer as livekit-sip's retries of old calls.
            function setup(thread)
              threads = threads + 1
              thread:set("tag", tostring(threads))
            end
            function init(args) prefix = "SCL_wrk_" .. args[1] .. "_" .. tag .. "_" end
            function request()
              n = n + 1
              local body = string.gsub(template, "@CALL@", prefix .. n)
              body = string.gsub(body, "@TO@", numbers[(n % #numbers) + 1])
              return wrk.format("POST", "/sip/inbound", headers, body)
            end
            """
        try inbound.write(toFile: scripts + "/\(name).lua", atomically: true, encoding: .utf8)
    }

    /// req/s, p50 and p99 (ms) of `path` (`/healthz`, or `/sip/inbound` with the script) at `connections`.
    func run(_ base: String, path: String, connections: Int, script: String? = nil) throws -> HTTPBenchmark.Figures {
        var arguments = [
            "-t", String(min(2, connections)), "-c", String(connections), "-d", "\(seconds)s", "--latency", "--timeout", "10s",
        ]
        if let script { arguments += ["-s", scripts + "/\(script).lua"] }
        arguments += [base + path, "--", UUID().uuidString.prefix(8).lowercased()]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return try Self.parse(output)
    }

    /// Reads wrk's report: "Requests/sec: 1234.56" and the `--latency` distribution ("50%  1.23ms").
    /// Non-2xx answers make the figure invalid (wrk counts them as requests).
    static func parse(_ output: String) throws -> HTTPBenchmark.Figures {
        if output.contains("Non-2xx or 3xx responses") { throw BenchError("wrk saw error answers:\n\(output)") }
        func latency(_ percentile: String) -> Double? {
            for line in output.split(separator: "\n") {
                let words = line.split(separator: " ", omittingEmptySubsequences: true)
                if words.count == 2, words[0] == percentile { return milliseconds(String(words[1])) }
            }
            return nil
        }
        let rate = output.split(separator: "\n").first { $0.hasPrefix("Requests/sec:") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        guard let rate, let p50 = latency("50%"), let p99 = latency("99%") else {
            throw BenchError("cannot read wrk's report:\n\(output)")
        }
        return HTTPBenchmark.Figures(rate: rate, p50: p50, p99: p99)
    }

    /// "812.00us", "1.23ms", "2.01s" in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (unit, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * factor }
        }
        return nil
    }
}
