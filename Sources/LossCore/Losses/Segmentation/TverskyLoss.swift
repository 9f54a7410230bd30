/// Tversky loss, `1 − (I + s_nr)/(I + α·FP + β·FN + s_dr)` per group (SMP semantics).
public struct TverskyLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "tversky",
        summary: "Tversky loss (SMP semantics): Dice with separate weights for false positives (alpha) and false negatives (beta).",
        formula: "T = (Σp·t + smooth_nr)/(Σp·t + α·Σp(1−t) + β·Σ(1−p)t + smooth_dr) per class (per image with per_image); "
            + "loss = 1 − T; weighted mean over classes; reduction acts on the loss vector [N] / [C] / [1].",
        inputs: SegmentationOptions.inputs,
        parameters: SegmentationOptions.specs() + TverskyLoss.weightSpecs
    )

    /// `alpha` and `beta`, shared with `focal_tversky`.
    static let weightSpecs = [
        ParameterSpec("alpha", .number(.nonNegative), default: .number(0.5), "Weight of false positives."),
        ParameterSpec("beta", .number(.nonNegative), default: .number(0.5), "Weight of false negatives."),
    ]

    let options: SegmentationOptions
    let alpha: Double
    let beta: Double

    /// Reads the shared segmentation parameters, `alpha` and `beta`.
    public init(parameters: Parameters) throws(LossError) {
        options = try SegmentationOptions(parameters)
        alpha = parameters.double("alpha")
        beta = parameters.double("beta")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try run(batch, gradient: gradient) }
    }
    /// float32 evaluation, gradient in place (SIMD passes in binary and multilabel mode).
    public func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        try run(batch, gradient: gradient)
    }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try run(batch, gradient: gradient) }
    }

    private func run<T: LossFloat>(_ batch: LossBatch<T>, gradient: UnsafeMutableBufferPointer<T>) throws(LossError) -> LossValue<T> {
        let options = options, alpha = alpha, beta = beta
        return try SegmentationEngine.run(batch, options: options, gradient: gradient) { sums, layout throws(LossError) in
            try SegmentationEngine.classMean(sums, layout, options) { group in
                let (index, partials) = TverskyLoss.index(group, options: options, alpha: alpha, beta: beta)
                return (1 - index, partials.scaled(-1))
            }
        }
    }

    /// The Tversky index of one group and its partials d(index)/d(I, P).
    static func index(_ group: SegmentationGroupSums, options: SegmentationOptions, alpha: Double,
                      beta: Double) -> (value: Double, partials: SegmentationPartials) {
        // FP = P − I and FN = T − I, so the denominator is (1−α−β)·I + α·P + β·T + s_dr.
        let numerator = group.intersection + options.smoothNumerator
        let denominator = group.intersection + alpha * (group.prediction - group.intersection)
            + beta * (group.truth - group.intersection) + options.smoothDenominator
        let ratio = numerator / (denominator * denominator)
        return (numerator / denominator,
                SegmentationPartials(intersection: 1 / denominator - ratio * (1 - alpha - beta),
                                     prediction: -ratio * alpha, elementTerm: 0))
    }
}
