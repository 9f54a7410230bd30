import Foundation

/// Charbonnier loss, a differentiable L1: `sqrt((x − t)² + ε²) − ε`.
public struct CharbonnierLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "charbonnier", aliases: [],
        summary: "Charbonnier (pseudo-Huber) loss: sqrt((x − t)² + ε²) − ε, zero at a perfect prediction.",
        formula: "z = x − t; l = sqrt(z² + ε²) − ε; gradient z / sqrt(z² + ε²)",
        inputs: [.input("Predictions, any shape."), ElementwisePairs.targetInput(), .elementWeight],
        parameters: [ElementwisePairs.reductionSpec,
                     ParameterSpec("eps", .number(.positive), default: .number(1e-3),
                                   "Smoothing ε > 0: the loss is quadratic for |x − t| ≪ ε.")]
    )

    let reduction: Reduction
    let epsilon: Double

    /// Reads `reduction` and `eps`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        epsilon = parameters.double("eps")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let epsilon = self.epsilon
        let epsilonSquared = epsilon * epsilon
        return try ElementwisePairs.evaluate(batch, reduction: reduction) { _, x, t in
            let z = x - t
            let root = (z * z + epsilonSquared).squareRoot()
            return (root - epsilon, z / root)
        }
    }
}
