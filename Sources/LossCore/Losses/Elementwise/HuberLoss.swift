/// PyTorch's `huber_loss`: quadratic within `delta` of the target, linear with slope `delta` outside.
public struct HuberLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "huber", aliases: ["huber_loss"],
        summary: "Huber loss (torch.nn.functional.huber_loss).",
        formula: "z = x − t; l = 0.5 z² if |z| < δ else δ(|z| − 0.5δ); gradient z inside, δ sign(z) outside",
        inputs: [.input("Predictions, any shape."), ElementwisePairs.targetInput(), .elementWeight],
        parameters: [ElementwisePairs.reductionSpec,
                     ParameterSpec("delta", .number(.positive), default: .number(1),
                                   "Where the loss turns from quadratic to linear; > 0.")]
    )

    let reduction: Reduction
    let delta: Double

    /// Reads `reduction` and `delta`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        delta = parameters.double("delta")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let delta = self.delta
        return try ElementwisePairs.evaluate(batch, reduction: reduction) { _, x, t in
            let z = x - t
            let magnitude = abs(z)
            let loss = magnitude < delta ? 0.5 * magnitude * magnitude : delta * (magnitude - 0.5 * delta)
            // PyTorch's backward: the linear branch includes |z| = delta exactly.
            let grad = z <= -delta ? -delta : (z >= delta ? delta : z)
            return (loss, grad)
        }
    }
}
