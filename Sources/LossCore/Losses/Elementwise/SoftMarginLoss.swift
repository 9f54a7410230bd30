import Foundation

/// PyTorch's `soft_margin_loss`: `log(1 + exp(−t x))`, the logistic loss for targets ±1.
///
/// Evaluated as a softplus that never exponentiates a positive number, so a badly
/// misclassified element (t x < −709) gives its finite loss −t x instead of PyTorch's inf.
public struct SoftMarginLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "soft_margin", aliases: ["soft_margin_loss"],
        summary: "Two-class logistic loss on targets ±1 (torch.nn.functional.soft_margin_loss).",
        formula: "m = −t x; l = max(m, 0) + log1p(exp(−|m|)); gradient −t σ(m)",
        inputs: [.input("Scores, any shape."),
                 ElementwisePairs.targetInput("Labels, usually 1 or −1; same shape as input, or broadcastable to it."),
                 .elementWeight],
        parameters: [ElementwisePairs.reductionSpec]
    )

    let reduction: Reduction

    /// Reads `reduction`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        try ElementwisePairs.evaluate(batch, reduction: reduction) { _, x, t in
            let margin = -t * x
            let z = exp(-abs(margin))
            let loss = max(margin, 0) + log1p(z)
            // σ(m), from the same exponential: 1/(1 + z) for m ≥ 0, z/(1 + z) below.
            let sigmoid = margin >= 0 ? 1 / (1 + z) : z / (1 + z)
            return (loss, -t * sigmoid)
        }
    }
}
