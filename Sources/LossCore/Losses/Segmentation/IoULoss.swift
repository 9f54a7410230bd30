/// Jaccard (IoU) loss, `1 − (I + s_nr)/(ΣP + ΣT − I + s_dr)`; the tutorial's `IoULoss` with defaults.
public struct IoULoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "iou", aliases: ["jaccard"],
        summary: "IoU / Jaccard loss (SMP semantics); defaults reproduce the tutorial's IoULoss (sigmoid, flattened, smooth=1).",
        formula: "score = (Σp·t + smooth_nr)/(Σp + Σt − Σp·t + smooth_dr) per class (per image with per_image); loss = 1 − score; "
            + "weighted mean over classes. reduction acts on the loss vector: [N] with per_image, else [C] or [1] (binary).",
        inputs: SegmentationOptions.inputs,
        parameters: SegmentationOptions.specs()
    )

    let options: SegmentationOptions

    /// Reads the shared segmentation parameters.
    public init(parameters: Parameters) throws(LossError) {
        options = try SegmentationOptions(parameters)
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
        let options = options
        return try SegmentationEngine.run(batch, options: options, gradient: gradient) { sums, layout throws(LossError) in
            try SegmentationEngine.classMean(sums, layout, options) { group in
                let numerator = group.intersection + options.smoothNumerator
                let denominator = group.prediction + group.truth - group.intersection + options.smoothDenominator
                let ratio = numerator / (denominator * denominator)
                // d(score)/dI = 1/D + N/D² (I appears in both), d(score)/dP = −N/D².
                return (1 - numerator / denominator,
                        SegmentationPartials(intersection: -(1 / denominator + ratio), prediction: ratio, elementTerm: 0))
            }
        }
    }
}
