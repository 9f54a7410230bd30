/// Multiclass focal loss on softmax, MONAI's `FocalLoss(use_softmax=True, to_onehot_y=True)`.
///
/// Elementwise over (N, C, d…): `L = −a_c (1 − q_c)^γ log q_c · onehot(y)_c` with
/// `a_c = α_c w_c`, `α_0 = 1 − α`, `α_{c>0} = α` (1 without `alpha`) and class weight `w`.
/// Reductions as MONAI: `none` keeps (N, C, d…); `mean` averages all N·C·d… elements; `sum`
/// averages over d… then sums over N and C — and, as MONAI's `mean(dim=[])`, a rank-2
/// input has no d… so `sum` equals `mean` there. Items whose target equals `ignore_index`
/// get an all-zero one-hot row: no loss, no gradient, but still counted by `mean`.
public struct SoftmaxFocalLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "softmax_focal", aliases: ["softmax_focal_loss"],
        summary: "Multiclass focal loss on softmax with class-index target (MONAI FocalLoss, use_softmax=True).",
        formula: "L_{n,c,d} = −α_c w_c (1 − q_c)^γ log q_c [c = y]; mean over all N·C·d… elements; "
            + "sum = Σ_{n,c} mean_d L (MONAI; equals mean for (N, C) input); none ⇒ shape of input",
        inputs: [LossDescriptor.Input.input("Logits, shape (N, C, d…); classes on dimension 1."),
                 ClassificationSpecs.indexTarget, ClassificationSpecs.classWeight],
        parameters: [
            .reduction(),
            ParameterSpec("gamma", .number(.nonNegative), default: .number(2), "Focusing exponent γ."),
            ParameterSpec("alpha", .number(.any), default: nil,
                          "Optional balance: 1 − α for class 0 (background), α for the others."),
            ClassificationSpecs.ignoreIndex,
        ]
    )

    let reduction: Reduction
    let gamma: Double
    let alpha: Double?
    let ignoreIndex: Int

    /// Reads `reduction`, `gamma`, `alpha` and `ignore_index`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        gamma = parameters.double("gamma")
        alpha = parameters.optionalDouble("alpha")
        ignoreIndex = parameters.int("ignore_index")
    }

    /// float32 evaluation (the SIMD path where it applies), gradient in a fresh array.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try compute(batch, gradient: gradient) }
    }

    /// float64 evaluation: the scalar reference path.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try reference(batch) }

    /// float32 evaluation into the caller's buffer: the SIMD kernel
    /// (``evaluateIndices(_:layout:weights:gradient:)``) where it applies, else the reference path, copied.
    public func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        try Self.checkRank(batch.shape)
        let layout = try ClassLayout(shape: batch.shape)
        let weights = try ClassWeights.read(batch.weight, classes: layout.classes)
        if let value = try evaluateIndices(batch, layout: layout, weights: weights, gradient: gradient) { return value }
        let output = try reference(batch)
        _ = gradient.initialize(fromContentsOf: output.grad)
        return LossValue(loss: output.loss, lossShape: output.lossShape)
    }

    private static func checkRank(_ shape: [Int]) throws(LossError) {
        guard shape.count >= 2 else {
            throw LossError(.invalidTensor, "'input' must have shape (N, C, d…), got \(shape)", field: "input")
        }
    }

    /// a_c = α_c w_c.
    func factor(_ c: Int, _ weights: [Double]?) -> Double {
        let balance = alpha.map { c == 0 ? 1 - $0 : $0 } ?? 1
        return balance * (weights?[c] ?? 1)
    }

    /// What the reduced loss divides the sum of the item losses by.
    func divisor(count: Int, shape: [Int], inner: Int) -> Double {
        // MONAI's sum averages over d…; a rank-2 input averages over everything (torch's mean(dim=[])).
        switch reduction {
        case .mean: Double(count)
        case .sum: shape.count == 2 ? Double(count) : Double(inner)
        default: 1.0
        }
    }

    /// The scalar path (Double math): float64 inputs, the float32 cases the SIMD kernel leaves,
    /// and the reference the SIMD kernel is tested against.
    func reference<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        try Self.checkRank(batch.shape)
        let layout = try ClassLayout(shape: batch.shape)
        let weights = try ClassWeights.read(batch.weight, classes: layout.classes)
        guard case .indices(let classIndex) = try ClassTarget.read(
            batch.target, layout: layout, inputShape: batch.shape, ignoreIndex: ignoreIndex, allowsProbabilities: false)
        else { preconditionFailure("probabilities were refused") }
        let input = batch.input, gamma = gamma
        func factor(_ c: Int) -> Double { self.factor(c, weights) }
        var grad = [T](repeating: 0, count: input.count)
        var loss = reduction == .none ? [T](repeating: 0, count: input.count) : []
        let perElement: [T]? = reduction == .none
            ? try ElementwiseReduction.elementGradOutput(batch.gradOutput, shape: batch.shape) : nil
        let upstream = reduction == .none ? 1 : try ElementwiseReduction.scalarGradOutput(batch.gradOutput)
        let divisor = self.divisor(count: input.count, shape: batch.shape, inner: layout.inner)
        let total = input.withUnsafeBufferPointer { x in
            grad.withUnsafeMutableBufferPointer { gradOut in
                loss.withUnsafeMutableBufferPointer { lossOut in
                    ChunkedSum.sum(count: layout.items) { range -> SIMD2<Double> in
                        var partial = 0.0
                        for item in range where classIndex[item] != ClassTarget.ignored {
                            let y = classIndex[item], base = layout.base(of: item), stride = layout.classStride
                            let lse = layout.logSumExp(x, item: item)
                            let logQ = Double(x[base + y * stride]) - lse
                            let q = ClassMath.exp(logQ), miss = -ClassMath.expm1(logQ)
                            let a = factor(y), focus = ClassMath.pow(miss, gamma)
                            let value = -a * focus * logQ
                            // d/dx_c of −(1 − q)^γ log q is G (δ_yc − q_c), G = γ q (1 − q)^{γ−1} log q − (1 − q)^γ.
                            let slope = (gamma == 0 ? 0 : gamma * q * ClassMath.pow(miss, gamma - 1) * logQ) - focus
                            var scale = upstream / divisor
                            if let perElement { scale = Double(perElement[base + y * stride]) }
                            if !lossOut.isEmpty { lossOut[base + y * stride] = T(value) }
                            for c in 0..<layout.classes {
                                let softmax = ClassMath.exp(Double(x[base + c * stride]) - lse)
                                let d = (c == y ? 1 : 0) - softmax
                                gradOut[base + c * stride] = T(scale * a * slope * d)
                            }
                            partial += value
                        }
                        return SIMD2(partial, 0)
                    }
                }
            }
        }
        if reduction == .none { return LossOutput(loss: loss, lossShape: batch.shape, grad: grad) }
        return LossOutput(scalar: total[0] / divisor, grad: grad)
    }
}
