import Foundation

/// Matthews-correlation loss, `1 − MCC` per group (SMP `MCCLoss`, with `eps` added to every count).
public struct MCCLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "mcc",
        summary: "Matthews correlation coefficient loss (SMP MCCLoss) on soft counts.",
        formula: "tp = Σp·t + ε, tn = Σ(1−p)(1−t) + ε, fp = Σp(1−t) + ε, fn = Σ(1−p)t + ε per class (per image with per_image); "
            + "loss = 1 − (tp·tn − fp·fn)/sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)); weighted mean over classes; "
            + "reduction acts on the loss vector [N] / [C] / [1].",
        inputs: SegmentationOptions.inputs,
        parameters: SegmentationOptions.specs(smoothing: false) + [
            ParameterSpec("eps", .number(.nonNegative), default: .number(1e-5), "Added to each of tp, tn, fp, fn (SMP)."),
        ]
    )

    let options: SegmentationOptions
    let eps: Double

    /// Reads the shared segmentation parameters and `eps`.
    public init(parameters: Parameters) throws(LossError) {
        options = try SegmentationOptions(parameters)
        eps = parameters.double("eps")
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
        let options = options, eps = eps
        return try SegmentationEngine.run(batch, options: options, gradient: gradient) { sums, layout throws(LossError) in
            try SegmentationEngine.classMean(sums, layout, options) { group in MCCLoss.loss(group, eps: eps) }
        }
    }

    /// One group's loss and its partials; every count is a function of I, P, T and the valid count M.
    static func loss(_ group: SegmentationGroupSums, eps: Double) -> (value: Double, partials: SegmentationPartials) {
        let i = group.intersection, p = group.prediction, t = group.truth, m = group.valid
        let tp = i + eps, fp = p - i + eps, fn = t - i + eps, tn = m - p - t + i + eps
        let a = tp + fp, b = tp + fn, c = tn + fp, d = tn + fn
        let numerator = tp * tn - fp * fn
        let denominator = (a * b * c * d).squareRoot()
        let mcc = numerator / denominator
        // dI moves tp, tn up and fp, fn down: the four products a…d are unchanged.
        let dMCCdI = (tn + tp + fn + fp) / denominator
        // dP moves fp up and tn down: a grows, d shrinks.
        let dNumeratordP = -tp - fn
        let dDenominatordP = denominator / 2 * (1 / a - 1 / d)
        let dMCCdP = dNumeratordP / denominator - numerator * dDenominatordP / (denominator * denominator)
        return (1 - mcc, SegmentationPartials(intersection: -dMCCdI, prediction: -dMCCdP, elementTerm: 0))
    }
}
