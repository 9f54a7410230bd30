/// The Lovász extension of the Jaccard loss over one set of errors (Berman et al. 2018), as SMP computes it.
///
/// Errors are sorted in descending order; ties keep their original order (a stable sort, ties
/// by position ascending; NaN sorts first, as torch.sort treats it as the largest value). With
/// `g` the Lovász gradient of the foreground mask in that order, the loss is `Σ_i f(e_(i)) g_i`,
/// where `f` is the identity (softmax) or ReLU (hinge, derivative 0 at 0 as PyTorch). The loss is
/// piecewise linear, so `d loss / d e_(i) = f'(e_(i)) g_i` — what autograd gives through torch.sort.
/// Buffers are allocated once per request and reused for every image and class.
///
/// `lovasz_softmax` always runs here; `lovasz_hinge` only for float64 input or target, or a target
/// that is not a 0/1 mask — float32 input with a 0/1 uint8, bool, int32, int64 or float32 mask
/// takes ``LovaszHingeKernel``, which is tested against this.
///
/// Large sets (``ChunkedSum/parallelThreshold`` positions or more) are selected, filled, sorted and
/// read back in parallel. Each of those steps either writes disjoint positions or (the sort) has a
/// unique result, and the Jaccard prefix sums stay sequential, so the bytes equal the sequential ones.
struct LovaszExtension {
    /// Runs every step on the calling thread — the reference the parallel path is tested against.
    @TaskLocal static var forcesSequential = false

    /// The errors to sort; fill positions `0..<count` before ``evaluate(count:hinge:)``.
    var errors: [Double]
    /// Foreground membership (1 or 0; SMP takes soft values as they come) per position.
    var foreground: [Double]
    /// After ``evaluate(count:hinge:)``: d loss / d errors[i] per position.
    private(set) var slopes: [Double]
    /// After ``select(_:where:)``: the input item behind each position.
    private(set) var items: [Int]
    /// Whether large sets may use several threads (false under ``forcesSequential``).
    let parallel: Bool
    private var order: [Int]
    private var sorter = LovaszParallelSort()

    /// Creates buffers for up to `capacity` positions.
    init(capacity: Int) {
        errors = [Double](repeating: 0, count: capacity)
        foreground = [Double](repeating: 0, count: capacity)
        slopes = [Double](repeating: 0, count: capacity)
        items = [Int](repeating: 0, count: capacity)
        parallel = !Self.forcesSequential
        order = []
        order.reserveCapacity(capacity)
    }

    /// The loss over positions `0..<count`, filling ``slopes``.
    /// - Parameter hinge: Apply ReLU to the sorted errors (binary Lovász hinge).
    mutating func evaluate(count: Int, hinge: Bool) -> Double {
        let errors = self.errors
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<count)
        if parallel && count >= ChunkedSum.parallelThreshold {
            errors.withUnsafeBufferPointer { errors in
                order.withUnsafeMutableBufferPointer { order in sorter.sort(errors, count: count, into: order) }
            }
        } else {
            // A total order (NaN first, then descending, then by position), so any sort algorithm agrees.
            order.sort { a, b in
                let ea = errors[a], eb = errors[b]
                if ea.isNaN || eb.isNaN { return ea.isNaN && (!eb.isNaN || a < b) }
                return ea > eb || (ea == eb && a < b)
            }
        }
        var foregroundTotal = 0.0
        for i in 0..<count { foregroundTotal += foreground[i] }
        var loss = 0.0, coveredForeground = 0.0, coveredBackground = 0.0, previousJaccard = 0.0
        // A running prefix over the sorted order: inherently sequential.
        for position in order {
            coveredForeground += foreground[position]
            coveredBackground += 1 - foreground[position]
            let intersection = foregroundTotal - coveredForeground
            let union = foregroundTotal + coveredBackground
            let jaccard = 1 - intersection / union
            let weight = jaccard - previousJaccard
            previousJaccard = jaccard
            let error = errors[position]
            if hinge {
                loss += max(error, 0) * weight
                slopes[position] = error > 0 ? weight : 0
            } else {
                loss += error * weight
                slopes[position] = weight
            }
        }
        return loss
    }
}

