/// The float32 SIMD driver of elementwise losses: one pass over `input` and `target` — the
/// target read in its wire dtype — writing the gradient (and the unreduced loss) once, with the
/// loss summed in Double per lane.
///
/// Determinism: the pass runs in ``ChunkedSum``'s fixed chunks; each chunk sums its lanes in a
/// fixed order and chunks are added in order, so the result does not depend on the thread count.
/// A floating-point target is checked for NaN/±∞ in the same pass (a lane sum of `t − t`), which
/// spares ``LossRegistry`` its own pass over the target.
public struct ElementwiseSIMD<Lanes: ElementwiseLanes>: ElementVisitor {
    let lanes: Lanes
    let input: UnsafeBufferPointer<Float>
    let weight: UnsafeBufferPointer<Float>?
    let reduction: Reduction
    /// Upstream gradient of `reduction: none`, expanded to the input's shape, or `nil` for ones.
    let upstream: UnsafeBufferPointer<Float>?
    /// d(loss)/d(l_i) of a reduced loss: grad_output, divided by the count for `mean`.
    let scale: Float
    let gradient: UnsafeMutableBufferPointer<Float>
    /// Where `reduction: none` writes each element's loss.
    let lossOut: UnsafeMutableBufferPointer<Float>?

    /// Evaluates `lanes` over a float32 batch, or returns `nil` when the target's dtype is not
    /// read in place (float64, float16, bfloat16) and the caller should take its reference path.
    /// - Parameters:
    ///   - lanes: The loss's per-lane math.
    ///   - batch: The tensors; `target` and `weight` broadcast to `input`.
    ///   - reduction: `mean`, `sum` or `none`.
    ///   - gradient: Receives d(loss)/d(input), every element written.
    /// - Throws: ``LossError`` for a target, weight or grad_output that does not broadcast, or a
    ///   non-finite target.
    public static func evaluate(_ lanes: Lanes, _ batch: LossBatch<Float>, reduction: Reduction,
                                gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float>? {
        switch batch.target.dtype {
        case .float64, .float16, .bfloat16: return nil
        default: break
        }
        let shape = batch.shape
        // A broadcast target is expanded once (as float32); a same-shape one is read in place.
        let target: Tensor
        if batch.target.shape == shape {
            target = batch.target
        } else {
            let expanded: [Float] = try Broadcast.expand(batch.target, to: shape, field: "target")
            target = Tensor(unchecked: shape, storage: .float32(expanded))
        }
        let weight: [Float]? = try ElementwiseReduction.elementWeight(batch.weight, shape: shape)
        let count = batch.input.count
        if reduction == .none {
            let upstream: [Float]? = try ElementwiseReduction.elementGradOutput(batch.gradOutput, shape: shape)
            var failure: LossError?
            let loss = [Float](unsafeUninitializedCapacity: count) { lossOut, initialized in
                do throws(LossError) {
                    try withPointers(batch.input, weight, upstream) { input, weight, upstream throws(LossError) in
                        let kernel = ElementwiseSIMD(lanes: lanes, input: input, weight: weight, reduction: .none,
                                                     upstream: upstream, scale: 1, gradient: gradient, lossOut: lossOut)
                        _ = try target.visitElements(kernel)
                    }
                } catch {
                    failure = error
                    lossOut.initialize(repeating: 0)
                }
                initialized = count
            }
            if let failure { throw failure }
            return LossValue(loss: loss, lossShape: shape)
        }
        let upstream = try ElementwiseReduction.scalarGradOutput(batch.gradOutput)
        let scale = reduction == .mean ? upstream / Double(count) : upstream
        let total = try withPointers(batch.input, weight, nil) { input, weight, _ throws(LossError) in
            let kernel = ElementwiseSIMD(lanes: lanes, input: input, weight: weight, reduction: reduction,
                                         upstream: nil, scale: Float(scale), gradient: gradient, lossOut: nil)
            return try target.visitElements(kernel) ?? 0
        }
        return LossValue(scalar: reduction == .mean ? total / Double(count) : total)
    }

    /// Runs the pass on the target's elements; returns the loss sum (reduced) or 0 (`none`).
    public func visit<S: TargetScalar>(_ target: UnsafeBufferPointer<S>) throws(LossError) -> Double {
        let count = input.count
        guard count > 0, let t = target.baseAddress else { return 0 }
        let shared = UncheckedSendable((self, t))
        let totals: SIMD2<Double>
        if lossOut == nil {
            totals = ChunkedSum.sum(count: count) { range in shared.value.0.chunk(range, shared.value.1) }
        } else {
            // Each chunk's finiteness partial goes to its own slot; slots are combined in order.
            let chunks = (count + ChunkedSum.chunkSize - 1) / ChunkedSum.chunkSize
            var checks = [Double](repeating: 0, count: chunks)
            checks.withUnsafeMutableBufferPointer { slots in
                let slots = UncheckedSendable(slots)
                ChunkedSum.forEach(count: count) { range in
                    // forEach hands out single chunks above its threshold, the whole range below it.
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let end = min(start + ChunkedSum.chunkSize, range.upperBound)
                        slots.value[start / ChunkedSum.chunkSize] = shared.value.0.chunk(start..<end, shared.value.1)[1]
                        start = end
                    }
                }
            }
            totals = SIMD2(0, checks.reduce(0, +))
        }
        guard totals[1] == 0 else { throw LossRegistry.nonFiniteTarget }
        return totals[0]
    }

