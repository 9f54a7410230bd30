/// The float32 SIMD passes of the region losses (dice, iou, tversky, dice_bce, …) in binary and
/// multilabel mode: pass 1 sums I, P, T, M, E per group, pass 2 writes the gradient — each one
/// read of `input` and of `target` in its wire dtype, with no decoded copy of the target and a
/// validity mask only when `ignore_index` is set.
///
/// Chunking and the order in which partials are combined are those of ``SegmentationSums``, so
/// the sums are bitwise identical for any thread count.
struct SegmentationSIMD {
    var input: UnsafeBufferPointer<Float>
    let batch: Int
    let classes: Int
    let pixels: Int
    let fromLogits: Bool
    let perImage: Bool
    let squared: Bool
    let term: SegmentationElementTerm?
    /// Elements whose target equals this take no part; `nil` when no `ignore_index` was given.
    let ignored: Float?

    /// Whether pass 2 recomputes σ(−|x|) from x instead of reading what pass 1 parked in the
    /// gradient buffer. Past a few MB the park is a round trip through DRAM — a write and a read of
    /// the whole gradient, 8 bytes per element — which costs more than the exponential (16-lane
    /// AVX-512: ~0.2 ns per element); in cache the park is the cheaper one. Both give the same bits.
    var recomputesSigmoid: Bool {
        fromLogits && term == nil && ignored == nil && input.count >= 1 << 21
    }

    /// Whether the SIMD passes handle this configuration (else the Double reference path runs).
    static func supports(mode: SegmentationMode, target: Tensor, fromLogits: Bool, term: SegmentationElementTerm?) -> Bool {
        guard mode != .multiclass else { return false }
        switch target.dtype {
        case .float64, .float16, .bfloat16: return false
        default: return term == nil || fromLogits
        }
    }
}

extension SegmentationSIMD {
    /// Pass 1: the flat sums of every group (``SegmentationGroupSums/width`` per group).
    struct Sums: ElementVisitor {
        let kernel: SegmentationSIMD
        /// From logits, receives σ(−|x|) signed as x for every element (see ``SigmoidPair/signedSmall``),
        /// so that the gradient pass needs no exponential; it is then overwritten in place.
        let cache: UnsafeMutableBufferPointer<Float>

        func visit<S: TargetScalar>(_ target: UnsafeBufferPointer<S>) throws(LossError) -> [Double] {
            let k = kernel
            let width = k.classes * SegmentationGroupSums.width
            guard let t = target.baseAddress, k.input.count > 0 else {
                return [Double](repeating: 0, count: (k.perImage ? k.batch : 1) * width)
            }
            let shared = UncheckedSendable((t, cache.baseAddress!))
            return SegmentationSums.accumulate(batch: k.batch, pixels: k.pixels, perImage: k.perImage, width: width) { range, slots in
                k.forEachSpan(range) { base, start, end, c in
                    let sums = k.sumSpan(shared.value.0, base: base, start: start, end: end, cache: shared.value.1)
                    let g = c * SegmentationGroupSums.width
                    for j in 0..<SegmentationGroupSums.width { slots[g + j] += sums[j] }
                }
            }
        }
    }

    /// Pass 2: the gradient, every element written (ignored ones get 0).
    struct Gradient: ElementVisitor {
        let kernel: SegmentationSIMD
        let coefficients: [SegmentationPartials]
        let gradient: UnsafeMutableBufferPointer<Float>

        func visit<S: TargetScalar>(_ target: UnsafeBufferPointer<S>) throws(LossError) {
            let k = kernel
            guard let t = target.baseAddress, k.input.count > 0 else { return }
            let shared = UncheckedSendable((t, coefficients, gradient))
            ChunkedSum.forEach(count: k.batch * k.pixels) { range in
                k.forEachSpan(range) { base, start, end, c in
                    let (t, coefficients, out) = shared.value
                    let image = base / (k.classes * k.pixels)
                    let a = coefficients[(k.perImage ? image : 0) * k.classes + c]
                    k.gradientSpan(t, base: base, start: start, end: end, a, out)
                }
            }
        }
    }

