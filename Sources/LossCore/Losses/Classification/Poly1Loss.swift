/// Poly-1 cross-entropy (Leng et al. 2022): cross-entropy plus ε₁(1 − p_t).
///
/// Defined as PyTorch's `cross_entropy` (same class `weight`, `ignore_index`, targets and
/// normaliser) plus the Poly-1 term ε₁(1 − p_t), p_t = softmax(x)_y (or Σ_c t_c softmax(x)_c for
/// probability targets). The Poly-1 term is not class-weighted; ignored items contribute neither
/// term; `mean` averages the Poly-1 term over non-ignored items. Without weights or ignored items
/// this is the paper's `mean(CE + ε₁(1 − p_t))`.
public struct Poly1Loss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "poly1", aliases: ["poly1_cross_entropy"],
        summary: "Poly-1 cross-entropy, CE + ε(1 − p_t) (Leng et al. 2022).",
        formula: "none: l_n = w_y CE_n + ε(1 − q_y) (0 if ignored); sum: Σ l_n; "
            + "mean: cross_entropy(mean, PyTorch normaliser Σ w_y) + ε · mean over non-ignored items of (1 − q_y). "
            + "Gradient of the poly term: ε q_y (q − onehot(y))",
        inputs: [ClassificationSpecs.classLogits, ClassificationSpecs.indexOrProbabilityTarget,
                 ClassificationSpecs.classWeight],
        parameters: [
            .reduction(),
            ParameterSpec("epsilon", .number(.any), default: .number(1), "Coefficient ε of the (1 − p_t) term."),
            ClassificationSpecs.ignoreIndex,
        ]
    )

    let reduction: Reduction
    let epsilon: Double
    let ignoreIndex: Int

    /// Reads `reduction`, `epsilon` and `ignore_index`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        epsilon = parameters.double("epsilon")
        ignoreIndex = parameters.int("ignore_index")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let layout = try ClassLayout(shape: batch.shape)
        let weights = try ClassWeights.read(batch.weight, classes: layout.classes)
        let target = try ClassTarget.read(batch.target, layout: layout, inputShape: batch.shape,
                                          ignoreIndex: ignoreIndex, allowsProbabilities: true)
        let kernel = SoftmaxCrossEntropy(classWeights: weights, classes: layout.classes,
                                         polyEpsilon: epsilon, reduction: reduction)
        return try kernel.evaluate(batch.input, layout: layout, target: target, gradOutput: batch.gradOutput)
    }
}
