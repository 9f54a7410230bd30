import Dispatch

/// Deterministic, optionally parallel iteration over `0..<count` in fixed chunks.
///
/// The chunking depends only on `count`, never on the number of cores or the load, and
/// per-chunk partial sums are combined in chunk order. A result is therefore bitwise
/// identical whether the chunks ran on one thread or many.
public enum ChunkedSum {
    /// Elements per chunk.
    public static let chunkSize = 16_384
    /// Below this many elements every chunk runs on the calling thread.
    public static let parallelThreshold = 262_144

    /// Runs `body` over each chunk and returns the per-chunk results summed in chunk order.
    ///
    /// `body` may write to disjoint output positions of its own range; it must not touch others.
    /// - Parameters:
    ///   - count: Number of elements.
    ///   - body: Computes the partial sums of one chunk.
    /// - Returns: The sum of all chunks' partials, added left to right.
    @inlinable @inline(__always)
    public static func sum<S: SIMD>(count: Int, _ body: (Range<Int>) -> S) -> S where S.Scalar == Double, S: Sendable {
        let chunks = (count + chunkSize - 1) / chunkSize
        if chunks <= 1 { return body(0..<count) }
        var partials = [S](repeating: S(), count: chunks)
        if count >= parallelThreshold {
            partials.withUnsafeMutableBufferPointer { slots in
                let slots = UncheckedSendable(slots)
                withoutActuallyEscaping(body) { body in
                    let body = UncheckedSendable(body)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let start = chunk * chunkSize
                        slots.value[chunk] = body.value(start..<min(start + chunkSize, count))
                    }
                }
            }
        } else {
            for chunk in 0..<chunks {
                let start = chunk * chunkSize
                partials[chunk] = body(start..<min(start + chunkSize, count))
            }
        }
        var total = S()
        for partial in partials { total += partial }
        return total
    }

    /// Runs `body` over each chunk, in parallel for large counts, with no result.
    /// - Parameters:
    ///   - count: Number of elements.
    ///   - body: Processes one chunk's range.
    @inlinable @inline(__always)
    public static func forEach(count: Int, _ body: (Range<Int>) -> Void) {
        if count < parallelThreshold {
            if count > 0 { body(0..<count) }
            return
        }
        let chunks = (count + chunkSize - 1) / chunkSize
        withoutActuallyEscaping(body) { body in
            let body = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * chunkSize
                body.value(start..<min(start + chunkSize, count))
            }
        }
    }
}

/// Carries a value into a `@Sendable` closure whose concurrent use the caller has made safe
/// (here: chunk bodies that write disjoint ranges).
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @usableFromInline init(_ value: Value) { self.value = value }
}