    /// Splits a range of pixel numbers (n·S + s) into per-image spans and calls `body` once per
    /// class with the span's element base `(n·C + c)·S` and pixel bounds. With one class pooled
    /// over the batch every element belongs to the same group, so the range is one span.
    @inline(__always)
    func forEachSpan(_ range: Range<Int>, _ body: (_ base: Int, _ start: Int, _ end: Int, _ c: Int) -> Void) {
        if classes == 1, !perImage {
            body(0, range.lowerBound, range.upperBound, 0)
            return
        }
        var j = range.lowerBound
        while j < range.upperBound {
            let image = j / pixels
            let start = j - image * pixels
            let end = min(pixels, start + range.upperBound - j)
            for c in 0..<classes { body((image * classes + c) * pixels, start, end, c) }
            j += end - start
        }
    }

    /// I, P, T, M, E over elements `base + start ..< base + end` (lanes 0–4).
    @inline(__always)
    func sumSpan<S: TargetScalar>(_ t: UnsafePointer<S>, base: Int, start: Int, end: Int,
                                  cache: UnsafeMutablePointer<Float>) -> SIMD8<Double> {
        var sums = Accumulators()
        let x = input.baseAddress!
        var i = base + start
        let last = base + end
        let everything = SIMDMask<Int32Vector>(repeating: true)
        let step = FloatVector.lanes
        // Separate loops so the common cases carry no per-element test of options.
        switch (fromLogits, term != nil, ignored != nil) {
        case (true, false, false) where recomputesSigmoid:
            var unused = FloatVector()
            while i + step <= last {
                accumulate(Float.vector(x, i), S.vector(t, i), everything, into: &sums, logits: true, withTerm: false,
                           cache: nil, stored: &unused)
                i += step
            }
        case (true, false, false):
            while i + step <= last { accumulate(Float.vector(x, i), S.vector(t, i), everything, into: &sums, logits: true, withTerm: false, cache: cache + i); i += step }
        case (false, false, false):
            while i + step <= last { accumulate(Float.vector(x, i), S.vector(t, i), everything, into: &sums, logits: false, withTerm: false, cache: cache + i); i += step }
        default:
            while i + step <= last {
                accumulate(Float.vector(x, i), S.vector(t, i), everything, into: &sums, logits: fromLogits, withTerm: term != nil,
                           cache: cache + i)
                i += step
            }
        }
        if i < last {
            let rest = last - i
            let mask = FloatVector.firstLanes(rest)
            var lanes = FloatVector()
            accumulate(Float.partial(x, i, count: rest), S.partial(t, i, count: rest), mask, into: &sums,
                       logits: fromLogits, withTerm: term != nil, cache: nil, stored: &lanes)
            if fromLogits && !recomputesSigmoid { for lane in 0..<rest { cache[i + lane] = lanes[lane] } }
        }
        return SIMD8(sums.intersection.sum(), sums.prediction.sum(), sums.truth.sum(), Double(sums.valid.sum()),
                     sums.term.sum(), 0, 0, 0)
    }

    /// Lane accumulators of one span.
    struct Accumulators {
        var intersection = DoubleVector(), prediction = DoubleVector(), truth = DoubleVector()
        var valid = FloatVector(), term = DoubleVector()
    }

    /// Adds one vector of elements' contributions; lanes outside `mask` (tail, ignored) add nothing.
    @_transparent
    func accumulate(_ xv: FloatVector, _ tv: FloatVector, _ lanes: SIMDMask<Int32Vector>, into sums: inout Accumulators,
                    logits: Bool, withTerm: Bool, cache: UnsafeMutablePointer<Float>?) {
        var unused = FloatVector()
        accumulate(xv, tv, lanes, into: &sums, logits: logits, withTerm: withTerm, cache: cache, stored: &unused)
    }

    /// As above; from logits the signed small sigmoid goes to `cache` (one vector) or, without
    /// one, to `stored`.
    @_transparent
    func accumulate(_ xv: FloatVector, _ tv: FloatVector, _ lanes: SIMDMask<Int32Vector>, into sums: inout Accumulators,
                    logits: Bool, withTerm: Bool, cache: UnsafeMutablePointer<Float>?, stored: inout FloatVector) {
        var mask = lanes
        if let ignored { mask = mask .& (tv .!= ignored) }
        let zero = FloatVector()
        // Not an optional pair: an optional of three vectors costs outlined tag code per vector.
        let s = logits ? SigmoidPair(xv, withTail: withTerm) : SigmoidPair(probabilities: xv)
        let p = s.positive
        if logits {
            if let cache {
                UnsafeMutableRawPointer(cache).storeBytes(of: s.signedSmall, as: FloatVector.self)
            } else {
                stored = s.signedSmall
            }
        }
        let tm = zero.replacing(with: tv, where: mask)
        let pm = zero.replacing(with: p, where: mask)
        sums.intersection += widened(pm * tm)
        sums.prediction += widened(squared ? pm * pm : pm)
        sums.truth += widened(tm)
        sums.valid += FloatVector(repeating: 1).replacing(with: 0, where: .!mask)
        if withTerm, logits, let termSpec = term {
            // a·t·softplus(−x) + b·(1 − t)·softplus(x), from the shared log1p tail.
            let softplusX = xv.replacing(with: 0, where: xv .< 0) + s.tail
            let softplusNegX = (-xv).replacing(with: 0, where: xv .> 0) + s.tail
            let value = Float(termSpec.positive) * tv * softplusNegX + Float(termSpec.negative) * (1 - tv) * softplusX
            sums.term += widened(zero.replacing(with: value, where: mask))
        }
    }

