import Dispatch

/// The float32 binary Lovász hinge of one set of elements (the batch, or one image), reading
/// the target in its wire dtype and writing the gradient in place.
///
/// It computes exactly what the reference (``LovaszExtension`` in Double) computes:
///
/// 1. **Classify** (SIMD, eight elements at a time): each element is ignored, background or
///    foreground — any other target value makes ``evaluate(_:scale:workspace:)`` return `nil`, and the
///    caller falls back to the reference. An element is *selected* if its hinge is positive or
///    NaN (e > 0 ⇔ y < 1 for y = x·(2t − 1)). Unselected elements sort after every selected one,
///    so they do not move a selected element's rank; their gradient is the reference's
///    `T(−0·(2t − 1)·scale)` (a signed zero) and is written in this pass, ignored ones +0.
/// 2. **Sort** the selected elements as ``LovaszEntry`` values. Small sets (below
///    ``bucketedThreshold``) are packed in position order and radix sorted in one run. Large sets
///    are first distributed by the top 16 key bits into *buckets* — consecutive key ranges grouped
///    from a 65 536-bin histogram so that each holds at most ``bucketCapacity`` entries (a single
///    bin may exceed it) — by a stable scatter that re-reads input and target, then every bucket
///    is radix sorted on its own, in cache.
/// 3. **Weigh**: entry k's Lovász weight is J_k − J_{k−1} with J_k = 1 − (F − f_k)/(F + k + 1 − f_k),
///    f_k the foreground count among ranks 0…k — integers, so each bucket starts from counts of the
///    buckets before it and the weights equal the reference's running ones bit for bit. The
///    gradient −w·(2t − 1)·scale is written at the entry's position; the loss Σ relu(e)·w is summed
///    in rank order within a bucket, and bucket sums in bucket order.
///
/// Determinism: the sorted order is unique (a total order), the buckets depend on the data
/// alone, and the parts the classify and scatter passes are split into only decide which thread
/// does what. So loss and gradient are bitwise identical for any thread count, and with
/// ``parallel`` false (``LovaszExtension/forcesSequential``). The gradient equals the reference's
/// bitwise; the loss of a small set too (one bucket, summed in rank order), that of a large set
/// differs from the reference's sequential sum by rounding only.
///
/// Memory: one entry (8 bytes) per selected element, plus per-part histograms (256 KB each) and
/// cache-sized sort scratch; a bucket made of one very dense bin with distinct keys sorts with a
/// scratch of its own size.
struct LovaszHingeKernel<Target: TargetScalar> {
    /// Sets this large take the bucketed path (which then runs in parallel).
    static var bucketedThreshold: Int { ChunkedSum.parallelThreshold }
    /// Most entries of a bucket (a bucket of one bin may hold more): 256 KB, sorted in L2.
    static var bucketCapacity: Int { 32_768 }
    /// The top key bits that pick a histogram bin.
    static var binShift: UInt32 { 16 }
    /// Histogram bins.
    static var binCount: Int { 1 << 16 }

    let input: UnsafePointer<Float>
    let target: UnsafePointer<Target>
    let gradient: UnsafeMutablePointer<Float>
    let classes: LovaszTargetClasses
    /// Whether large sets use several threads.
    let parallel: Bool

    /// What the classify pass found in a range.
    struct Summary {
        var selected = 0
        var foreground = 0
        var unexpectedTarget = false

        static func + (a: Summary, b: Summary) -> Summary {
            Summary(selected: a.selected + b.selected, foreground: a.foreground + b.foreground,
                    unexpectedTarget: a.unexpectedTarget || b.unexpectedTarget)
        }
    }

    /// Buffers of the small-set path, reused for every set (image) of a request.
    struct Workspace: ~Copyable {
        var entries = LovaszEntryBuffer()
        var scratch = LovaszEntryBuffer()
        let counters = UnsafeMutablePointer<UInt32>.allocate(capacity: LovaszRadixSort.counterCount)

