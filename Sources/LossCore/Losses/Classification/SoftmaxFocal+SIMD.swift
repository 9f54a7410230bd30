/// MONAI's softmax focal term as ``SoftmaxIndexMath``, for an integer γ in 0…4.
///
/// With ce = −log q and m = 1 − q: loss a·m^γ·ce; d/dx_c = a·[γ q m^{γ−1} ce + m^γ]·(q_c − δ_cy),
/// so the slope is α = a·(γ q m^{γ−1} ce + m^γ) — two non-negative terms, and `miss` is the
/// kernel's cancellation-free 1 − q.
struct SoftmaxFocalIndexMath: SoftmaxIndexMath {
    /// γ, an integer 0…4.
    let gamma: Int

    /// Creates the math; `gamma` must satisfy ``supports(gamma:)``.
    init(gamma: Double) {
        precondition(Self.supports(gamma: gamma))
        self.gamma = Int(gamma)
    }

    /// Whether `gamma` has a lane implementation (other values take the reference path).
    static func supports(gamma: Double) -> Bool { gamma == gamma.rounded() && gamma >= 0 && gamma <= 4 }

    /// The focal losses and slopes of eight items.
    @inline(__always)
    func callAsFunction(ce: SIMD8<Float>, q: SIMD8<Float>, miss: SIMD8<Float>, factor: SIMD8<Float>)
        -> (loss: SIMD8<Float>, alpha: SIMD8<Float>) {
        var focus = SIMD8<Float>(repeating: 1)       // m^γ
        var focusBelow = SIMD8<Float>(repeating: 0)  // γ·m^{γ−1}
        if gamma >= 1 {
            var power = SIMD8<Float>(repeating: 1)   // m^{γ−1}
            for _ in 1..<gamma { power *= miss }
            focusBelow = Float(gamma) * power
            focus = power * miss
        }
        return (factor * focus * ce, factor * (focusBelow * q * ce + focus))
    }
}

extension SoftmaxFocalLoss {
    /// The float32 SIMD path, writing the gradient into `gradient`: index targets of any
    /// supported dtype, `ignore_index`, `alpha`, class weights, `mean` and `sum`, integer γ ≤ 4.
    /// Returns `nil` (the reference path runs) for other γ, `reduction: none` (whose loss is
    /// input-shaped and whose `grad_output` is read at the target class), a target dtype not
    /// read in place, or a target the reference path must reject by shape.
    /// - Throws: As the reference path: target validation, then `grad_output`.
    func evaluateIndices(_ batch: LossBatch<Float>, layout: ClassLayout, weights: [Double]?,
                         gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float>? {
        guard reduction != .none, SoftmaxFocalIndexMath.supports(gamma: gamma), batch.target.shape == layout.itemShape,
              SoftmaxIndexSIMD<SoftmaxFocalIndexMath>.supports(layout),
              try ClassTarget.census(of: batch.target, classes: layout.classes, ignoreIndex: ignoreIndex, weights: nil) != nil
        else { return nil }
        let upstream = try ElementwiseReduction.scalarGradOutput(batch.gradOutput)
        let divisor = self.divisor(count: batch.input.count, shape: batch.shape, inner: layout.inner)
        let factors: [Float]? = alpha == nil && weights == nil ? nil : (0..<layout.classes).map { Float(factor($0, weights)) }
        let total = try SoftmaxIndexSIMD.run(SoftmaxFocalIndexMath(gamma: gamma), input: batch.input, layout: layout,
                                             target: batch.target, ignoreIndex: ignoreIndex, factors: factors,
                                             scale: Float(upstream / divisor), upstream: nil, lossOut: nil, gradient: gradient)
        return LossValue(scalar: total / divisor)
    }
}
