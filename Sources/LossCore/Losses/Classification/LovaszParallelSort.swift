import Dispatch

/// Sorts Lovász errors by the extension's total order — NaN first, then descending, then by
/// position ascending — with fixed-size runs sorted in parallel and merged in parallel rounds.
///
/// The order is total (positions are distinct), so the sorted permutation is unique: whatever the
/// run size, the thread count or the interleaving, the result equals that of any correct sequential
/// sort. Runs and output chunks are fixed by the element count alone, as in ``ChunkedSum``.
/// Buffers are allocated once per capacity and reused for every image and class.
struct LovaszParallelSort {
    /// One error with its position, sorted together so comparisons stay in cache.
    struct Entry {
        var error: Double
        var index: Int
    }

    /// Elements per sorted run and per output chunk of a merge round.
    static let runLength = ChunkedSum.chunkSize

    private var entries: [Entry] = []
    private var scratch: [Entry] = []

    /// Whether `a` comes before `b`: the comparator of ``LovaszExtension``'s sequential sort.
    @inline(__always)
    static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        if a.error.isNaN || b.error.isNaN { return a.error.isNaN && (!b.error.isNaN || a.index < b.index) }
        return a.error > b.error || (a.error == b.error && a.index < b.index)
    }

    /// Writes into `order[0..<count]` the positions of `errors[0..<count]` in sorted order.
    mutating func sort(_ errors: UnsafeBufferPointer<Double>, count: Int, into order: UnsafeMutableBufferPointer<Int>) {
        guard count > 0 else { return }
        if entries.count < count {
            entries = [Entry](repeating: Entry(error: 0, index: 0), count: count)
            scratch = entries
        }
        entries.withUnsafeMutableBufferPointer { entries in
            scratch.withUnsafeMutableBufferPointer { scratch in
                guard let entries = entries.baseAddress, let scratch = scratch.baseAddress else { return }
                let sorted = Self.sort(errors, count: count, entries: entries, scratch: scratch)
                ChunkedSum.forEach(count: count) { range in
                    for i in range { order[i] = sorted[i].index }
                }
            }
        }
    }

    /// Sorts runs, then merges pairs of runs until one remains; returns the buffer holding the result.
    private static func sort(_ errors: UnsafeBufferPointer<Double>, count: Int,
                             entries: UnsafeMutablePointer<Entry>, scratch: UnsafeMutablePointer<Entry>) -> UnsafeMutablePointer<Entry> {
        let runs = (count + runLength - 1) / runLength
        let shared = UncheckedSendable((errors, entries))
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            let (errors, entries) = shared.value
            let start = run * runLength, end = min(start + runLength, count)
            for i in start..<end { entries[i] = Entry(error: errors[i], index: i) }
            var run = UnsafeMutableBufferPointer(start: entries + start, count: end - start)
            run.sort(by: precedes)
        }
        var source = entries, target = scratch
        var width = runLength
        while width < count {
            mergeRound(from: source, into: target, count: count, width: width)
            swap(&source, &target)
            width *= 2
        }
        return source
    }

    /// Merges each adjacent pair of sorted runs of `width` into `target`, one output chunk per task.
    ///
    /// `width` is a multiple of ``runLength``, so no output chunk straddles two pairs.
    private static func mergeRound(from source: UnsafeMutablePointer<Entry>, into target: UnsafeMutablePointer<Entry>,
                                   count: Int, width: Int) {
        let chunks = (count + runLength - 1) / runLength
        let buffers = UncheckedSendable((source, target))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let (source, target) = buffers.value
            let outputStart = chunk * runLength
            let pairStart = outputStart / (2 * width) * (2 * width)
            let middle = min(pairStart + width, count), pairEnd = min(pairStart + 2 * width, count)
            let left = source + pairStart, leftCount = middle - pairStart
            let right = source + middle, rightCount = pairEnd - middle
            let rank = outputStart - pairStart
            var i = splitPoint(rank: rank, left: left, leftCount: leftCount, right: right, rightCount: rightCount)
            var j = rank - i
            for out in outputStart..<min(outputStart + runLength, count) {
                if i < leftCount && (j >= rightCount || precedes(left[i], right[j])) {
                    target[out] = left[i]
                    i += 1
                } else {
                    target[out] = right[j]
                    j += 1
                }
            }
        }
    }

    /// How many of the first `rank` merged entries come from `left` (binary search on the merge path).
    ///
    /// The answer is the least `i` such that `left[i]` does not precede `right[rank − i − 1]`.
    @inline(__always)
    private static func splitPoint(rank: Int, left: UnsafeMutablePointer<Entry>, leftCount: Int,
                                   right: UnsafeMutablePointer<Entry>, rightCount: Int) -> Int {
        var low = max(0, rank - rightCount), high = min(rank, leftCount)
        while low < high {
            let i = (low + high) / 2
            if precedes(left[i], right[rank - i - 1]) { low = i + 1 } else { high = i }
        }
        return low
    }
}
