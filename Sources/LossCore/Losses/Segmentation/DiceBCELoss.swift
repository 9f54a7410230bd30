/// Dice plus binary cross-entropy; the tutorial's `DiceBCELoss` with defaults.
///
/// The BCE is computed from logits stably (`softplus` forms), which agrees with the tutorial's
/// `F.binary_cross_entropy(sigmoid(x), t)` to rounding except where the sigmoid saturates
/// (|x| ≳ 17 in float64), where the tutorial's value is clamped at log = −100 and this one is exact.
public struct DiceBCELoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "dice_bce", aliases: ["bce_dice"],
        summary: "BCE (mean, stable from logits) + Dice; defaults reproduce the tutorial's DiceBCELoss. Binary and multilabel modes.",
        formula: "per group: bce_weight·mean(BCE(x, t)) + dice_weight·(1 − (2Σp·t + smooth_nr)/(Σp + Σt + smooth_dr)); "
            + "BCE = softplus(x) − x·t from logits (PyTorch binary_cross_entropy with logs clamped at −100 when from_logits=false). "
            + "Groups: the pooled batch (per class in multilabel) or each image with per_image; weighted class mean; "
            + "reduction acts on the loss vector [N] / [C] / [1].",
        inputs: SegmentationOptions.inputs,
        parameters: SegmentationOptions.specs() + [
            ParameterSpec("bce_weight", .number(.nonNegative), default: .number(1), "Weight of the BCE term."),
            ParameterSpec("dice_weight", .number(.nonNegative), default: .number(1), "Weight of the Dice term."),
        ]
    )

    let options: SegmentationOptions
    let bceWeight: Double
    let diceWeight: Double

    /// Reads the shared segmentation parameters and the two term weights; multiclass is rejected.
    public init(parameters: Parameters) throws(LossError) {
        options = try SegmentationOptions(parameters)
        guard options.mode != .multiclass else {
            throw LossError(.invalidParameter,
                            "dice_bce supports mode 'binary' and 'multilabel'; for multiclass combine 'dice' with 'cross_entropy'",
                            field: "mode")
        }
        bceWeight = parameters.double("bce_weight")
        diceWeight = parameters.double("dice_weight")
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
        let term = SegmentationElementTerm(positive: 1, negative: 1, pytorchBackward: true)
        return try SegmentationEngine.run(batch, options: options, term: term, gradient: gradient) { sums, layout throws(LossError) in
            try SegmentationEngine.classMean(sums, layout, options) { group in
                let dice = DiceLoss.score(group, options: options)
                var partials = dice.partials.scaled(diceWeight)
                partials.elementTerm = bceWeight / group.valid
                return (bceWeight * group.elementTerm / group.valid + diceWeight * dice.value, partials)
            }
        }
    }
}
