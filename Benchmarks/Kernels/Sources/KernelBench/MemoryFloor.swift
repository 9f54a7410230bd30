import Dispatch
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The memory-copy floor of a workload: `memcpy` of its input and target bytes into a
/// preallocated (and pre-faulted) destination of the same size, on 1 and on 2 threads.
///
/// A loss must at least read input + target and write a gradient of the input's size; a copy
/// of input + target reads the same bytes and writes as many (more than the gradient: 16n vs
/// 12n bytes moved for mse, 10n vs 9n for 1-byte targets, so the floor is slightly generous),
/// with no arithmetic, no allocation and no page faults: what this machine's memory system
/// allows, measured in the same run.
struct MemoryFloor {
    /// One thread: two `memcpy` calls.
    var oneThread: Timing
    /// Two threads, each copying half of the input and half of the target.
    var twoThreads: Timing

    /// The faster of the two settings.
    var best: (timing: Timing, threads: Int) {
        twoThreads.median < oneThread.median ? (twoThreads, 2) : (oneThread, 1)
    }

    /// Measures the floor of `workload`.
    static func measure(_ workload: Workload, plan: RepetitionPlan) -> MemoryFloor {
        let size = workload.inputBytes + workload.targetBytes
        let destination = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 64)
        defer { destination.deallocate() }
        memset(destination, 1, size)  // faults every page in before timing
        return workload.withSourceBytes { input, target in
            let dst = Int(bitPattern: destination)
            let parts = [(Int(bitPattern: input.baseAddress), input.count, dst),
                         (Int(bitPattern: target.baseAddress), target.count, dst + input.count)]
            let one = timeCalls(plan) {
                for (source, count, to) in parts { copy(to, source, count) }
            }
            let two = timeCalls(plan) {
                DispatchQueue.concurrentPerform(iterations: 2) { half in
                    for (source, count, to) in parts {
                        let lower = (count / 2) & ~63
                        let offset = half == 0 ? 0 : lower
                        copy(to + offset, source + offset, half == 0 ? lower : count - lower)
                    }
                }
            }
            return MemoryFloor(oneThread: one, twoThreads: two)
        }
    }
}

/// `memcpy` on integer addresses (integers cross the concurrentPerform closure; pointers are not Sendable).
@inline(never)
func copy(_ destination: Int, _ source: Int, _ count: Int) {
    guard count > 0, let to = UnsafeMutableRawPointer(bitPattern: destination),
          let from = UnsafeRawPointer(bitPattern: source) else { return }
    memcpy(to, from, count)
}
