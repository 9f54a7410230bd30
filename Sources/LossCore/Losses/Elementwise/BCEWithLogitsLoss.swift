import Foundation

/// Binary cross-entropy on logits, PyTorch's `binary_cross_entropy_with_logits`,
/// with `pos_weight` and segmentation_models_pytorch's label smoothing.
///
/// Computed as PyTorch does, `(1 − t) x − (1 + (p − 1) t) log σ(x)` with
/// `log σ(x) = min(x, 0) − log1p(exp(−|x|))`: no exponential can overflow, and saturated
/// logits (|x| > 20) give the same tiny losses and gradients PyTorch's float64 does.
public struct BCEWithLogitsLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "bce_with_logits", aliases: ["binary_cross_entropy_with_logits"],
        summary: "Binary cross-entropy on logits (torch.nn.functional.binary_cross_entropy_with_logits).",
        formula: "t' = t(1 − s) + (1 − t)s; l_i = w_i [max(x_i, 0) − x_i t'_i + (1 + (p_c − 1) t'_i) log1p(exp(−|x_i|)) "
            + "+ (p_c − 1) t'_i max(−x_i, 0)]; gradient w_i [(1 − t'_i) − (1 + (p_c − 1) t'_i) σ(−x_i)]",
        inputs: [.input("Logits, any shape; the last dimension is the class dimension for pos_weight."),
                 ElementwisePairs.targetInput("Targets in [0, 1]; same shape as input, or broadcastable to it."),
                 .elementWeight],
        parameters: [
            ElementwisePairs.reductionSpec,
            ParameterSpec("pos_weight", .numbers(.any), default: nil,
                          "Weight of positive examples per class, broadcast on the last dimension of input (length C or 1)."),
            ParameterSpec("label_smoothing", .number(ClosedInterval(lower: 0, upper: 1, upperInclusive: false)),
                          default: .number(0), "Smoothing s: targets become t(1 − s) + (1 − t)s."),
        ]
    )

    let reduction: Reduction
    let positiveWeight: [Double]?
    let smoothing: Double

    /// Reads `reduction`, `pos_weight` and `label_smoothing`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        positiveWeight = parameters.doubles("pos_weight")
        smoothing = parameters.double("label_smoothing")
    }

    /// The SIMD pass checks a float target for NaN/∞ itself; the reference path checks first.
    public static var validatesTargetFiniteness: Bool { true }

    /// float32 evaluation, gradient allocated.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try compute(batch, gradient: gradient) }
    }

    /// float32 evaluation in one SIMD pass (a per-class `pos_weight` takes the reference path).
    public func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        if positiveWeight == nil || positiveWeight?.count == 1 {
            let lanes = LogitBCELanes(smoothing: Float(smoothing), positiveWeight: Float(positiveWeight?.first ?? 1))
            if let value = try ElementwiseSIMD.evaluate(lanes, batch, reduction: reduction, gradient: gradient) {
                return value
            }
        }
        try batch.requireFiniteTarget()
        return try run(batch).value(copyingGradientInto: gradient)
    }

    /// float64 evaluation (the Double reference path).
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> {
        try batch.requireFiniteTarget()
        return try run(batch)
    }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let classes = batch.shape.last ?? 1
        let positive = positiveWeight ?? []
        if positiveWeight != nil, positive.count != 1, positive.count != classes {
            throw LossError(.invalidParameter,
                            "'pos_weight' must have length 1 or \(classes) (the last dimension of input), got \(positive.count)",
                            field: "pos_weight")
        }
        // Stride 0 repeats a single weight; otherwise element i belongs to class i mod C.
        let perClass = positive.count > 1
        let s = smoothing
        return try ElementwisePairs.evaluate(batch, reduction: reduction) { i, x, rawTarget in
            let t = s == 0 ? rawTarget : (1 - rawTarget) * s + rawTarget * (1 - s)
            let z = exp(-abs(x))
            let logSigmoid = min(x, 0) - log1p(z)
            // d log σ(x)/dx = σ(−x), written per side as PyTorch's log_sigmoid backward does.
            let slope = x < 0 ? 1 - z / (1 + z) : z / (1 + z)
            if positive.isEmpty {
                return ((1 - t) * x - logSigmoid, (1 - t) - slope)
            }
            let p = perClass ? positive[i % classes] : positive[0]
            let logWeight = (p - 1) * t + 1
            return ((1 - t) * x - logWeight * logSigmoid, (1 - t) - logWeight * slope)
        }
    }
}
