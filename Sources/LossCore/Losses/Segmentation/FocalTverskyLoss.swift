import Foundation

/// Focal Tversky loss, `(1 − T)^γ` per group (Abraham & Khan 2019).
public struct FocalTverskyLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "focal_tversky",
        summary: "Focal Tversky loss: the Tversky loss of each class raised to gamma, then the weighted class mean.",
        formula: "T = (Σp·t + smooth_nr)/(Σp·t + α·Σp(1−t) + β·Σ(1−p)t + smooth_dr) per class (per image with per_image); "
            + "loss = (1 − T)^γ; weighted mean over classes; reduction acts on the loss vector [N] / [C] / [1].",
        inputs: SegmentationOptions.inputs,
        parameters: SegmentationOptions.specs() + TverskyLoss.weightSpecs + [
            ParameterSpec("gamma", .number(.positive), default: .number(0.75), "Focusing exponent on 1 − T."),
        ]
    )

    let options: SegmentationOptions
    let alpha: Double
    let beta: Double
    let gamma: Double

    /// Reads the shared segmentation parameters, `alpha`, `beta` and `gamma`.
    public init(parameters: Parameters) throws(LossError) {
        options = try SegmentationOptions(parameters)
        alpha = parameters.double("alpha")
        beta = parameters.double("beta")
        gamma = parameters.double("gamma")
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
        let options = options, alpha = alpha, beta = beta, gamma = gamma
        return try SegmentationEngine.run(batch, options: options, gradient: gradient) { sums, layout throws(LossError) in
            try SegmentationEngine.classMean(sums, layout, options) { group in
                let (index, partials) = TverskyLoss.index(group, options: options, alpha: alpha, beta: beta)
                let miss = 1 - index
                return (pow(miss, gamma), partials.scaled(-gamma * pow(miss, gamma - 1)))
            }
        }
    }
}