        deinit {
            entries.base?.deallocate()
            scratch.base?.deallocate()
            counters.deallocate()
        }
    }

    /// The loss of the set `set` (at most 2³¹ − 1 elements), whose upstream gradient is `scale`,
    /// having written the gradient of every element of the set; `nil` if a target value is neither
    /// 0, 1 nor ignored (the gradient is then partly written).
    func evaluate(_ set: Range<Int>, scale: Double, workspace: inout Workspace) -> Double? {
        let zeros = LovaszZeroGradients(scale: scale)
        if set.count < Self.bucketedThreshold {
            return evaluateSmall(set, scale: scale, zeros: zeros, workspace: &workspace)
        }
        return evaluateBucketed(set, scale: scale, zeros: zeros)
    }

    // MARK: Small sets: one run

    private func evaluateSmall(_ set: Range<Int>, scale: Double, zeros: LovaszZeroGradients,
                               workspace: inout Workspace) -> Double? {
        // One slot past the elements takes the writes of unselected lanes at the end.
        let packed = workspace.entries.reserve(set.count + 1)
        var selected = 0
        let base = set.lowerBound
        let summary = classify(set, zeros: zeros) { position, keys, mask, foreground in
            // Every lane, branch-free: an unselected lane's entry is overwritten by the next one.
            for lane in 0..<8 {
                packed[selected] = LovaszEntry.entry(key: keys[lane], position: position &+ lane &- base,
                                                     foreground: (foreground >> UInt32(lane)) & 1)
                selected &+= Int(truncatingIfNeeded: (mask >> UInt32(lane)) & 1)
            }
        }
        guard !summary.unexpectedTarget else { return nil }
        let sorted = LovaszRadixSort.sort(packed, count: selected, scratch: &workspace.scratch, counters: workspace.counters)
        let weights = LovaszWeights(foregroundTotal: summary.foreground, scale: scale, zeros: zeros,
                                    gradient: gradient + set.lowerBound)
        return weights.apply(sorted, count: selected, rank: 0, foregroundBefore: 0)
    }

    // MARK: Large sets: buckets

