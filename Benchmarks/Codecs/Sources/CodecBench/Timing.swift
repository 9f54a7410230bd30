/// Seconds of CPU time this thread has used. The benchmark is single-threaded, and on a shared,
/// oversubscribed machine wall-clock time mostly measures the other tenants.
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Median and best thread-CPU seconds of `body` over repetitions after warm-up, bounded by count
/// and a CPU-time budget.
func timeSeconds(warmup: Int = 2, maxReps: Int = 25, budget: Double = 2.0, _ body: () throws -> Void) rethrows -> (median: Double, best: Double) {
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    let begin = threadCPUSeconds()
    while times.count < maxReps && (times.count < 5 || threadCPUSeconds() - begin < budget) {
        let start = threadCPUSeconds()
        try body()
        times.append(threadCPUSeconds() - start)
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
