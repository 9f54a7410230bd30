/// The per-item math of a softmax loss with a class-index target, eight items at a time.
///
/// ``SoftmaxIndexSIMD`` supplies, per item, the cross-entropy `ce = lse(x) − x_y` and
/// `q = softmax(x)_y`, `miss = 1 − q`, all computed without cancellation; the math returns the
/// item's loss and a slope α such that d(loss)/dx_c = α·q_c for c ≠ y and −α·miss for c = y
/// (every such loss is a function of `q_y` alone).
protocol SoftmaxIndexMath: Sendable {
    /// The losses and slopes of eight items.
    /// - Parameters:
    ///   - ce: lse(x) − x_y ≥ 0.
    ///   - q: softmax(x)_y.
    ///   - miss: 1 − q.
    ///   - factor: The class factor of y (class weight, focal balance…; ones when there is none).
    func callAsFunction(ce: SIMD8<Float>, q: SIMD8<Float>, miss: SIMD8<Float>, factor: SIMD8<Float>)
        -> (loss: SIMD8<Float>, alpha: SIMD8<Float>)
}

/// The float32 SIMD kernel of softmax losses on class-index targets: one pass over the input,
/// writing the gradient once, with the target read in its wire dtype.
///
/// Items are processed eight at a time, one per lane, looping over the classes: the max, then
/// `e = exp(x − max)` (parked in the gradient buffer) with the sums, the per-item math, and the
/// gradient rewritten in place while those lines are in L1. For `(N, C, d…)` the lanes are eight
/// adjacent pixels of one image (contiguous loads, class stride `d…`); for `(N, C)` they are
/// eight rows — a block of 8 × 8 transposed in registers when C = 8, strided loads otherwise.
///
/// Accuracy: with m the item's max, `s' = Σ_{x_c ≠ m} e_c + (ties − 1)`, `ce = log1p(s') + (m − x_y)`
/// — two non-negative terms, so a confident correct item keeps its tiny loss to a few ulps — and
/// `miss = s'/(1 + s')` when x_y is the max (else `1 − q`, which is then ≥ ½).
///
/// Determinism: the pass runs over ``ChunkedSum`` chunks of `items · C` elements (an item
/// belongs to the chunk holding its first element); each chunk sums its lanes in a fixed order,
/// so the result does not depend on the number of threads. Chunks above
/// ``ChunkedSum/parallelThreshold`` elements run in parallel, smaller requests inline.
///
/// The target must have passed ``ClassTarget/census(of:classes:ignoreIndex:weights:)``: every
/// element is then `ignore_index` or an integer in `0..<C`, which float32 holds exactly.
struct SoftmaxIndexSIMD<Math: SoftmaxIndexMath>: ElementVisitor {
    let math: Math
    let input: UnsafePointer<Float>
    let gradient: UnsafeMutablePointer<Float>
    let classes: Int
    /// The class stride `d…` (1 for rows).
    let inner: Int
    let items: Int
    /// The factor of each class, or `nil` for ones.
    let factors: UnsafePointer<Float>?
    /// d(reduced loss)/d(item loss) when `upstream` is `nil`.
    let scale: Float
    /// Per-item d(loss)/d(item loss) (`reduction: none`), or `nil`.
    let upstream: UnsafePointer<Float>?
    /// Where `reduction: none` writes each item's loss.
    let lossOut: UnsafeMutablePointer<Float>?
    /// `ignore_index` as a float32, or NaN when no float32 equals it.
    let ignored: Float

    /// Whether a layout can take this kernel (the census's bound on C, and something to compute).
    static func supports(_ layout: ClassLayout) -> Bool {
        layout.classes > 0 && layout.classes < 1 << 22 && layout.items > 0
    }

