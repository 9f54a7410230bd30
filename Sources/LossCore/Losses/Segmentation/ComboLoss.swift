/// Combo loss (Taghanaki et al. 2019): `ce_ratio·weighted BCE + (1 − ce_ratio)·(1 − Dice)` per group.
public struct ComboLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "combo",
        summary: "Combo loss (Taghanaki et al. 2019): weighted BCE mixed with the Dice loss. Binary and multilabel modes.",
        formula: "per group: ce_ratio·mean(−(α·t·log p + (1−α)(1−t)·log(1−p))) "
            + "+ (1 − ce_ratio)·(1 − (2Σp·t + smooth_nr)/(Σp + Σt + smooth_dr)); "
            + "log p = −softplus(−x), log(1−p) = −softplus(x) from logits (logs clamped at −100 when from_logits=false). "
            + "Groups: pooled batch (per class in multilabel) or each image with per_image; weighted class mean; "
            + "reduction acts on the loss vector [N] / [C] / [1].",
        inputs: SegmentationOptions.inputs,
        parameters: SegmentationOptions.specs() + [
            ParameterSpec("alpha", .number(.unit), default: .number(0.5), "Weight of the positive (t) part of the BCE; 1−alpha weighs the negative part."),
            ParameterSpec("ce_ratio", .number(.unit), default: .number(0.5), "Share of the BCE term; 1−ce_ratio goes to the Dice loss."),
        ]
    )

    let options: SegmentationOptions
    let alpha: Double
    let crossEntropyRatio: Double

    /// Reads the shared segmentation parameters, `alpha` and `ce_ratio`; multiclass is rejected.
    public init(parameters: Parameters) throws(LossError) {
        options = try SegmentationOptions(parameters)
        guard options.mode != .multiclass else {
            throw LossError(.invalidParameter, "combo supports mode 'binary' and 'multilabel'", field: "mode")
        }
        alpha = parameters.double("alpha")
        crossEntropyRatio = parameters.double("ce_ratio")
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
        let options = options, ratio = crossEntropyRatio
        let term = SegmentationElementTerm(positive: alpha, negative: 1 - alpha, pytorchBackward: false)
        return try SegmentationEngine.run(batch, options: options, term: term, gradient: gradient) { sums, layout throws(LossError) in
            try SegmentationEngine.classMean(sums, layout, options) { group in
                let dice = DiceLoss.score(group, options: options)
                var partials = dice.partials.scaled(1 - ratio)
                partials.elementTerm = ratio / group.valid
                return (ratio * group.elementTerm / group.valid + (1 - ratio) * dice.value, partials)
            }
        }
    }
}
