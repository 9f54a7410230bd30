import Foundation

/// Poisson negative log-likelihood, PyTorch's `poisson_nll_loss`.
public struct PoissonNLLLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "poisson_nll", aliases: ["poisson_nll_loss"],
        summary: "Poisson negative log-likelihood (torch.nn.functional.poisson_nll_loss).",
        formula: "log_input: l = exp(x) − t x, gradient exp(x) − t; otherwise l = x − t log(x + eps), "
            + "gradient 1 − t/(x + eps); full adds t log t − t + ½ log(2πt) where t > 1",
        inputs: [.input("Log-rates (log_input) or rates, any shape."),
                 ElementwisePairs.targetInput("Counts; same shape as input, or broadcastable to it."),
                 .elementWeight],
        parameters: [ElementwisePairs.reductionSpec,
                     ParameterSpec("log_input", .bool, default: .bool(true), "Whether input is the log of the rate."),
                     ParameterSpec("full", .bool, default: .bool(false), "Whether to add the Stirling approximation term."),
                     ParameterSpec("eps", .number(.nonNegative), default: .number(1e-8),
                                   "Added to the rate before its log when log_input is false.")]
    )

    let reduction: Reduction
    let logInput: Bool
    let full: Bool
    let epsilon: Double

    /// Reads `reduction`, `log_input`, `full` and `eps`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        logInput = parameters.bool("log_input")
        full = parameters.bool("full")
        epsilon = parameters.double("eps")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let (logInput, full, epsilon) = (self.logInput, self.full, self.epsilon)
        return try ElementwisePairs.evaluate(batch, reduction: reduction) { _, x, t in
            var loss: Double
            let grad: Double
            if logInput {
                let rate = exp(x)
                loss = rate - t * x
                grad = rate - t
            } else {
                loss = x - t * log(x + epsilon)
                grad = 1 - t / (x + epsilon)
            }
            if full, t > 1 {
                // Stirling's approximation of log(t!); constant in x, so no gradient.
                loss += t * log(t) - t + 0.5 * log(2 * Double.pi * t)
            }
            return (loss, grad)
        }
    }
}
