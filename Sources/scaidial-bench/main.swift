import Foundation

// ScaiDial's benchmark command (`scripts/bench.sh` builds and runs it):
//   scaidial-bench                                  in-process figures only
//   scaidial-bench --server .build/release/scaidial  + the /sip/inbound decision against /healthz on SQLite
//   … --postgres postgres://…/empty_db               + the same on PostgreSQL
//   … --load swift                                   the call path driven by AsyncHTTPClient even when wrk is installed
// Each figure is printed next to its spec §7 budget; HTTP figures are ratios against /healthz
// measured in the same run.

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { arguments.index(after: $0) < arguments.endIndex ? arguments[$0 + 1] : nil }
}

try microBenchmarks()
if let server = option("--server") {
    let seconds = Double(option("--seconds") ?? "3") ?? 3
    let useWrk = option("--load") != "swift"
    try await HTTPBenchmark(binary: server, database: nil, seconds: seconds, useWrk: useWrk).run()
    // A login flood: with the sign-in limits on (as shipped), and off (every wrong password costs a
    // full bcrypt hash: only the hashing pool keeps the call path free).
    try await HTTPBenchmark(binary: server, database: nil, seconds: seconds).abuse(limits: "sign-in limits on")
    try await HTTPBenchmark(
        binary: server, database: nil, seconds: seconds,
        extraEnvironment: ["SCAIDIAL_SIGNIN_FAILURES_PER_ADDRESS": "0", "SCAIDIAL_SIGNIN_FAILURES_PER_ACCOUNT": "0"]
    ).abuse(limits: "sign-in limits off")
    if let pg = option("--postgres") {
        try await HTTPBenchmark(binary: server, database: pg, seconds: seconds, useWrk: useWrk).run()
    }
}
