import Foundation

/// Log-cosh loss: `log(cosh(x − t))`, evaluated without overflow.
public struct LogCoshLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "log_cosh", aliases: ["logcosh"],
        summary: "Log-cosh loss: smooth like MSE near zero, linear like L1 far away.",
        formula: "z = x − t; l = |z| + log1p(exp(−2|z|)) − log 2 (= log cosh z); gradient tanh z",
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
            let z = x - t
            let magnitude = abs(z)
            // cosh overflows past |z| ≈ 710; this form only ever exponentiates a non-positive number.
            let loss = magnitude + log1p(exp(-2 * magnitude)) - M_LN2
            return (loss, tanh(z))
        }
    }
}