    private func evaluateBucketed(_ set: Range<Int>, scale: Double, zeros: LovaszZeroGradients) -> Double? {
        // Parts only divide the work: any split gives the same buckets and the same bits.
        let parts = min(16, max(2, set.count >> 19))
        let partLength = (set.count + parts - 1) / parts
        let partRange = { (part: Int) -> Range<Int> in
            let start = min(set.lowerBound + part * partLength, set.upperBound)
            return start..<min(start + partLength, set.upperBound)
        }
        let bins = Self.binCount, shift = Self.binShift
        let histograms = UnsafeMutablePointer<UInt32>.allocate(capacity: parts * bins)
        defer { histograms.deallocate() }
        var summaries = [Summary](repeating: Summary(), count: parts)
        summaries.withUnsafeMutableBufferPointer { summaries in
            let summaries = UncheckedSendable(summaries)
            parallelFor(parts) { part in
                let histogram = histograms + part * bins
                histogram.initialize(repeating: 0, count: bins)
                summaries.value[part] = classify(partRange(part), zeros: zeros) { _, keys, mask, _ in
                    // Every lane, branch-free: an unselected lane adds 0 to whatever bin its key names.
                    for lane in 0..<8 {
                        histogram[Int(truncatingIfNeeded: keys[lane] >> shift)] &+= (mask >> UInt32(lane)) & 1
                    }
                }
            }
        }
        let summary = summaries.reduce(Summary(), +)
        guard !summary.unexpectedTarget else { return nil }
        guard summary.selected > 0 else { return 0 }

        // At most 2¹⁶ buckets, so a bin's bucket fits in a UInt16 (capacity grows only past 2³⁰ entries).
        let capacity = max(Self.bucketCapacity, summary.selected >> 15 + 1)
        let layout = LovaszBucketLayout(histograms: histograms, parts: parts, bins: bins, capacity: capacity)
        defer { layout.deallocate() }
        var entries = LovaszEntryBuffer()
        defer { entries.deallocate() }
        // One slot past the entries takes the writes of unselected lanes.
        let bucketed = entries.reserve(summary.selected + 1)
        let buckets = layout.buckets
        // Per part and bucket (and the trash bucket): the foreground entries written.
        let foregroundCounts = UnsafeMutablePointer<Int>.allocate(capacity: parts * (buckets + 1))
        foregroundCounts.initialize(repeating: 0, count: parts * (buckets + 1))
        defer { foregroundCounts.deallocate() }
        parallelFor(parts) { part in
            let range = partRange(part)
            let next = layout.offsets + part * (buckets + 1), foreground = foregroundCounts + part * (buckets + 1)
            let bucketOf = layout.bucketOfBin
            let base = set.lowerBound
            _ = classify(range, zeros: nil) { position, keys, mask, foregroundMask in
                // Every lane, branch-free: an unselected lane writes to the trash slot, whose cursor
                // never advances (the lane loop is unrolled, so no lane-count branch mispredicts).
                for lane in 0..<8 {
                    let key = keys[lane]
                    let isSelected = (mask >> UInt32(lane)) & 1, isForeground = (foregroundMask >> UInt32(lane)) & 1
                    let binBucket = Int(truncatingIfNeeded: bucketOf[Int(truncatingIfNeeded: key >> shift)])
                    let bucket = isSelected != 0 ? binBucket : buckets
                    let slot = next[bucket]
                    bucketed[slot] = LovaszEntry.entry(key: key, position: position &+ lane &- base, foreground: isForeground)
                    next[bucket] = slot &+ Int(truncatingIfNeeded: isSelected)
                    foreground[bucket] &+= Int(truncatingIfNeeded: isForeground)
                }
            }
        }
        // Foreground before each bucket, in rank order.
        var foregroundBefore = [Int](repeating: 0, count: buckets + 1)
        for bucket in 0..<buckets {
            var inBucket = 0
            for part in 0..<parts { inBucket += foregroundCounts[part * (buckets + 1) + bucket] }
            foregroundBefore[bucket + 1] = foregroundBefore[bucket] + inBucket
        }

        let groups = layout.groups(count: parallel ? min(buckets, 16) : 1)
        var losses = [Double](repeating: 0, count: buckets)
        let weights = LovaszWeights(foregroundTotal: summary.foreground, scale: scale, zeros: zeros,
                                    gradient: gradient + set.lowerBound)
        losses.withUnsafeMutableBufferPointer { losses in
            let losses = UncheckedSendable(losses)
            foregroundBefore.withUnsafeBufferPointer { foregroundBefore in
                let foregroundBefore = UncheckedSendable(foregroundBefore)
                parallelFor(groups.count - 1) { group in
                    var scratch = LovaszEntryBuffer()
                    let counters = UnsafeMutablePointer<UInt32>.allocate(capacity: LovaszRadixSort.counterCount)
                    defer { scratch.deallocate(); counters.deallocate() }
                    for bucket in groups[group]..<groups[group + 1] {
                        let start = layout.start(of: bucket), count = layout.start(of: bucket + 1) - start
                        guard count > 0 else { continue }
                        let sorted = LovaszRadixSort.sort(bucketed + start, count: count, scratch: &scratch, counters: counters)
                        losses.value[bucket] = weights.apply(sorted, count: count, rank: start,
                                                             foregroundBefore: foregroundBefore.value[bucket])
                    }
                }
            }
        }
        var loss = 0.0
        for bucketLoss in losses { loss += bucketLoss }
        return loss
    }

    // MARK: Classify

