import Dispatch
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// How the process gets memory for multi-megabyte request buffers, set once at start-up.
///
/// glibc serves every allocation above its mmap threshold (at most 32 MB, and every large one
/// made on a thread other than the main one) with fresh anonymous pages and returns them with
/// `munmap` when freed, so each large request pays first-touch page faults for its body, its
/// tensors and its response: measured with 16M-element safetensors dice requests (128 MB body,
/// 64 MB answer) on the 2-core VM, faults and unmaps were 55–65 % of lossd's CPU time, and
/// copying into fresh memory took 5–7× as long as into reused memory (a 128 MB `memcpy`: ~150 ms
/// with 4 KB faults, 30–350 ms with huge pages, ~25 ms reused).
///
/// So lossd keeps large allocations in one malloc heap (`M_MMAP_MAX` 0, one arena, no
/// automatic trimming): the buffers of one request are reused by the next, already faulted in.
/// The peak is unchanged (one request still holds what it held); what changes is that the
/// memory stays mapped between requests — until the service has been idle for
/// ``idleTrimInterval``, when `malloc_trim` hands every free page back to the system.
///
/// An operator who sets `GLIBC_TUNABLES` decides malloc's policy; lossd then changes nothing.
enum MemoryPolicy {
    /// Idle time after which free heap memory is returned to the system.
    static let idleTrimInterval: DispatchTimeInterval = .seconds(10)

    /// Applies the policy; call first thing in `main`, before any other thread allocates.
    /// - Returns: Whether lossd set malloc's policy (false when `GLIBC_TUNABLES` is set or off Linux).
    @discardableResult
    static func configure(environment: [String: String]) -> Bool {
        #if os(Linux)
        guard environment["GLIBC_TUNABLES"] == nil else { return false }
        guard let mallopt = GlibcMalloc.mallopt else { return false }
        _ = mallopt(GlibcMalloc.arenaMax, 1)
        _ = mallopt(GlibcMalloc.mmapMax, 0)
        _ = mallopt(GlibcMalloc.trimThreshold, Int32.max)
        return true
        #else
        return false
        #endif
    }

    /// Trims the heap whenever no request ran for a whole ``idleTrimInterval``.
    /// - Parameter activity: A count that changes whenever a request starts or finishes, and
    ///   whether one is in flight.
    static func trimWhenIdle(activity: @escaping @Sendable () -> (count: Int, inFlight: Bool)) {
        #if os(Linux)
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "lossd.memory", qos: .background))
        nonisolated(unsafe) var lastSeen = -1
        nonisolated(unsafe) var trimmedAt = -1
        timer.schedule(deadline: .now() + idleTrimInterval, repeating: idleTrimInterval, leeway: .seconds(1))
        timer.setEventHandler {
            let (count, inFlight) = activity()
            defer { lastSeen = count }
            guard !inFlight, count == lastSeen, count != trimmedAt else { return }
            trimmedAt = count
            _ = GlibcMalloc.mallocTrim?(0)
        }
        timer.resume()
        retained = timer
        #endif
    }

    nonisolated(unsafe) private static var retained: DispatchSourceTimer?
}

#if os(Linux)
/// glibc's `<malloc.h>` extensions, which the Glibc module does not import: looked up at run
/// time (nil under another libc), with the parameter numbers of glibc's stable ABI.
private enum GlibcMalloc {
    static let trimThreshold: Int32 = -1 // M_TRIM_THRESHOLD
    static let mmapMax: Int32 = -4 // M_MMAP_MAX
    static let arenaMax: Int32 = -8 // M_ARENA_MAX

    static let mallopt: (@convention(c) (Int32, Int32) -> Int32)? = symbol("mallopt")
    static let mallocTrim: (@convention(c) (Int) -> Int32)? = symbol("malloc_trim")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
#endif