    /// Writes the gradient of elements `base + start ..< base + end` from one group's partials.
    @inline(__always)
    func gradientSpan<S: TargetScalar>(_ t: UnsafePointer<S>, base: Int, start: Int, end: Int,
                                       _ a: SegmentationPartials, _ out: UnsafeMutableBufferPointer<Float>) {
        let x = input.baseAddress!, o = out.baseAddress!
        let coefficients = GradientCoefficients(a, term: term)
        var i = base + start
        let last = base + end
        let step = FloatVector.lanes
        switch (fromLogits, term != nil, ignored != nil) {
        case (true, false, false) where recomputesSigmoid:
            while i + step <= last {
                let m = SigmoidPair(Float.vector(x, i), withTail: false).signedSmall
                let d = gradient(m, S.vector(t, i), coefficients, logits: true, withTerm: false)
                UnsafeMutableRawPointer(o + i).storeBytes(of: d, as: FloatVector.self)
                i += step
            }
        case (true, false, false):
            while i + step <= last {
                let d = gradient(Float.vector(UnsafePointer(o), i), S.vector(t, i), coefficients, logits: true, withTerm: false)
                UnsafeMutableRawPointer(o + i).storeBytes(of: d, as: FloatVector.self)
                i += step
            }
        default:
            while i + step <= last {
                let d = gradient(Float.vector(fromLogits ? UnsafePointer(o) : x, i), S.vector(t, i), coefficients,
                                 logits: fromLogits, withTerm: term != nil)
                UnsafeMutableRawPointer(o + i).storeBytes(of: d, as: FloatVector.self)
                i += step
            }
        }
        if i < last {
            let rest = last - i
            let lanes = recomputesSigmoid ? SigmoidPair(Float.partial(x, i, count: rest), withTail: false).signedSmall
                : Float.partial(fromLogits ? UnsafePointer(o) : x, i, count: rest)
            let d = gradient(lanes, S.partial(t, i, count: rest), coefficients, logits: fromLogits, withTerm: term != nil)
            for lane in 0..<rest { o[i + lane] = d[lane] }
        }
    }

    /// One group's partials in float32.
    struct GradientCoefficients {
        let intersection: Float, prediction: Float, term: Float, positive: Float, negative: Float
        init(_ a: SegmentationPartials, term spec: SegmentationElementTerm?) {
            intersection = Float(a.intersection)
            prediction = Float(a.prediction)
            term = Float(a.elementTerm)
            positive = Float(spec?.positive ?? 0)
            negative = Float(spec?.negative ?? 0)
        }
    }

    /// d(objective)/dx of one vector of elements: (a_I·t + a_P·(1 or 2p))·σ'(x) + a_E·∂e/∂x, 0 where ignored.
    /// From logits `xv` is pass 1's signed small sigmoid, not the logit.
    @_transparent
    func gradient(_ xv: FloatVector, _ tv: FloatVector, _ a: GradientCoefficients, logits: Bool, withTerm: Bool) -> FloatVector {
        var d: FloatVector
        if logits {
            let s = SigmoidPair(signedSmall: xv)
            let p = s.positive
            d = a.intersection * tv + (squared ? a.prediction * 2 * p : FloatVector(repeating: a.prediction))
            d *= p * s.negative
            if withTerm {
                d += a.term * (a.negative * (1 - tv) * s.positive - a.positive * tv * s.negative)
            }
        } else {
            d = a.intersection * tv + (squared ? a.prediction * 2 * xv : FloatVector(repeating: a.prediction))
        }
        if let ignored { d = d.replacing(with: 0, where: tv .== ignored) }
        return d
    }
}
