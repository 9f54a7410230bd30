/// Mean squared error, PyTorch's `mse_loss`: `(x − t)²`.
public struct MSELoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "mse", aliases: ["mse_loss", "l2"],
        summary: "Mean squared error (torch.nn.functional.mse_loss).",
        formula: "l_i = w_i (x_i − t_i)²; gradient 2 w_i (x_i − t_i)",
        inputs: [.input("Predictions, any shape."),
                 .init("target", dtypes: LossDescriptor.Input.maskDTypes, "Same shape as input, or broadcastable to it."),
                 .elementWeight],
        parameters: [.reduction()]
    )

    let reduction: Reduction

    /// Reads `reduction`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
    }

    /// The SIMD pass checks a float target for NaN/∞ itself; the reference path checks first.
    public static var validatesTargetFiniteness: Bool { true }

    /// float32 evaluation, gradient allocated.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try compute(batch, gradient: gradient) }
    }

    /// float32 evaluation in one SIMD pass, gradient written in place.
    public func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        if let value = try ElementwiseSIMD.evaluate(SquaredErrorLanes(), batch, reduction: reduction, gradient: gradient) {
            return value
        }
        try batch.requireFiniteTarget()
        return try run(batch).value(copyingGradientInto: gradient)
    }

    /// float64 evaluation (the Double reference path).
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> {
        try batch.requireFiniteTarget()
        return try run(batch)
    }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let target: [T] = try Broadcast.expand(batch.target, to: batch.shape, field: "target")
        let weight: [T]? = try ElementwiseReduction.elementWeight(batch.weight, shape: batch.shape)
        let input = batch.input
        return try ElementwiseReduction.evaluate(
            count: input.count, shape: batch.shape, reduction: reduction, weight: weight, gradOutput: batch.gradOutput
        ) { i in
            let difference = Double(input[i]) - Double(target[i])
            return (difference * difference, 2 * difference)
        }
    }
}
