import Foundation

/// Gaussian negative log-likelihood, PyTorch's `gaussian_nll_loss`, with a `var` tensor.
///
/// `var` is clamped to at least `eps` for the forward pass only, as PyTorch does under
/// `no_grad`; the gradient is taken with respect to `input` alone.
public struct GaussianNLLLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "gaussian_nll", aliases: ["gaussian_nll_loss"],
        summary: "Gaussian negative log-likelihood with predicted variance (torch.nn.functional.gaussian_nll_loss).",
        formula: "v = max(var, eps); l = ½(log v + (x − t)²/v) (+ ½ log 2π if full); gradient (x − t)/v",
        inputs: [.input("Predicted means, any shape."),
                 ElementwisePairs.targetInput("Samples; same shape as input, or broadcastable to it."),
                 .init("var", dtypes: LossDescriptor.Input.floatDTypes,
                       "Non-negative variances: input's shape, input's shape without its last dimension, "
                           + "or input's shape with one dimension 1."),
                 .elementWeight],
        parameters: [ElementwisePairs.reductionSpec,
                     ParameterSpec("full", .bool, default: .bool(false), "Whether to add the constant ½ log 2π."),
                     ParameterSpec("eps", .number(.nonNegative), default: .number(1e-6),
                                   "Lower clamp of var, for stability.")]
    )

    let reduction: Reduction
    let full: Bool
    let epsilon: Double

    /// Reads `reduction`, `full` and `eps`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        full = parameters.bool("full")
        epsilon = parameters.double("eps")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        guard let rawVariance = batch.variance else {
            throw LossError(.missingTensor, "loss 'gaussian_nll' needs a 'var' tensor", field: "var")
        }
        let variance = try Self.expandVariance(rawVariance, to: batch.shape)
        let epsilon = self.epsilon
        let constant = full ? 0.5 * log(2 * Double.pi) : 0
        return try ElementwisePairs.evaluate(batch, reduction: reduction) { i, x, t in
            let v = max(variance[i], epsilon)
            let difference = x - t
            let loss = 0.5 * (log(v) + difference * difference / v) + constant
            return (loss, difference / v)
        }
    }

    /// `var` expanded to the input's shape, after PyTorch's shape and sign checks.
    /// - Throws: ``LossError`` naming `var` for a shape PyTorch rejects, a negative or a non-finite entry.
    static func expandVariance(_ variance: Tensor, to shape: [Int]) throws(LossError) -> [Double] {
        guard variance.allFinite else {
            throw LossError(.invalidValue, "'var' contains NaN or infinity", field: "var")
        }
        var varianceShape = variance.shape
        if varianceShape != shape {
            if !shape.isEmpty, varianceShape == Array(shape.dropLast()) {
                // One dimension short: a variance shared along input's last dimension.
                varianceShape.append(1)
            } else {
                let mismatches = zip(shape, varianceShape).filter { $0 != $1 }
                guard varianceShape.count == shape.count, mismatches.count == 1, mismatches[0].1 == 1 else {
                    throw LossError(.shapeMismatch,
                                    "'var' must have input's shape \(shape), that shape without its last dimension, "
                                        + "or that shape with one dimension 1; got \(variance.shape)",
                                    field: "var")
                }
            }
        }
        let values: [Double] = try Broadcast.expand(Tensor(unchecked: varianceShape, storage: variance.storage),
                                                    to: shape, field: "var")
        if let negative = values.first(where: { $0 < 0 }) {
            throw LossError(.invalidValue, "'var' must be non-negative, got \(negative)", field: "var")
        }
        return values
    }
}
