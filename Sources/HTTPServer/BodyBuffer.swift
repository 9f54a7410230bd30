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
    init(capacity: Int) {
        storage = Self.allocate(capacity)
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

    /// An array of `capacity` bytes whose contents are left unwritten (see the invariant).
    private static func allocate(_ capacity: Int) -> [UInt8] {
        guard capacity > 0 else { return [] }
        // No MADV_HUGEPAGE here (unlike LossCore's gradients): measured on gzip uploads, the
        // 2 MB page clears cost more kernel time than the 4 KB faults they replace.
        return [UInt8](unsafeUninitializedCapacity: capacity) { _, initialized in initialized = capacity }
    }
}
