/// Softmax cross-entropy, PyTorch's `cross_entropy`, with class weights, `ignore_index` and label smoothing.
public struct CrossEntropyLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "cross_entropy", aliases: ["ce", "softmax_cross_entropy"],
        summary: "Softmax cross-entropy over dimension 1 (torch.nn.functional.cross_entropy).",
        formula: "index y: l = (1−ε) w_y (lse(x) − x_y) + (ε/C) Σ_c w_c (lse(x) − x_c); "
            + "probabilities t: l = Σ_c w_c t'_c (lse(x) − x_c), t' = (1−ε) t + ε/C; "
            + "mean divides by Σ w_y over non-ignored items (index target) or by the item count "
            + "(probabilities); all items ignored ⇒ NaN. Gradient: (Σ_c w_c t'_c) softmax(x) − w ⊙ t'",
        inputs: [ClassificationSpecs.classLogits, ClassificationSpecs.indexOrProbabilityTarget,
                 ClassificationSpecs.classWeight],
        parameters: [
            .reduction(),
            ClassificationSpecs.ignoreIndex,
            ParameterSpec("label_smoothing", .number(.unit), default: .number(0),
                          "Mass ε spread uniformly over the C classes, as PyTorch."),
        ]
    )

    let reduction: Reduction
    let ignoreIndex: Int
    let labelSmoothing: Double

    /// Reads `reduction`, `ignore_index` and `label_smoothing`.
    public init(parameters: Parameters) throws(LossError) {
        reduction = parameters.reduction
        ignoreIndex = parameters.int("ignore_index")
        labelSmoothing = parameters.double("label_smoothing")
    }

    /// float32 evaluation (the SIMD path where it applies), gradient in a fresh array.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try compute(batch, gradient: gradient) }
    }

    /// float64 evaluation: the scalar reference path.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try reference(batch) }

    /// float32 evaluation into the caller's buffer: class-index targets without label smoothing
    /// take the SIMD kernel (``SoftmaxCrossEntropy/evaluateIndices(_:layout:target:ignoreIndex:gradOutput:gradient:)``),
    /// everything else the reference path, copied.
    public func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        let layout = try ClassLayout(shape: batch.shape)
        let weights = try ClassWeights.read(batch.weight, classes: layout.classes)
        let kernel = SoftmaxCrossEntropy(classWeights: weights, classes: layout.classes,
                                         labelSmoothing: labelSmoothing, reduction: reduction)
        if let value = try kernel.evaluateIndices(batch.input, layout: layout, target: batch.target, ignoreIndex: ignoreIndex,
                                                  gradOutput: batch.gradOutput, gradient: gradient) {
            return value
        }
        let output = try reference(batch)
        _ = gradient.initialize(fromContentsOf: output.grad)
        return LossValue(loss: output.loss, lossShape: output.lossShape)
    }

    /// The scalar path (Double math): float64 inputs, the float32 cases the SIMD kernel leaves,
    /// and the reference the SIMD kernel is tested against.
    func reference<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let layout = try ClassLayout(shape: batch.shape)
        let weights = try ClassWeights.read(batch.weight, classes: layout.classes)
        let target = try ClassTarget.read(batch.target, layout: layout, inputShape: batch.shape,
                                          ignoreIndex: ignoreIndex, allowsProbabilities: true)
        let kernel = SoftmaxCrossEntropy(classWeights: weights, classes: layout.classes,
                                         labelSmoothing: labelSmoothing, reduction: reduction)
        return try kernel.evaluate(batch.input, layout: layout, target: target, gradOutput: batch.gradOutput)
    }
}
