#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A body being received (or inflated) into one allocation that becomes the request's
/// `[UInt8]` without a copy.
///
/// Sized once from `Content-Length` when the length is known; otherwise (chunked bodies,
/// inflated bodies) grown geometrically, doubling, so a body of n bytes costs at most n
/// bytes of growth copies. Bytes are written straight into the free space — by `recv`,
/// by zlib, or from the parser's buffer — never staged in a temporary array.
///
/// Invariant: `storage.count` is the capacity and bytes at `count...` have not been
/// written yet; they are never read, and `take()` cuts them off before anyone can see
/// them. Capacity that is never written costs no memory: allocations this large are
/// fresh anonymous pages, faulted in only when `recv` or zlib first touches them.
struct BodyBuffer {
    private var storage: [UInt8] = []
    /// Bytes written so far.
    private(set) var count = 0

    /// Smallest allocation made when growing an empty buffer.
    static let minimumGrowth = 64 * 1024

    /// An empty buffer that allocates on first write.
    init() {}

    /// A buffer with room for exactly `capacity` bytes, allocated now but not yet written.
    ///
    /// A large exact-size buffer is written in full by `recv`, so it asks for transparent huge
    /// pages: measured with 128 MB safetensors uploads, its 4 KB first-touch faults (memcg
    /// charge, LRU, zeroing) cost several times the copy out of the socket itself.
    init(capacity: Int) {
        storage = Self.allocate(capacity)
        storage.withUnsafeMutableBytes { Self.adviseHugePages($0) }
    }

    /// Room left before the buffer must grow.
    var freeCapacity: Int { storage.count - count }

    /// Makes room for at least `minimum` more bytes, doubling the capacity (up to `limit`
    /// total, which must leave room for `count + minimum`) so repeated growth stays linear.
    mutating func reserveFree(_ minimum: Int, limit: Int) {
        guard freeCapacity < minimum else { return }
        let needed = count + minimum
        let doubled = storage.count > limit / 2 ? limit : max(2 * storage.count, Self.minimumGrowth)
        var grown = Self.allocate(max(needed, min(doubled, limit)))
        if count > 0 {
            grown.withUnsafeMutableBytes { target in
                storage.withUnsafeBytes { source in
                    target.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: count)
                }
            }
        }
        storage = grown
    }

    /// Appends `bytes`, growing geometrically if needed (never beyond `limit` in total).
    mutating func append(_ bytes: UnsafeRawBufferPointer, limit: Int) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserveFree(bytes.count, limit: max(limit, count + bytes.count))
        let offset = count
        storage.withUnsafeMutableBytes { target in
            (target.baseAddress! + offset).copyMemory(from: source, byteCount: bytes.count)
        }
        count += bytes.count
    }

    /// Lends the free space to `body`, which writes into its start and returns how many
    /// bytes it wrote (0 when nothing) along with its own result.
    mutating func writeIntoFreeSpace<Result>(
        _ body: (UnsafeMutableRawBufferPointer) -> (written: Int, result: Result)
    ) -> Result {
        let offset = count
        let (written, result) = storage.withUnsafeMutableBytes { raw in
            body(UnsafeMutableRawBufferPointer(rebasing: raw[offset...]))
        }
        precondition(written >= 0 && written <= storage.count - offset, "wrote beyond the free space")
        count += written
        return result
    }

    /// The bytes written, as an array that shares this buffer's storage; the buffer is
    /// left empty.
    mutating func take() -> [UInt8] {
        var bytes: [UInt8] = []
        swap(&bytes, &storage)
        bytes.removeLast(bytes.count - count)
        count = 0
        return bytes
    }

    /// Buffers at least this large are fresh anonymous memory (above malloc's mmap threshold).
    static let hugePageThreshold = 4 << 20

    /// Advises the kernel to back the 2 MB-aligned interior of a fresh, unwritten `buffer`
    /// with huge pages (an advice: ignored where THP is off).
    static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard buffer.count >= hugePageThreshold, let base = buffer.baseAddress else { return }
        let huge = UInt(2 << 20)
        let start = (UInt(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (UInt(bitPattern: base) + UInt(buffer.count)) & ~(huge - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, Int(end - start), 14 /* MADV_HUGEPAGE */)
        #endif
    }

    /// An array of `capacity` bytes whose contents are left unwritten (see the invariant).
    private static func allocate(_ capacity: Int) -> [UInt8] {
        guard capacity > 0 else { return [] }
        // No MADV_HUGEPAGE for grown buffers (chunked or inflated bodies): measured on gzip
        // uploads, clearing 2 MB pages of capacity that is never written cost more kernel time
        // than the 4 KB faults they replace. Exact-size buffers advise it (`init(capacity:)`).
        return [UInt8](unsafeUninitializedCapacity: capacity) { _, initialized in initialized = capacity }
    }
}
