/// PyTorch's `hinge_embedding_loss`: `x` for targets 1, `max(0, margin − x)` for targets −1.
public struct HingeEmbeddingLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "hinge_embedding", aliases: ["hinge_embedding_loss"],
        summary: "Hinge embedding loss on targets ±1 (torch.nn.functional.hinge_embedding_loss).",
        formula: "l = x if t = 1, max(0, margin − x) if t = −1; gradient 1, or −1 where margin − x > 0",
        inputs: [.input("Distances or scores, any shape."),
                 ElementwisePairs.targetInput("Labels 1 or −1; same shape as input, or broadcastable to it."),
                 .elementWeight],
        parameters: [ElementwisePairs.reductionSpec,
                     ParameterSpec("margin", .number(.any), default: .number(1), "The margin for targets −1.")]
    )

    let reduction: Reduction
    let margin: Double

    /// Reads `reduction` and `margin`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        margin = parameters.double("margin")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let target = try ElementwisePairs.target(of: batch)
        if let bad = target.first(where: { $0 != 1 && $0 != -1 }) {
            throw LossError(.invalidValue, "'target' must hold only 1 and −1, got \(bad)", field: "target")
        }
        let margin = self.margin
        return try ElementwisePairs.evaluate(batch, reduction: reduction, target: target) { _, x, t in
            if t == 1 { return (x, 1) }
            let gap = margin - x
            // PyTorch's clamp_min passes no gradient at gap = 0.
            return gap > 0 ? (gap, -1) : (gap.isNaN ? gap : 0, 0)
        }
    }
}
