import Foundation

// ScaiDial's benchmark command (`scripts/bench.sh` builds and runs it):
//   scaidial-bench                                  in-process figures only
//   scaidial-bench --server .build/release/scaidial  + the call path by plan against /healthz, live-call levels,
//                                                     click-to-call (livekit-fake beside the server), the call
//                                                     history over 1,000,000 calls and memory with 1,000 tenants
//   … --seconds 1                                    short mode (CI): every part at a small scale
//   … --profile forward|bot|wave                     only: perf's top entries for that plan under wrk
//   … --profile click [--users N]                    only: perf's top entries under click-to-call (16 users)
//   … --part extras                                  only: click-to-call, the history page and memory
//   … --part history                                only: the history page over 1,000,000 calls
//   … --part click [--users N]                       only: click-to-call (16 users unless given)
//   … --postgres postgres://…/bench_db               + the same on PostgreSQL (a database of its own: emptied with psql)
// Each figure is printed next to its spec §7 budget; HTTP figures are ratios against /healthz
// measured in the same run.

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { arguments.index(after: $0) < arguments.endIndex ? arguments[$0 + 1] : nil }
}

if let server = option("--server"), option("--profile") == "click" {
    // A profile of click-to-call: scaidial-bench --server … --profile click [--users 16] [--seconds 10]
    try await CallPathBenchmark(binary: server, postgres: option("--postgres"), seconds: Double(option("--seconds") ?? "10") ?? 10)
        .clickToCall(users: option("--users").flatMap { Int($0) }, profile: true)
    exit(0)
}
if let server = option("--server"), let plan = option("--profile") {
    // A profile of the call path for one plan: scaidial-bench --server … --profile wave [--seconds 10]
    guard let plan = CallPathBenchmark.Plan(rawValue: plan) else { throw BenchError("--profile forward|bot|wave") }
    try await CallPathBenchmark(
        binary: server, postgres: option("--postgres"), seconds: Double(option("--seconds") ?? "10") ?? 10
    )
    .profile(plan)
    exit(0)
}
/// One part of the benchmark on SQLite, then on PostgreSQL when `--postgres` is given.
func onEachDatabase(_ server: String, _ part: (CallPathBenchmark) async throws -> Void) async throws {
    let seconds = Double(option("--seconds") ?? "3") ?? 3
    try await part(CallPathBenchmark(binary: server, postgres: nil, seconds: seconds))
    if let pg = option("--postgres") { try await part(CallPathBenchmark(binary: server, postgres: pg, seconds: seconds)) }
}
if let server = option("--server"), let part = option("--part") {
    switch part {
    case "click":  // only click-to-call, at --users N (16 unless given)
        let users = option("--users").flatMap { Int($0) }
        try await onEachDatabase(server) { try await $0.clickToCall(users: users) }
    case "history":  // only the history page over 1,000,000 calls
        try await onEachDatabase(server) { try await $0.extras(historyOnly: true) }
    case "extras":  // only click-to-call, the history page and memory
        try await onEachDatabase(server) { try await $0.extras() }
    default: throw BenchError("--part click|history|extras")
    }
    exit(0)
}
try microBenchmarks()
if let server = option("--server") {
    let seconds = Double(option("--seconds") ?? "3") ?? 3
    try await CallPathBenchmark(binary: server, postgres: nil, seconds: seconds).run()
    // A login flood: with the sign-in limits on (as shipped), and off (every wrong password costs a
    // full bcrypt hash: only the hashing pool keeps the call path free).
    try await HTTPBenchmark(binary: server, database: nil, seconds: seconds).abuse(limits: "sign-in limits on")
    try await HTTPBenchmark(
        binary: server, database: nil, seconds: seconds,
        extraEnvironment: ["SCAIDIAL_SIGNIN_FAILURES_PER_ADDRESS": "0", "SCAIDIAL_SIGNIN_FAILURES_PER_ACCOUNT": "0"]
    ).abuse(limits: "sign-in limits off")
    if let pg = option("--postgres") {
        try await CallPathBenchmark(binary: server, postgres: pg, seconds: seconds).run()
    }
}
