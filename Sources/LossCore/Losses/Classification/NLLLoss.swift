/// Negative log-likelihood on log-probabilities, PyTorch's `nll_loss`.
public struct NLLLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "nll", aliases: ["nll_loss"],
        summary: "Negative log-likelihood of log-probabilities (torch.nn.functional.nll_loss).",
        formula: "l = −w_y x_y per non-ignored item; mean divides by Σ w_y over non-ignored items "
            + "(all ignored ⇒ NaN). Gradient −w_y at the target class, 0 elsewhere",
        inputs: [LossDescriptor.Input.input("Log-probabilities, shape (N, C, d…) or (C); classes on dimension 1."),
                 ClassificationSpecs.indexTarget, ClassificationSpecs.classWeight],
        parameters: [.reduction(), ClassificationSpecs.ignoreIndex]
    )

    let reduction: Reduction
    let ignoreIndex: Int

    /// Reads `reduction` and `ignore_index`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
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
                                          ignoreIndex: ignoreIndex, allowsProbabilities: false)
        guard case .indices(let classIndex) = target else { preconditionFailure("probabilities were refused") }
        let input = batch.input, items = layout.items
        // Only the target entry of each item is read or written, so one pass per phase suffices.
        func position(_ item: Int) -> Int { layout.base(of: item) + classIndex[item] * layout.classStride }
        func weight(_ item: Int) -> Double { weights?[classIndex[item]] ?? 1 }
        var grad = [T](repeating: 0, count: input.count)
        if reduction == .none {
            let upstream: [T]? = try ElementwiseReduction.elementGradOutput(batch.gradOutput, shape: layout.itemShape)
            var loss = [T](repeating: 0, count: items)
            for item in 0..<items where classIndex[item] != ClassTarget.ignored {
                loss[item] = T(-weight(item) * Double(input[position(item)]))
                grad[position(item)] = T(-weight(item) * (upstream.map { Double($0[item]) } ?? 1))
            }
            return LossOutput(loss: loss, lossShape: layout.itemShape, grad: grad)
        }
        let upstream = try ElementwiseReduction.scalarGradOutput(batch.gradOutput)
        let totals = ChunkedSum.sum(count: items) { range -> SIMD2<Double> in
            var partial = SIMD2<Double>()
            for item in range where classIndex[item] != ClassTarget.ignored {
                partial += SIMD2(-weight(item) * Double(input[position(item)]), weight(item))
            }
            return partial
        }
        let scale = reduction == .mean ? upstream / totals[1] : upstream
        for item in 0..<items where classIndex[item] != ClassTarget.ignored {
            grad[position(item)] = T(-weight(item) * scale)
        }
        return LossOutput(scalar: reduction == .mean ? totals[0] / totals[1] : totals[0], grad: grad)
    }
}
