/// Quantile (pinball) loss: `max(τz, (τ − 1)z)` with `z = t − x`.
///
/// At a tie (z = 0, or both products rounding to the same value) the gradient takes half of
/// each branch, as PyTorch's `torch.maximum` backward does.
public struct QuantileLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "quantile", aliases: ["pinball"],
        summary: "Quantile (pinball) loss for predicting the τ-quantile.",
        formula: "z = t − x; l = max(τz, (τ − 1)z); gradient −τ if τz > (τ − 1)z, 1 − τ if smaller, ½ − τ at a tie",
        inputs: [.input("Predictions, any shape."), ElementwisePairs.targetInput(), .elementWeight],
        parameters: [ElementwisePairs.reductionSpec,
                     ParameterSpec("tau", .number(.openUnit), default: .number(0.5), "The quantile τ, in (0, 1).")]
    )

    let reduction: Reduction
    let tau: Double

    /// Reads `reduction` and `tau`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        tau = parameters.double("tau")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let tau = self.tau
        let below = tau - 1
        return try ElementwisePairs.evaluate(batch, reduction: reduction) { _, x, t in
            let z = t - x
            let over = tau * z
            let under = below * z
            // dz/dx = −1, so each branch's slope is minus its coefficient.
            if over > under { return (over, -tau) }
            if over < under { return (under, -below) }
            return (over, -0.5 * (tau + below))
        }
    }
}
