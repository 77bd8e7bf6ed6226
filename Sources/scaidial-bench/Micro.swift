import Dialplan
import Foundation

// In-process benchmarks: the dialplan and number handling (spec §7).

struct Measurement {
    let name: String
    let perOp: Duration
    let p99: Duration
    let budget: Duration?
}

/// Runs `body` in `batches` timed batches of `batchSize` operations; per-operation mean and the
/// 99th percentile of the batch means (batching keeps clock overhead out of sub-microsecond work).
func measure(_ name: String, budget: Duration?, batches: Int = 200, batchSize: Int = 100, _ body: () -> Int) -> Measurement {
    let clock = ContinuousClock()
    var sink = 0
    for _ in 0..<batchSize { sink &+= body() }  // warm up
    var samples: [Duration] = []
    for _ in 0..<batches {
        let d = clock.measure { for _ in 0..<batchSize { sink &+= body() } }
        samples.append(d / batchSize)
    }
    samples.sort()
    let total = samples.reduce(Duration.zero, +)
    if sink == 42 { print("") }  // keep the work observable
    return Measurement(name: name, perOp: total / samples.count, p99: samples[Int(Double(samples.count - 1) * 0.99)], budget: budget)
}

func format(_ d: Duration) -> String {
    let ns = Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9
    return ns >= 1000 ? String(format: "%.2f µs", ns / 1000) : String(format: "%.0f ns", ns)
}

func microBenchmarks() throws {
    let (plan, facts, expected) = try DialplanBenchmark.thousandRulePlan()
    precondition(plan.firstMatch(facts)?.id == expected, "the benchmark plan must pick its last rule")

    var results: [Measurement] = []
    results.append(
        measure("dialplan: 1,000-rule decision (first match)", budget: .microseconds(50)) {
            plan.firstMatch(facts) == nil ? 0 : 1
        })
    results.append(
        measure("dialplan: 1,000-rule decision with trace (simulator)", budget: nil, batches: 50, batchSize: 10) {
            plan.evaluate(facts).trace.count
        })
    results.append(
        measure("E.164: normalise a national number", budget: nil) {
            (try? E164.normalize("020 123 4567", defaultCountry: "NL"))?.count ?? 0
        })
    results.append(
        measure("pattern: compile _+31[1-5]XXXXXXX.", budget: nil) {
            (try? Pattern("_+31[1-5]XXXXXXX."))?.text.count ?? 0
        })

    print("ScaiDial benchmarks (\(ProcessInfo.processInfo.processorCount) cores)")
    for r in results {
        var line = "\(r.name): mean \(format(r.perOp)), p99 \(format(r.p99))"
        if let budget = r.budget {
            let ratio =
                Double(r.p99.components.attoseconds + r.p99.components.seconds * 1_000_000_000_000_000_000)
                / Double(budget.components.attoseconds + budget.components.seconds * 1_000_000_000_000_000_000)
            line += String(format: " — %.1f%% of the %@ budget", ratio * 100, format(budget))
        }
        print(line)
    }
}
