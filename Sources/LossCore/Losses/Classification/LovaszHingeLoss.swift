/// Binary Lovász hinge on logits, SMP's `LovaszLoss(mode="binary")`.
public struct LovaszHingeLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "lovasz_hinge", aliases: ["lovasz_hinge_loss"],
        summary: "Binary Lovász hinge on logits (segmentation_models_pytorch LovaszLoss, binary mode).",
        formula: "e_i = 1 − x_i (2t_i − 1); loss = Σ_i relu(e_(i)) g_i over errors sorted descending "
            + "(stable: ties by position), g = Lovász gradient of the sorted mask. per_image averages images "
            + "(an image with every pixel ignored counts as 0); reduction none ⇒ per-image losses (N), or [] pooled",
        inputs: [.input("Logits, shape (N, …)."),
                 .init("target", dtypes: LossDescriptor.Input.maskDTypes, "0/1 mask with input's element count.")],
        parameters: [
            .reduction(),
            ParameterSpec("per_image", .bool, default: .bool(false), "One loss per image (dimension 0), averaged."),
            ClassificationSpecs.optionalIgnoreIndex,
        ]
    )

    let combination: LovaszReduction
    let ignoreIndex: Double?

    /// Reads `reduction`, `per_image` and `ignore_index`.
    public init(parameters: Parameters) throws(LossError) {
        combination = LovaszReduction(reduction: parameters.reduction, perImage: parameters.bool("per_image"))
        ignoreIndex = parameters.optionalDouble("ignore_index")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let input = batch.input
        guard batch.target.count == input.count, batch.target.shape.first == batch.shape.first else {
            throw LossError(.shapeMismatch,
                            "'target' must have input's element count and batch size (input \(batch.shape)), got \(batch.target.shape)",
                            field: "target")
        }
        let target = batch.target.values(as: Double.self)
        let images = combination.perImage ? batch.shape.first ?? 1 : 1
        let pixels = images == 0 ? 0 : input.count / images
        let upstream = try combination.upstream(batch.gradOutput, images: images)
        var lovasz = LovaszExtension(capacity: pixels)
        var losses = [Double](repeating: 0, count: images)
        var grad = [T](repeating: 0, count: input.count)
        let ignoreIndex = self.ignoreIndex
        for image in 0..<images {
            let count = lovasz.select(image * pixels..<(image + 1) * pixels) { target[$0] != ignoreIndex }
            lovasz.fill(count: count) { i in (1 - Double(input[i]) * (2 * target[i] - 1), target[i]) }
            losses[image] = lovasz.evaluate(count: count, hinge: true)
            let scale = upstream[image]
            grad.withUnsafeMutableBufferPointer { grad in
                lovasz.forEachSelected(count: count) { i, slope in grad[i] = T(-slope * (2 * target[i] - 1) * scale) }
            }
        }
        return LossOutput(loss: combination.combine(losses), lossShape: combination.lossShape(images: images), grad: grad)
    }
}