    /// Classifies `range` eight elements at a time; calls `body` with the position of each group's
    /// first element, the sort keys, the selected lanes and the foreground lanes (bit masks), and,
    /// when `zeros` is given, writes the gradient of every element (selected ones get a placeholder).
    @inline(__always)
    private func classify(_ range: Range<Int>, zeros: LovaszZeroGradients?,
                          _ body: (_ position: Int, _ keys: SIMD8<UInt32>, _ selected: UInt32, _ foreground: UInt32) -> Void) -> Summary {
        var summary = Summary()
        var foreground = SIMD8<Int32>()
        var unexpected = SIMDMask<SIMD8<Int32>>()
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
            let lanes = classes.classify(x, Target.eight(target, i))
            unexpected .|= lanes.unexpected
            foreground &-= unsafeBitCast(lanes.foreground, to: SIMD8<Int32>.self)
            if let zeros {
                UnsafeMutableRawPointer(gradient + i).storeBytes(of: zeros.lanes(lanes), as: SIMD8<Float>.self)
            }
            let selected = LovaszLaneBits.mask(lanes.selected)
            summary.selected += selected.nonzeroBitCount
            if selected != 0 { body(i, lanes.keys, selected, LovaszLaneBits.mask(lanes.foreground)) }
            i += 8
        }
        let remaining = range.upperBound - i
        if remaining > 0 {
            var x = SIMD8<Float>()
            for lane in 0..<remaining { x[lane] = input[i + lane] }
            var lanes = classes.classify(x, Target.partialEight(target, i, count: remaining))
            let inRange = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7) .< Float(remaining)
            lanes.restrict(to: inRange)
            unexpected .|= lanes.unexpected
            foreground &-= unsafeBitCast(lanes.foreground, to: SIMD8<Int32>.self)
            if let zeros {
                let values = zeros.lanes(lanes)
                for lane in 0..<remaining { gradient[i + lane] = values[lane] }
            }
            let selected = LovaszLaneBits.mask(lanes.selected)
            summary.selected += selected.nonzeroBitCount
            if selected != 0 { body(i, lanes.keys, selected, LovaszLaneBits.mask(lanes.foreground)) }
        }
        summary.foreground = Int(foreground.wrappedSum())
        summary.unexpectedTarget = LovaszLaneBits.mask(unexpected) != 0
        return summary
    }

    /// Runs `body` for `0..<iterations`, concurrently when ``parallel``.
    private func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
        guard parallel && iterations > 1 else {
            for iteration in 0..<iterations { body(iteration) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let body = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: iterations) { body.value($0) }
        }
    }
}

/// Mask helpers that compile to plain vector bit operations (the standard library's
/// `replacing(with:where:)` and `any(_:)` go lane by lane through memory).
enum LovaszLaneBits {
    /// Bit `i` set for each true lane `i`.
    @inline(__always)
    static func mask(_ lanes: SIMDMask<SIMD8<Int32>>) -> UInt32 {
        let bits = unsafeBitCast(lanes, to: SIMD8<Int32>.self) & SIMD8(1, 2, 4, 8, 16, 32, 64, 128)
        return UInt32(truncatingIfNeeded: bits.wrappedSum())
    }

    /// `replacement` in the lanes where `condition` holds, `value` elsewhere.
    @inline(__always)
    static func select(_ value: SIMD8<UInt32>, _ replacement: SIMD8<UInt32>,
                       where condition: SIMDMask<SIMD8<Int32>>) -> SIMD8<UInt32> {
        let bits = unsafeBitCast(condition, to: SIMD8<UInt32>.self)
        return (value & ~bits) | (replacement & bits)
    }

    /// `replacement` in the lanes where `condition` holds, `value` elsewhere.
    @inline(__always)
    static func select(_ value: SIMD8<Float>, _ replacement: SIMD8<Float>,
                       where condition: SIMDMask<SIMD8<Int32>>) -> SIMD8<Float> {
        unsafeBitCast(select(unsafeBitCast(value, to: SIMD8<UInt32>.self), unsafeBitCast(replacement, to: SIMD8<UInt32>.self),
                             where: condition), to: SIMD8<Float>.self)
    }
}

