/// Shared plumbing of losses that are elementwise in (`input`, `target`).
///
/// Expands `target` and the optional elementwise `weight` to the input's shape (both
/// in `Double`, so a float64 target sent with a float32 input keeps its precision),
/// then hands each element's `(x, t)` to the loss and lets ``ElementwiseReduction``
/// apply the reduction and `grad_output` in the same pass.
public enum ElementwisePairs {
    /// The target expanded to the input's shape, as `Double`.
    /// - Throws: ``LossError/Code/shapeMismatch`` naming `target` when it does not broadcast.
    public static func target<T: LossFloat>(of batch: LossBatch<T>) throws(LossError) -> [Double] {
        try Broadcast.expand(batch.target, to: batch.shape, field: "target")
    }

    /// Evaluates an elementwise loss.
    /// - Parameters:
    ///   - batch: The tensors; `target` and `weight` must broadcast to `input`.
    ///   - reduction: `mean`, `sum` or `none`.
    ///   - target: The target already expanded (from ``target(of:)``), when the loss inspected it first.
    ///   - element: Returns the unweighted loss and d(loss)/dx for element `i` with input `x` and target `t`.
    /// - Returns: Loss (reduced or not) and gradient, weighted and scaled by `grad_output`.
    @inlinable @inline(__always)
    public static func evaluate<T: LossFloat>(
        _ batch: LossBatch<T>, reduction: Reduction, target expanded: [Double]? = nil,
        _ element: (_ i: Int, _ x: Double, _ t: Double) -> (loss: Double, grad: Double)
    ) throws(LossError) -> LossOutput<T> {
        let target: [Double]
        if let expanded { target = expanded } else { target = try self.target(of: batch) }
        let weight: [Double]? = try ElementwiseReduction.elementWeight(batch.weight, shape: batch.shape)
        let input = batch.input
        return try ElementwiseReduction.evaluate(
            count: input.count, shape: batch.shape, reduction: reduction, weight: nil as [T]?,
            gradOutput: batch.gradOutput
        ) { i in
            let (loss, grad) = element(i, Double(input[i]), target[i])
            guard let weight else { return (loss, grad) }
            return (loss * weight[i], grad * weight[i])
        }
    }

    /// The reductions every elementwise loss takes.
    static let reductionSpec = ParameterSpec.reduction([.mean, .sum, .none])

    /// The standard `target` input: same shape as `input`, or broadcastable to it.
    static func targetInput(_ summary: String = "Same shape as input, or broadcastable to it.") -> LossDescriptor.Input {
        .init("target", dtypes: LossDescriptor.Input.maskDTypes, summary)
    }
}
