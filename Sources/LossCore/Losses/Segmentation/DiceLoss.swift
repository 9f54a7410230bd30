import Foundation

/// Dice loss, `1 − (2I + s_nr)/(ΣP + ΣT + s_dr)` per group; the tutorial's `DiceLoss` with defaults.
public struct DiceLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "dice", aliases: ["dice_loss"],
        summary: "Dice loss (SMP/MONAI semantics); defaults reproduce the tutorial's DiceLoss (sigmoid, flattened, smooth=1).",
        formula: "score = (2Σp·t + smooth_nr)/(Σp + Σt + smooth_dr) (Σp² with squared_pred) per class (per image with per_image); "
            + "loss = 1 − score, or −log(max(score, eps)) with log_loss; weighted mean over classes. "
            + "reduction mean/sum/none acts on the loss vector: [N] with per_image, else [C] (multiclass/multilabel, entries C·w_c/Σw·L_c) or [1] (binary).",
        inputs: SegmentationOptions.inputs,
        parameters: SegmentationOptions.specs() + [
            ParameterSpec("log_loss", .bool, default: .bool(false), "Use −log(score) instead of 1 − score (SMP)."),
            ParameterSpec("squared_pred", .bool, default: .bool(false), "Sum p² in the denominator (MONAI)."),
            ParameterSpec("eps", .number(.positive), default: .number(1e-7), "Lower clamp of the score under log_loss (SMP)."),
        ]
    )

    let options: SegmentationOptions
    let logLoss: Bool
    let squaredPrediction: Bool
    let eps: Double

    /// Reads the shared segmentation parameters and `log_loss`, `squared_pred`, `eps`.
    public init(parameters: Parameters) throws(LossError) {
        options = try SegmentationOptions(parameters)
        logLoss = parameters.bool("log_loss")
        squaredPrediction = parameters.bool("squared_pred")
        eps = parameters.double("eps")
    }

    /// float32 evaluation, gradient allocated.
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
        try SegmentationEngine.run(batch, options: options, squared: squaredPrediction, gradient: gradient) { sums, layout throws(LossError) in
            try SegmentationEngine.classMean(sums, layout, options) { group in
                DiceLoss.score(group, options: options, logLoss: logLoss, eps: eps)
            }
        }
    }

    /// One group's Dice loss and its partials.
    static func score(_ group: SegmentationGroupSums, options: SegmentationOptions, logLoss: Bool = false,
                      eps: Double = 1e-7) -> (value: Double, partials: SegmentationPartials) {
        let numerator = 2 * group.intersection + options.smoothNumerator
        let denominator = group.prediction + group.truth + options.smoothDenominator
        let score = numerator / denominator
        let dScoreDI = 2 / denominator
        let dScoreDP = -numerator / (denominator * denominator)
        if logLoss {
            // clamp_min passes the gradient at the boundary, as PyTorch.
            let slope = score >= eps ? -1 / score : 0
            return (-log(max(score, eps)),
                    SegmentationPartials(intersection: slope * dScoreDI, prediction: slope * dScoreDP, elementTerm: 0))
        }
        return (1 - score, SegmentationPartials(intersection: -dScoreDI, prediction: -dScoreDP, elementTerm: 0))
    }
}