    /// Runs `math` over `input`, writing every element of `gradient`.
    /// - Parameters:
    ///   - math: The per-item math.
    ///   - input: The logits, laid out as `layout`.
    ///   - layout: The class layout; ``supports(_:)`` must hold.
    ///   - target: Class indices in a dtype ``Tensor/visitElements(_:)`` reads, validated by the census.
    ///   - ignoreIndex: Items whose index equals this contribute nothing.
    ///   - factors: Per-class factors, or `nil`.
    ///   - scale: d(reduced loss)/d(item loss), used when `upstream` is `nil`.
    ///   - upstream: Per-item upstream gradient for `reduction: none`, or `nil`.
    ///   - lossOut: Receives each item's loss (`reduction: none`), or `nil`.
    ///   - gradient: The caller's (uninitialised) gradient buffer.
    /// - Returns: The sum of the item losses (Double).
    static func run(_ math: Math, input: [Float], layout: ClassLayout, target: Tensor, ignoreIndex: Int,
                    factors: [Float]?, scale: Float, upstream: [Float]?, lossOut: UnsafeMutableBufferPointer<Float>?,
                    gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> Double {
        precondition(supports(layout) && gradient.count == input.count)
        return try input.withUnsafeBufferPointer { (x) throws(LossError) in
            try withOptionalFloats(factors) { (f) throws(LossError) in
                try withOptionalFloats(upstream) { (g) throws(LossError) in
                    let kernel = SoftmaxIndexSIMD(
                        math: math, input: x.baseAddress!, gradient: gradient.baseAddress!, classes: layout.classes,
                        inner: layout.inner, items: layout.items, factors: f?.baseAddress, scale: scale,
                        upstream: g?.baseAddress, lossOut: lossOut?.baseAddress,
                        ignored: Float(exactly: ignoreIndex) ?? .nan)
                    guard let total = try target.visitElements(kernel) else {
                        preconditionFailure("the census admitted a target dtype the kernel cannot read")
                    }
                    return total
                }
            }
        }
    }

    /// The whole pass; returns the loss sum.
    func visit<S: TargetScalar>(_ target: UnsafeBufferPointer<S>) throws(LossError) -> Double {
        guard let t = target.baseAddress else { return 0 }
        let classes = classes
        let totals = ChunkedSum.sum(count: items * classes) { units -> SIMD2<Double> in
            let first = (units.lowerBound + classes - 1) / classes
            let end = (units.upperBound + classes - 1) / classes
            return SIMD2(inner == 1 ? rows(first..<end, t) : pixels(first..<end, t), 0)
        }
        return totals[0]
    }

    // MARK: Layouts

    /// The items of `range` of an `(N, C)` input.
    @inline(__always)
    private func rows<S: TargetScalar>(_ range: Range<Int>, _ t: UnsafePointer<S>) -> Double {
        var sum = SIMD8<Double>()
        var i = range.lowerBound
        if classes == 8 {
            withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 8) { scratch in
                while i &+ 8 <= range.upperBound {
                    let loss = blockOf8(i, labels: SoftmaxLanes.labels(t, i), itemScale: itemScale(i, 8), scratch: scratch.baseAddress!)
                    if let lossOut { SoftmaxLanes.store(loss, lossOut + i, count: 8) }
                    sum += widened(loss)
                    i &+= 8
                }
            }
        }
        while i < range.upperBound {
            let count = Swift.min(8, range.upperBound &- i)
            let labels = count == 8 ? SoftmaxLanes.labels(t, i) : S.partialEight(t, i, count: count, padding: -1)
            let loss = lanes(input + i &* classes, gradient + i &* classes, itemStride: classes, classStride: 1,
                             count: count, labels: labels, itemScale: itemScale(i, count))
            if let lossOut { SoftmaxLanes.store(loss, lossOut + i, count: count) }
            sum += widened(loss)
            i &+= count
        }
        return sum.sum()
    }

    /// The items of `range` of an `(N, C, d…)` input: eight adjacent pixels of one image per vector.
    @inline(__always)
    private func pixels<S: TargetScalar>(_ range: Range<Int>, _ t: UnsafePointer<S>) -> Double {
        var sum = SIMD8<Double>()
        var i = range.lowerBound
        while i < range.upperBound {
            let image = i / inner
            let end = Swift.min(range.upperBound, (image &+ 1) &* inner)
            // Element (n, c, s) of item i = n·d + s sits at i + n·(C − 1)·d + c·d.
            let offset = image &* (classes &- 1) &* inner
            while i < end {
                let count = Swift.min(8, end &- i)
                let labels = count == 8 ? SoftmaxLanes.labels(t, i) : S.partialEight(t, i, count: count, padding: -1)
                let loss = lanes(input + (offset &+ i), gradient + (offset &+ i), itemStride: 1, classStride: inner,
                                 count: count, labels: labels, itemScale: itemScale(i, count))
                if let lossOut { SoftmaxLanes.store(loss, lossOut + i, count: count) }
                sum += widened(loss)
                i &+= count
            }
        }
        return sum.sum()
    }

    /// d(loss)/d(item loss) of `count` items from `i`.
    @inline(__always)
    private func itemScale(_ i: Int, _ count: Int) -> SIMD8<Float> {
        guard let upstream else { return SIMD8<Float>(repeating: scale) }
        return SoftmaxLanes.load(upstream + i, stride: 1, count: count, padding: 0)
    }

