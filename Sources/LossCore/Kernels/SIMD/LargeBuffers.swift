#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Page handling for the multi-megabyte gradient buffers a large request allocates.
///
/// glibc serves allocations above its mmap threshold with fresh anonymous pages, so the first
/// write of a 64 MB gradient takes 16 K page faults (each zeroes 4 KB) — as much time as the
/// kernel itself. Asking for transparent huge pages on such a buffer before it is touched turns
/// that into a few dozen 2 MB faults. Only an advice: kernels where THP is off simply ignore it.
public enum LargeBuffers {
    /// Buffers smaller than this are left alone (they live in malloc's heap, already faulted in).
    public static let threshold = 4 << 20

    /// Advises the kernel to back the whole 2 MB-aligned interior of `buffer` with huge pages.
    /// - Parameter buffer: A freshly allocated, not yet written region.
    @inlinable
    public static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard buffer.count >= threshold, let base = buffer.baseAddress else { return }
        let huge = 2 << 20
        let start = (UInt(bitPattern: base) + UInt(huge - 1)) & ~UInt(huge - 1)
        let end = (UInt(bitPattern: base) + UInt(buffer.count)) & ~UInt(huge - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, Int(end - start), 14 /* MADV_HUGEPAGE */)
        #endif
    }
}
