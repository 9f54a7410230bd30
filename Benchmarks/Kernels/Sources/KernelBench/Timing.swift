#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Monotonic time in seconds.
func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}

/// The repetitions of one timed body.
struct Timing {
    /// Median seconds per call.
    var median: Double
    /// Fastest sample, seconds per call.
    var fastest: Double
    /// Samples taken (each of `batch` calls).
    var reps: Int
    /// Calls per sample: more than 1 only when one call is shorter than `minimumSample`.
    var batch: Int
}

/// How many repetitions a cell gets: bounded by count and a time budget.
struct RepetitionPlan {
    /// Warm-up samples before timing (after the one calibration call).
    var warmup: Int
    /// At most this many samples.
    var maxReps: Int
    /// Stop sampling after this many seconds once `minReps` are done.
    var budget: Double
    /// At least this many samples, whatever the budget.
    var minReps = 3

    /// The plan for a size: 16M is bounded at 7 samples, and not warmed up beyond the calibration
    /// (and checked) call, so the whole run stays at a few minutes.
    static func forElements(_ count: Int) -> RepetitionPlan {
        switch count {
        case ..<100_000: RepetitionPlan(warmup: 5, maxReps: 300, budget: 0.5)
        case ..<4_000_000: RepetitionPlan(warmup: 2, maxReps: 30, budget: 1.0)
        default: RepetitionPlan(warmup: 0, maxReps: 7, budget: 2.0)
        }
    }
}

/// Times `body`: one calibration call, warm-up, then samples of `batch` calls each until the
/// plan's count or budget is reached; the median (and fastest) per-call time.
///
/// A sample shorter than `minimumSample` (20 µs by default; clock overhead is ~25 ns) would be
/// noise, so tiny bodies (a 1K memcpy) run `batch` times per sample.
func timeCalls(_ plan: RepetitionPlan, minimumSample: Double = 20e-6, _ body: () throws -> Void) rethrows -> Timing {
    var start = monotonicSeconds()
    try body()
    let first = max(monotonicSeconds() - start, 1e-9)
    let batch = first >= minimumSample ? 1 : min(100_000, Int((minimumSample / first).rounded(.up)))
    for _ in 0..<plan.warmup * batch { try body() }
    var samples: [Double] = []
    samples.reserveCapacity(plan.maxReps)
    let deadline = monotonicSeconds() + plan.budget
    while samples.count < plan.maxReps && (samples.count < plan.minReps || monotonicSeconds() < deadline) {
        start = monotonicSeconds()
        for _ in 0..<batch { try body() }
        samples.append((monotonicSeconds() - start) / Double(batch))
    }
    samples.sort()
    return Timing(median: samples[samples.count / 2], fastest: samples[0], reps: samples.count, batch: batch)
}