    /// The lanes that hold a class (not `ignore_index`, not past the end).
    @inline(__always)
    private func validLanes(_ labels: SIMD8<Float>, count: Int) -> SIMDMask<SIMD8<Int32>> {
        SoftmaxLanes.lanes(count) .& (labels .>= 0) .& (labels .< Float(classes)) .& (labels .!= ignored)
    }

    // MARK: Eight items

    /// `count` (≤ 8) items: item k's class c at `x + k·itemStride + c·classStride`, its gradient
    /// at the same offset from `g`. Returns the item losses (0 in lanes not valid).
    @inline(__always)
    private func lanes(_ x: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, itemStride: Int, classStride: Int,
                       count: Int, labels: SIMD8<Float>, itemScale: SIMD8<Float>) -> SIMD8<Float> {
        let valid = validLanes(labels, count: count)
        var m = SoftmaxLanes.load(x, stride: itemStride, count: count, padding: 0)
        for c in 1..<classes {
            m = SoftmaxLanes.max(m, SoftmaxLanes.load(x + c &* classStride, stride: itemStride, count: count, padding: 0))
        }
        var sums = SoftmaxSums(factors == nil)
        var c = 0
        while c &+ 1 < classes {
            let v = SoftmaxLanes.load(x + c &* classStride, stride: itemStride, count: count, padding: 0)
            let w = SoftmaxLanes.load(x + (c &+ 1) &* classStride, stride: itemStride, count: count, padding: 0)
            let (e, f) = SoftmaxLanes.exp(v - m, w - m)
            SoftmaxLanes.store(e, g + c &* classStride, stride: itemStride, count: count)
            SoftmaxLanes.store(f, g + (c &+ 1) &* classStride, stride: itemStride, count: count)
            sums.add(v, e, max: m, isTarget: labels .== Float(c), factor: factors?[c])
            sums.add(w, f, max: m, isTarget: labels .== Float(c &+ 1), factor: factors?[c &+ 1])
            c &+= 2
        }
        if c < classes {
            let v = SoftmaxLanes.load(x + c &* classStride, stride: itemStride, count: count, padding: 0)
            let e = VectorMath.exp(v - m)
            SoftmaxLanes.store(e, g + c &* classStride, stride: itemStride, count: count)
            sums.add(v, e, max: m, isTarget: labels .== Float(c), factor: factors?[c])
        }
        let out = finish(sums, max: m, valid: valid, itemScale: itemScale)
        @inline(__always) func write(finite: Bool) {
            for c in 0..<classes {
                let p = g + c &* classStride
                let e = SoftmaxLanes.load(UnsafePointer(p), stride: itemStride, count: count, padding: 0)
                SoftmaxLanes.store(out.gradient(e, c, labels: labels, finite: finite, valid: valid), p, stride: itemStride, count: count)
            }
        }
        if out.finite { write(finite: true) } else { write(finite: false) }
        return out.loss
    }

    /// Eight contiguous rows of eight classes from row `first`, transposed into `scratch` (eight
    /// vectors, one per class, lanes = rows), computed as
    /// ``lanes(_:_:itemStride:classStride:count:labels:itemScale:)`` does, and transposed back
    /// into the gradient. The scratch holds the logits, then their exponentials, then the gradient.
    @inline(__always)
    private func blockOf8(_ first: Int, labels: SIMD8<Float>, itemScale: SIMD8<Float>,
                          scratch: UnsafeMutablePointer<SIMD8<Float>>) -> SIMD8<Float> {
        let valid = validLanes(labels, count: 8)
        SoftmaxLanes.transpose8(UnsafeRawPointer(input + first &* 8), into: UnsafeMutableRawPointer(scratch))
        var m = scratch[0]
        for c in 1..<8 { m = SoftmaxLanes.max(m, scratch[c]) }
        var sums = SoftmaxSums(factors == nil)
        for c in stride(from: 0, to: 8, by: 2) {
            let v = scratch[c], w = scratch[c + 1]
            let (e, f) = SoftmaxLanes.exp(v - m, w - m)
            scratch[c] = e
            scratch[c + 1] = f
            sums.add(v, e, max: m, isTarget: labels .== Float(c), factor: factors?[c])
            sums.add(w, f, max: m, isTarget: labels .== Float(c + 1), factor: factors?[c + 1])
        }
        let out = finish(sums, max: m, valid: valid, itemScale: itemScale)
        if out.finite {
            for c in 0..<8 { scratch[c] = out.gradient(scratch[c], c, labels: labels, finite: true, valid: valid) }
        } else {
            for c in 0..<8 { scratch[c] = out.gradient(scratch[c], c, labels: labels, finite: false, valid: valid) }
        }
        SoftmaxLanes.transpose8(UnsafeRawPointer(scratch), into: UnsafeMutableRawPointer(gradient + first &* 8))
        return out.loss
    }