extension LovaszExtension {
    /// Runs `body` over `0..<count` in ``ChunkedSum``'s fixed chunks: in parallel for large counts
    /// unless `parallel` is false. `body` must write only positions of its own range.
    static func forEach(count: Int, parallel: Bool, _ body: (Range<Int>) -> Void) {
        if parallel {
            ChunkedSum.forEach(count: count, body)
        } else if count > 0 {
            body(0..<count)
        }
    }

    /// Stores in ``items`` the members of `range` that pass `isValid`, in ascending order.
    ///
    /// Large ranges are counted per chunk in parallel, then each chunk writes at its offset.
    /// - Returns: The number of positions selected.
    mutating func select(_ range: Range<Int>, where isValid: (Int) -> Bool) -> Int {
        let first = range.lowerBound
        guard parallel && range.count >= ChunkedSum.parallelThreshold else {
            var count = 0
            for i in range where isValid(i) {
                items[count] = i
                count += 1
            }
            return count
        }
        // Above the threshold ChunkedSum.forEach hands out chunks starting at multiples of chunkSize.
        let chunkSize = ChunkedSum.chunkSize
        var offsets = [Int](repeating: 0, count: (range.count + chunkSize - 1) / chunkSize + 1)
        offsets.withUnsafeMutableBufferPointer { counts in
            ChunkedSum.forEach(count: range.count) { chunk in
                var selected = 0
                for i in chunk where isValid(first + i) { selected += 1 }
                counts[chunk.lowerBound / chunkSize + 1] = selected
            }
        }
        for chunk in 1..<offsets.count { offsets[chunk] += offsets[chunk - 1] }
        items.withUnsafeMutableBufferPointer { items in
            ChunkedSum.forEach(count: range.count) { chunk in
                var at = offsets[chunk.lowerBound / chunkSize]
                for i in chunk where isValid(first + i) {
                    items[at] = first + i
                    at += 1
                }
            }
        }
        return offsets[offsets.count - 1]
    }

    /// Sets ``errors`` and ``foreground`` of positions `0..<count` from each position's item.
    mutating func fill(count: Int, _ value: (_ item: Int) -> (error: Double, foreground: Double)) {
        let items = self.items, parallel = self.parallel
        errors.withUnsafeMutableBufferPointer { errors in
            foreground.withUnsafeMutableBufferPointer { foreground in
                Self.forEach(count: count, parallel: parallel) { range in
                    for position in range {
                        (errors[position], foreground[position]) = value(items[position])
                    }
                }
            }
        }
    }

    /// Calls `body` with the item and slope of each position in `0..<count`, in parallel for large counts;
    /// `body` must write only state belonging to its item.
    func forEachSelected(count: Int, _ body: (_ item: Int, _ slope: Double) -> Void) {
        let items = self.items, slopes = self.slopes
        Self.forEach(count: count, parallel: parallel) { range in
            for position in range { body(items[position], slopes[position]) }
        }
    }
}

/// How per-image Lovász losses combine: SMP averages images; `reduction` generalises that.
struct LovaszReduction {
    /// `mean`, `sum` or `none`.
    let reduction: Reduction
    /// Whether each image (dimension 0) is a separate loss.
    let perImage: Bool

    /// Shape of the unreduced loss: `[N]` per image, `[]` when the batch is pooled.
    func lossShape(images: Int) -> [Int] { perImage && reduction == .none ? [images] : [] }

    /// Upstream gradient of each image's loss.
    func upstream(_ gradOutput: Tensor?, images: Int) throws(LossError) -> [Double] {
        if perImage && reduction == .none {
            let expanded: [Double]? = try ElementwiseReduction.elementGradOutput(gradOutput, shape: [images])
            return expanded ?? [Double](repeating: 1, count: images)
        }
        let scalar = try ElementwiseReduction.scalarGradOutput(gradOutput)
        let scale = reduction == .mean && perImage && images > 0 ? scalar / Double(images) : scalar
        return [Double](repeating: scale, count: images)
    }

    /// The loss values from each image's loss.
    func combine<T: LossFloat>(_ losses: [Double]) -> [T] {
        if perImage && reduction == .none { return losses.map { T($0) } }
        let total = losses.reduce(0, +)
        let mean = reduction == .mean && perImage && !losses.isEmpty
        return [T(mean ? total / Double(losses.count) : total)]
    }
}
