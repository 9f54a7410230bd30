import Foundation

/// Binary cross-entropy on probabilities, PyTorch's `binary_cross_entropy`.
///
/// The logarithms are clamped at −100 and the gradient divides by `max(x(1−x), ε)` with
/// PyTorch's single-precision ε = 1e-12, so a saturated probability yields the same large but
/// finite gradient PyTorch's backward does (not the zero slope of the clamp).
public struct BCELoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "bce", aliases: ["binary_cross_entropy"],
        summary: "Binary cross-entropy on probabilities (torch.nn.functional.binary_cross_entropy).",
        formula: "l_i = −w_i [t_i max(log x_i, −100) + (1 − t_i) max(log(1 − x_i), −100)]; "
            + "gradient w_i (x_i − t_i) / max(x_i (1 − x_i), 1e-12)",
        inputs: [.input("Probabilities in [0, 1], any shape."),
                 ElementwisePairs.targetInput("Targets in [0, 1]; same shape as input, or broadcastable to it."),
                 .elementWeight],
        parameters: [ElementwisePairs.reductionSpec]
    )

    /// The floor of each logarithm, as PyTorch.
    static let logFloor = -100.0
    /// PyTorch's `EPSILON` in `binary_cross_entropy_backward`: the float literal 1e-12, widened.
    static let gradientEpsilon = Double(Float(1e-12))

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
        // `!(0...1).contains` also rejects NaN, as PyTorch's check does.
        if let bad = batch.input.first(where: { !(0...1).contains($0) }) {
            throw LossError(.invalidValue, "'input' must hold probabilities in [0, 1], got \(bad)", field: "input")
        }
        return try ElementwisePairs.evaluate(batch, reduction: reduction) { _, x, t in
            let logX = max(log(x), Self.logFloor)
            let logOneMinusX = max(log1p(-x), Self.logFloor)
            let loss = (t - 1) * logOneMinusX - t * logX
            let grad = (x - t) / max((1 - x) * x, Self.gradientEpsilon)
            return (loss, grad)
        }
    }
}
