/// Cross-entropy as ``SoftmaxIndexMath``: loss w_y·ce, slope w_y (gradient w_y·(q − onehot(y))).
struct CrossEntropyIndexMath: SoftmaxIndexMath {
    /// The weighted cross-entropy and its slope.
    @inline(__always)
    func callAsFunction(ce: SIMD8<Float>, q: SIMD8<Float>, miss: SIMD8<Float>, factor: SIMD8<Float>)
        -> (loss: SIMD8<Float>, alpha: SIMD8<Float>) {
        (factor * ce, factor)
    }
}

extension SoftmaxCrossEntropy {
    /// The float32 SIMD path for class-index targets, writing the gradient into `gradient`.
    ///
    /// Takes class weights, `ignore_index` and every reduction; returns `nil` — the caller then
    /// runs ``evaluate(_:layout:target:gradOutput:)`` — for label smoothing, Poly-1, probability
    /// targets (or a target of no index shape, which that path rejects), a target dtype not read
    /// in place (float64, float16, bfloat16) and degenerate layouts.
    ///
    /// The `mean` normaliser Σ w_y comes first, from a census of the target alone (an integer
    /// pass that also validates it), so the gradient is written scaled in the one pass over the
    /// input; rescaling afterwards would cost a second pass over the gradient, eight times the
    /// target's bytes for int64 indices and C = 8.
    /// - Throws: As the reference path: target validation, then `grad_output`.
    func evaluateIndices(_ input: [Float], layout: ClassLayout, target: Tensor, ignoreIndex: Int, gradOutput: Tensor?,
                         gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float>? {
        guard labelSmoothing == 0, polyEpsilon == 0, target.shape == layout.itemShape,
              SoftmaxIndexSIMD<CrossEntropyIndexMath>.supports(layout),
              let census = try ClassTarget.census(of: target, classes: layout.classes, ignoreIndex: ignoreIndex,
                                                  weights: classWeights)
        else { return nil }
        let factors = classWeights?.map { Float($0) }
        if reduction == .none {
            let upstream: [Float]? = try ElementwiseReduction.elementGradOutput(gradOutput, shape: layout.itemShape)
            var failure: LossError?
            let loss = [Float](unsafeUninitializedCapacity: layout.items) { lossOut, initialized in
                do throws(LossError) {
                    _ = try SoftmaxIndexSIMD.run(CrossEntropyIndexMath(), input: input, layout: layout, target: target,
                                                 ignoreIndex: ignoreIndex, factors: factors, scale: 1, upstream: upstream,
                                                 lossOut: lossOut, gradient: gradient)
                } catch {
                    failure = error
                    lossOut.initialize(repeating: 0)
                }
                initialized = layout.items
            }
            if let failure { throw failure }
            return LossValue(loss: loss, lossShape: layout.itemShape)
        }
        let upstream = try ElementwiseReduction.scalarGradOutput(gradOutput)
        let normaliser = census.weightSum
        let scale = reduction == .mean ? upstream / normaliser : upstream
        let total = try SoftmaxIndexSIMD.run(CrossEntropyIndexMath(), input: input, layout: layout, target: target,
                                             ignoreIndex: ignoreIndex, factors: factors, scale: Float(scale),
                                             upstream: nil, lossOut: nil, gradient: gradient)
        return LossValue(scalar: reduction == .mean ? total / normaliser : total)
    }
}
