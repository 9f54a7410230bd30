// Times LossRegistry.standard.evaluate (parameter validation + kernel + result tensors) for the
// losses and sizes of Benchmarks/bench.py: the lower bound of what lossd can answer in.
import Foundation
import LossCore

/// Median seconds of `body` over repetitions after warm-up, bounded by count and a time budget.
func medianSeconds(warmup: Int, maxReps: Int, budget: Double, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(Int(budget * 1000))
    while times.count < maxReps && (times.count < 3 || clock.now < deadline) {
        let elapsed = try clock.measure(body)
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    times.sort()
    return times[times.count / 2]
}

func formatted(_ seconds: Double) -> String {
    seconds < 1e-3 ? String(format: "%.1f µs", seconds * 1e6) : String(format: "%.3f ms", seconds * 1e3)
}

// Optional arguments name the losses to run (default: all), e.g. `kernel-bench mse dice`.
let selected = CommandLine.arguments.dropFirst().isEmpty ? Workload.losses : Array(CommandLine.arguments.dropFirst())
var random = SplitMix64(seed: 20_261_129)
print("| loss | size | evaluate (median) | ns/element | GB/s |")
print("|---|---|--:|--:|--:|")
for (label, count) in Workload.sizes {
    for name in Workload.losses where selected.contains(name) {
        let workload = try Workload(loss: name, label: label, count: count, random: &random)
        guard let loss = LossRegistry.standard.loss(named: name) else {
            fatalError("no loss named \(name)")
        }
        var sink = 0.0
        let seconds = try medianSeconds(warmup: 3, maxReps: label == "1M" ? 30 : 300, budget: 1.0) {
            let result = try LossRegistry.standard.evaluate(loss, parameters: [:], inputs: workload.inputs)
            sink += Double(result.grad.count)  // keeps the result alive and used
        }
        precondition(sink > 0)
        print("| \(name) | \(label) | \(formatted(seconds)) | \(String(format: "%.2f", seconds * 1e9 / Double(count))) "
              + "| \(String(format: "%.2f", Double(workload.movedBytes) / seconds / 1e9)) |")
    }
}