    /// From the sums of eight items: their losses and how to write their gradients.
    @inline(__always)
    private func finish(_ sums: SoftmaxSums, max m: SIMD8<Float>, valid: SIMDMask<SIMD8<Int32>>, itemScale: SIMD8<Float>)
        -> SoftmaxOutput {
        let spare = sums.others + (sums.ties - 1)
        let inverse = 1 / (1 + spare)
        let q = sums.hit * inverse
        let miss = (1 - q).replacing(with: spare * inverse, where: sums.logit .== m)
        let ce = VectorMath.log1p(spare) + (m - sums.logit)
        let (loss, alpha) = math(ce: ce, q: q, miss: miss, factor: sums.factor)
        let slope = itemScale * alpha
        // A NaN or +inf logit anywhere makes s' NaN; only then can e·0 leave a NaN in an ignored lane.
        let total = spare.lowHalf + spare.highHalf
        return SoftmaxOutput(loss: loss.replacing(with: 0, where: .!valid),
                             coefficient: (slope * inverse).replacing(with: 0, where: .!valid),
                             yTerm: (-(slope * miss)).replacing(with: 0, where: .!valid),
                             finite: !(total[0] + total[1] + total[2] + total[3]).isNaN)
    }
}

/// The per-item results of ``SoftmaxIndexSIMD``'s item math for eight items.
struct SoftmaxOutput {
    /// The item losses, 0 in lanes not valid.
    var loss: SIMD8<Float>
    /// k with gradient k·e_c off the target class (0 in lanes not valid).
    var coefficient: SIMD8<Float>
    /// The gradient at the target class (0 in lanes not valid).
    var yTerm: SIMD8<Float>
    /// Whether every exponential was finite: then k·e is already 0 wherever k is.
    var finite: Bool

    /// The gradient of class `c` from its exponentials `e`.
    @inline(__always)
    func gradient(_ e: SIMD8<Float>, _ c: Int, labels: SIMD8<Float>, finite: Bool, valid: SIMDMask<SIMD8<Int32>>) -> SIMD8<Float> {
        let g = (e * coefficient).replacing(with: yTerm, where: labels .== Float(c))
        return finite ? g : g.replacing(with: 0, where: .!valid)
    }
}

/// What the class loop gathers per lane: the exponentials off the max, the ties at the max,
/// and the target's logit, exponential and factor.
struct SoftmaxSums {
    /// Σ e_c over classes whose logit is not the max.
    var others = SIMD8<Float>()
    /// Number of classes whose logit is the max.
    var ties = SIMD8<Float>()
    /// x_y.
    var logit = SIMD8<Float>()
    /// e_y = exp(x_y − max).
    var hit = SIMD8<Float>()
    /// The target class's factor.
    var factor: SIMD8<Float>

    /// Empty sums; the factor starts at 1 when there are no per-class factors.
    @_transparent
    init(_ unitFactor: Bool) { factor = SIMD8<Float>(repeating: unitFactor ? 1 : 0) }

    /// Adds one class: its logits `v` and exponentials `e`.
    @_transparent
    mutating func add(_ v: SIMD8<Float>, _ e: SIMD8<Float>, max m: SIMD8<Float>, isTarget: SIMDMask<SIMD8<Int32>>, factor f: Float?) {
        let peak = v .== m
        others += e.replacing(with: 0, where: peak)
        ties += SIMD8<Float>().replacing(with: 1, where: peak)
        logit.replace(with: v, where: isTarget)
        hit.replace(with: e, where: isTarget)
        if let f { factor.replace(with: f, where: isTarget) }
    }
}

/// Calls `body` with the buffer of `array`, or `nil`.
@inline(__always)
func withOptionalFloats<R>(_ array: [Float]?, _ body: (UnsafeBufferPointer<Float>?) throws(LossError) -> R) throws(LossError) -> R {
    guard let array else { return try body(nil) }
    return try array.withUnsafeBufferPointer { (buffer) throws(LossError) in try body(buffer) }
}