/// Eight classified elements.
struct LovaszLanes {
    /// Sort keys (meaningful in selected lanes).
    var keys: SIMD8<UInt32>
    /// Positive (or NaN) hinge, not ignored.
    var selected: SIMDMask<SIMD8<Int32>>
    /// Target 1, not ignored.
    var foreground: SIMDMask<SIMD8<Int32>>
    /// Ignored.
    var ignored: SIMDMask<SIMD8<Int32>>
    /// Neither 0, 1 nor ignored.
    var unexpected: SIMDMask<SIMD8<Int32>>

    /// Clears every mask outside `lanes`.
    mutating func restrict(to lanes: SIMDMask<SIMD8<Int32>>) {
        selected .&= lanes
        foreground .&= lanes
        ignored .&= lanes
        unexpected .&= lanes
    }
}

/// How target values classify: 0 background, 1 foreground, the ignore index ignored.
struct LovaszTargetClasses {
    /// The ignore index as float32, or NaN when there is none or it is not a float32 value (then
    /// no element can equal it after the lossless conversion, and a target holding it is unexpected).
    let ignore: Float

    /// Classes for an optional `ignore_index`.
    init(ignoreIndex: Double?) {
        if let ignoreIndex, Double(Float(ignoreIndex)) == ignoreIndex { ignore = Float(ignoreIndex) } else { ignore = .nan }
    }

    /// Classifies eight elements with logits `x` and targets `t` (converted to float32 by
    /// ``TargetScalar``: exact for every value below 2²⁴ in magnitude; larger ones never count as
    /// ignored here, so they are unexpected and the reference, comparing exactly, decides).
    @inline(__always)
    func classify(_ x: SIMD8<Float>, _ t: SIMD8<Float>) -> LovaszLanes {
        let one = t .== 1, zero = t .== 0
        let ignored = (t .== ignore) .& (t .< 0x1p24) .& (t .> -0x1p24)
        let foreground = one .& .!ignored
        let unexpected = .!(ignored .| one .| zero)
        // y = x·(2t − 1): x with its sign flipped for background.
        let sign = LovaszLaneBits.select(SIMD8<UInt32>(repeating: 0x8000_0000), SIMD8(), where: one)
        let y = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) ^ sign, to: SIMD8<Float>.self)
        let selected = .!ignored .& .!(y .>= 1)
        return LovaszLanes(keys: LovaszEntry.keys(y), selected: selected, foreground: foreground,
                           ignored: ignored, unexpected: unexpected)
    }
}

/// The gradient of an element whose slope is 0 (hinge not positive, or NaN): the reference's
/// `T(−0·(2t − 1)·scale)`, a signed zero (or NaN for an infinite scale).
struct LovaszZeroGradients {
    let background: Float
    let foreground: Float

    init(scale: Double) {
        let slope = 0.0
        background = Float(-slope * -1 * scale)
        foreground = Float(-slope * 1 * scale)
    }

    /// Gradients of eight classified elements: ignored +0, others their zero-slope value
    /// (selected lanes are overwritten later).
    @inline(__always)
    func lanes(_ lanes: LovaszLanes) -> SIMD8<Float> {
        let value = LovaszLaneBits.select(SIMD8(repeating: background), SIMD8(repeating: foreground), where: lanes.foreground)
        return LovaszLaneBits.select(value, SIMD8(), where: lanes.ignored)
    }
}

/// Lovász weights of sorted entries, and the gradient and loss they give.
struct LovaszWeights {
    /// F: foreground elements of the set.
    let foregroundTotal: Int
    /// Upstream gradient of the set's loss.
    let scale: Double
    let zeros: LovaszZeroGradients
    /// The set's first gradient element.
    let gradient: UnsafeMutablePointer<Float>