    /// One chunk: `(loss sum, finiteness check)`; the check is NaN when a target is NaN or ±∞.
    @inline(__always)
    func chunk<S: TargetScalar>(_ range: Range<Int>, _ t: UnsafePointer<S>) -> SIMD2<Double> {
        let x = input.baseAddress!, out = gradient.baseAddress!
        let w = weight?.baseAddress, g = upstream?.baseAddress, lossOut = lossOut?.baseAddress
        var sum = DoubleVector()
        var check = FloatVector()
        var i = range.lowerBound
        let end = range.upperBound
        while i &+ FloatVector.lanes <= end {
            let target = S.vector(t, i)
            check += target - target
            var (l, d) = lanes(Float.vector(x, i), target)
            if let w { let wv = Float.vector(w, i); l *= wv; d *= wv }
            if let lossOut {
                if let g { d *= Float.vector(g, i) }
                UnsafeMutableRawPointer(lossOut + i).storeBytes(of: l, as: FloatVector.self)
                UnsafeMutableRawPointer(out + i).storeBytes(of: d, as: FloatVector.self)
            } else {
                sum += widened(l)
                UnsafeMutableRawPointer(out + i).storeBytes(of: d * scale, as: FloatVector.self)
            }
            i &+= FloatVector.lanes
        }
        let rest = end &- i
        if rest > 0 {
            let valid = FloatVector.firstLanes(rest)
            let target = S.partial(t, i, count: rest)
            check += target - target
            var (l, d) = lanes(Float.partial(x, i, count: rest), target)
            if let w { let wv = Float.partial(w, i, count: rest); l *= wv; d *= wv }
            if let g { d *= Float.partial(g, i, count: rest) }
            l = FloatVector().replacing(with: l, where: valid)
            if lossOut == nil { d *= scale; sum += widened(l) }
            for lane in 0..<rest {
                out[i + lane] = d[lane]
                lossOut?[i + lane] = l[lane]
            }
        }
        return SIMD2(sum.sum(), Double(check.sum()))
    }
}

/// Calls `body` with buffer pointers of the input and the optional expanded weight and upstream.
@inline(__always)
func withPointers<R>(_ input: [Float], _ weight: [Float]?, _ upstream: [Float]?,
                     _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>?, UnsafeBufferPointer<Float>?) throws(LossError) -> R)
    throws(LossError) -> R {
    try input.withUnsafeBufferPointer { (x) throws(LossError) in
        try withOptionalBuffer(weight) { (w) throws(LossError) in
            try withOptionalBuffer(upstream) { (g) throws(LossError) in try body(x, w, g) }
        }
    }
}

/// Calls `body` with the buffer of `array`, or `nil`.
@inline(__always)
func withOptionalBuffer<R>(_ array: [Float]?, _ body: (UnsafeBufferPointer<Float>?) throws(LossError) -> R) throws(LossError) -> R {
    guard let array else { return try body(nil) }
    return try array.withUnsafeBufferPointer { (buffer) throws(LossError) in try body(buffer) }
}

extension LossOutput {
    /// This output's loss, after copying its gradient into `gradient` — how a loss hands a
    /// reference-path result to a caller that asked for the gradient in place.
    public func value(copyingGradientInto gradient: UnsafeMutableBufferPointer<T>) -> LossValue<T> {
        _ = gradient.initialize(fromContentsOf: grad)
        return LossValue(loss: loss, lossShape: lossShape)
    }
}

extension LossBatch {
    /// Throws the registry's non-finite-target error, for losses that validate the target themselves
    /// (``Loss/validatesTargetFiniteness``) on their reference path.
    public func requireFiniteTarget() throws(LossError) {
        guard target.allFinite else { throw LossRegistry.nonFiniteTarget }
    }
}
