/// PyTorch's `smooth_l1_loss`: quadratic within `beta` of the target, linear outside.
public struct SmoothL1Loss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "smooth_l1", aliases: ["smooth_l1_loss"],
        summary: "Smooth L1 loss (torch.nn.functional.smooth_l1_loss); beta = 0 is the L1 loss.",
        formula: "z = x − t; l = 0.5 z²/β if |z| < β else |z| − 0.5β; gradient z/β inside, sign(z) outside",
        inputs: [.input("Predictions, any shape."), ElementwisePairs.targetInput(), .elementWeight],
        parameters: [ElementwisePairs.reductionSpec,
                     ParameterSpec("beta", .number(.nonNegative), default: .number(1),
                                   "Width of the quadratic zone; 0 gives the L1 loss.")]
    )

    let reduction: Reduction
    let beta: Double

    /// Reads `reduction` and `beta`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        beta = parameters.double("beta")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let beta = self.beta
        if beta == 0 {
            // PyTorch dispatches beta = 0 to l1_loss, whose gradient is 0 at a tie.
            return try ElementwisePairs.evaluate(batch, reduction: reduction) { _, x, t in
                let z = x - t
                return (abs(z), L1Loss.sign(z))
            }
        }
        return try ElementwisePairs.evaluate(batch, reduction: reduction) { _, x, t in
            let z = x - t
            let magnitude = abs(z)
            let loss = magnitude < beta ? 0.5 * magnitude * magnitude / beta : magnitude - 0.5 * beta
            // PyTorch's backward: the linear branch includes |z| = beta exactly.
            let grad = z <= -beta ? -1 : (z >= beta ? 1 : z / beta)
            return (loss, grad)
        }
    }
}
