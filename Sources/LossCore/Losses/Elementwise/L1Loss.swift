/// Mean absolute error, PyTorch's `l1_loss`: `|x − t|`.
public struct L1Loss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "l1", aliases: ["l1_loss", "mae"],
        summary: "Mean absolute error (torch.nn.functional.l1_loss).",
        formula: "l_i = w_i |x_i − t_i|; gradient w_i sign(x_i − t_i), 0 where x_i = t_i",
        inputs: [.input("Predictions, any shape."), ElementwisePairs.targetInput(), .elementWeight],
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
            let difference = x - t
            return (abs(difference), Self.sign(difference))
        }
    }

    /// PyTorch's `sgn`: ±1, and 0 at 0 (NaN stays NaN), which is the subgradient `abs` uses at its kink.
    @inline(__always)
    static func sign(_ value: Double) -> Double {
        value > 0 ? 1 : (value < 0 ? -1 : value * 0)
    }
}
