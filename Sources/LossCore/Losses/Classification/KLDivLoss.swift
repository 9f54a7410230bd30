/// Kullback–Leibler divergence, PyTorch's `kl_div`; the input holds log-probabilities.
public struct KLDivLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "kl_div", aliases: ["kl_div_loss"],
        summary: "Pointwise KL divergence of log-probability input (torch.nn.functional.kl_div).",
        formula: "l = t (log t − x) (0 where t = 0), or e^t (t − x) with log_target; gradient −t, or −e^t. "
            + "mean averages every element; batchmean divides the sum by the size of dimension 0",
        inputs: [.input("Log-probabilities, any shape."),
                 .init("target", dtypes: LossDescriptor.Input.maskDTypes,
                       "Probabilities (log-probabilities with log_target), broadcastable to input."),
                 .elementWeight],
        parameters: [
            .reduction([.mean, .sum, .none, .batchmean]),
            ParameterSpec("log_target", .bool, default: .bool(false), "Whether the target holds log-probabilities."),
        ]
    )

    let reduction: Reduction
    let logTarget: Bool

    /// Reads `reduction` and `log_target`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        logTarget = parameters.bool("log_target")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let target: [Double] = try Broadcast.expand(batch.target, to: batch.shape, field: "target")
        let weight: [T]? = try ElementwiseReduction.elementWeight(batch.weight, shape: batch.shape)
        let input = batch.input, logTarget = logTarget
        var reduction = reduction, gradOutput = batch.gradOutput, divisor = 1.0
        if reduction == .batchmean {
            // PyTorch: the sum divided by input.size(0) (a 0-d input is just summed).
            divisor = batch.shape.first.map(Double.init) ?? 1
            let upstream = try ElementwiseReduction.scalarGradOutput(batch.gradOutput)
            gradOutput = Tensor.scalar(upstream / divisor, dtype: .float64)
            reduction = .sum
        }
        var output: LossOutput<T> = try ElementwiseReduction.evaluate(
            count: input.count, shape: batch.shape, reduction: reduction, weight: weight, gradOutput: gradOutput
        ) { i in
            let x = Double(input[i]), t = target[i]
            if logTarget {
                let probability = ClassMath.exp(t)
                return (probability * (t - x), -probability)
            }
            // xlogy(t, t): 0 at t = 0 exactly, as torch.xlogy.
            let entropyTerm = t == 0 ? 0 : t * ClassMath.log(t)
            return (entropyTerm - t * x, -t)
        }
        if divisor != 1 { output.loss = output.loss.map { T(Double($0) / divisor) } }
        return output
    }
}
