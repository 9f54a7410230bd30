/// Median and best seconds of `body` over repetitions after warm-up, bounded by count and a time budget.
func timeSeconds(warmup: Int = 2, maxReps: Int = 25, budget: Double = 2.0, _ body: () throws -> Void) rethrows -> (median: Double, best: Double) {
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(Int(budget * 1000))
    while times.count < maxReps && (times.count < 5 || clock.now < deadline) {
        let elapsed = try clock.measure(body)
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    times.sort()
    return (times[times.count / 2], times[0])
}

/// One table row: what was timed, the text size, and MB/s (10^6 bytes) at the median and best time.
func report(_ label: String, bytes: Int, _ time: (median: Double, best: Double)) {
    let mb = Double(bytes) / 1e6
    print("| \(label) | \(String(format: "%.1f", mb)) MB | \(String(format: "%.2f", time.median * 1e3)) ms "
          + "| \(String(format: "%.0f", mb / time.median)) | \(String(format: "%.0f", mb / time.best)) |")
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