    /// Writes the gradient of `sorted[0..<count]`, the entries of ranks `rank…`, with
    /// `foregroundBefore` foreground entries ranked before them; returns their Σ relu(e)·w in rank order.
    func apply(_ sorted: UnsafePointer<UInt64>, count: Int, rank: Int, foregroundBefore: Int) -> Double {
        let total = foregroundTotal
        var covered = foregroundBefore
        // The reference's running J, recomputed from the counts at the rank before.
        var previous = rank == 0 ? 0.0 : 1 - Double(total - covered) / Double(total + (rank - covered))
        var loss = 0.0
        for j in 0..<count {
            let entry = sorted[j]
            let isForeground = Int(truncatingIfNeeded: entry & 1)
            covered += isForeground
            let intersection = Double(total - covered)
            let union = Double(total + (rank + j + 1 - covered))
            let jaccard = 1 - intersection / union
            let weight = jaccard - previous
            previous = jaccard
            let key = LovaszEntry.key(of: entry)
            loss += max(LovaszEntry.error(ofKey: key), 0) * weight
            let sign: Double = isForeground == 1 ? 1 : -1
            let slopeGradient = Float(-weight * sign * scale)
            let zeroGradient = isForeground == 1 ? zeros.foreground : zeros.background
            gradient[LovaszEntry.position(of: entry)] = key == 0 ? zeroGradient : slopeGradient
        }
        return loss
    }
}

/// Buckets of a large set: consecutive histogram bins grouped so that each bucket holds at most
/// `capacity` entries, unless one bin alone holds more; and each part's first slot in each bucket.
struct LovaszBucketLayout {
    /// Bucket of each bin (at most 2¹⁶ buckets: the caller sizes `capacity` for that).
    let bucketOfBin: UnsafeMutablePointer<UInt16>
    /// `offsets[part × (buckets + 1) + bucket]`: where the part's first entry of the bucket goes;
    /// the extra bucket of each part is the trash slot just past the last entry.
    let offsets: UnsafeMutablePointer<Int>
    /// First entry of each bucket, and the total at the end.
    private let starts: [Int]
    /// Number of buckets.
    var buckets: Int { starts.count - 1 }

    init(histograms: UnsafePointer<UInt32>, parts: Int, bins: Int, capacity: Int) {
        bucketOfBin = .allocate(capacity: bins)
        var starts = [0]
        var filled = 0
        for bin in 0..<bins {
            var inBin = 0
            for part in 0..<parts { inBin += Int(histograms[part * bins + bin]) }
            if filled > 0 && filled + inBin > capacity {
                starts.append(starts[starts.count - 1] + filled)
                filled = 0
            }
            filled += inBin
            bucketOfBin[bin] = UInt16(starts.count - 1)
        }
        starts.append(starts[starts.count - 1] + filled)
        self.starts = starts
        let buckets = starts.count - 1, stride = buckets + 1
        offsets = .allocate(capacity: parts * stride)
        offsets.initialize(repeating: 0, count: parts * stride)
        // Count per part and bucket, then lay parts out in order within each bucket (stable).
        for part in 0..<parts {
            for bin in 0..<bins {
                offsets[part * stride + Int(bucketOfBin[bin])] += Int(histograms[part * bins + bin])
            }
        }
        for bucket in 0..<buckets {
            var next = starts[bucket]
            for part in 0..<parts {
                let inPart = offsets[part * stride + bucket]
                offsets[part * stride + bucket] = next
                next += inPart
            }
        }
        for part in 0..<parts { offsets[part * stride + buckets] = starts[buckets] }
    }

    /// First entry of `bucket` (the entry count for `buckets`).
    func start(of bucket: Int) -> Int { starts[bucket] }

    /// Boundaries of `count` contiguous groups of buckets with about equal entries each.
    func groups(count: Int) -> [Int] {
        let total = starts[starts.count - 1]
        var boundaries = [0]
        for bucket in 0..<buckets where boundaries.count < count {
            if starts[bucket + 1] * count >= total * boundaries.count { boundaries.append(bucket + 1) }
        }
        if boundaries[boundaries.count - 1] != buckets { boundaries.append(buckets) }
        return boundaries
    }

    /// Frees the tables.
    func deallocate() {
        bucketOfBin.deallocate()
        offsets.deallocate()
    }
}
