/// Multi-label one-versus-all logistic loss, PyTorch's `multilabel_soft_margin_loss`.
public struct MultilabelSoftMarginLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "multilabel_soft_margin", aliases: ["multilabel_soft_margin_loss"],
        summary: "Per-sample mean over C of the logistic loss (torch.nn.functional.multilabel_soft_margin_loss).",
        formula: "l_n = (1/C) Σ_c w_c [−t log σ(x) − (1−t) log σ(−x)], classes on the last dimension; "
            + "none ⇒ shape (N); gradient w_c (σ(x) − t)/C",
        inputs: [.input("Logits, shape (N, C) or (C); classes on the last dimension."),
                 .init("target", dtypes: LossDescriptor.Input.maskDTypes, "0/1 labels, broadcastable to input."),
                 .init("weight", dtypes: LossDescriptor.Input.floatDTypes, required: false,
                       "Optional class weight [C] (or any shape broadcastable to input).")],
        parameters: [.reduction()]
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
        guard let classes = batch.shape.last else {
            throw LossError(.invalidTensor, "'input' must have a class dimension: shape (N, C) or (C), got []",
                            field: "input")
        }
        let rowShape = Array(batch.shape.dropLast())
        let rows = rowShape.reduce(1, *)
        let target: [Double] = try Broadcast.expand(batch.target, to: batch.shape, field: "target")
        let weight: [Double]? = try ElementwiseReduction.elementWeight(batch.weight, shape: batch.shape)
        let input = batch.input, perClass = 1 / Double(classes)
        var grad = [T](repeating: 0, count: input.count)

        // Loss of one row; writes the row's gradient times `scale(row)`.
        func row(_ n: Int, _ gradOut: UnsafeMutableBufferPointer<T>, scale: Double) -> Double {
            var sum = 0.0
            for i in n * classes..<(n + 1) * classes {
                let x = Double(input[i]), t = target[i], w = weight?[i] ?? 1
                sum += w * (-t * ClassMath.logSigmoid(x) - (1 - t) * ClassMath.logSigmoid(-x))
                gradOut[i] = T(w * (ClassMath.sigmoid(x) - t) * perClass * scale)
            }
            return sum * perClass
        }

        if reduction == .none {
            let upstream: [T]? = try ElementwiseReduction.elementGradOutput(batch.gradOutput, shape: rowShape)
            var loss = [T](repeating: 0, count: rows)
            grad.withUnsafeMutableBufferPointer { gradOut in
                for n in 0..<rows { loss[n] = T(row(n, gradOut, scale: upstream.map { Double($0[n]) } ?? 1)) }
            }
            return LossOutput(loss: loss, lossShape: rowShape, grad: grad)
        }
        let upstream = try ElementwiseReduction.scalarGradOutput(batch.gradOutput)
        let scale = reduction == .mean ? upstream / Double(rows) : upstream
        let total = grad.withUnsafeMutableBufferPointer { gradOut in
            ChunkedSum.sum(count: rows) { range -> SIMD2<Double> in
                var partial = 0.0
                for n in range { partial += row(n, gradOut, scale: scale) }
                return SIMD2(partial, 0)
            }
        }
        return LossOutput(scalar: reduction == .mean ? total[0] / Double(rows) : total[0], grad: grad)
    }
}
