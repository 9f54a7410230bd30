/// Binary Lovász hinge on logits, SMP's `LovaszLoss(mode="binary")`.
///
/// float32 input (float16 and bfloat16 compute as float32) with a 0/1 mask read in place runs
/// ``LovaszHingeKernel`` — a radix sort on the errors' float bits, the gradient written into the
/// caller's buffer; float64, and any other target, run the Double reference ``LovaszExtension``.
/// Both give the same gradient bits.
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

    /// Runs the Double reference on float32 input too — what the float32 kernel is tested against.
    @TaskLocal static var forcesReference = false

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try compute(batch, gradient: gradient) }
    }

    /// float32 evaluation into `gradient`: ``LovaszHingeKernel`` when the target is a 0/1 mask
    /// (with ignored elements) in a dtype it reads in place, else the Double reference.
    public func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        try checkShapes(batch)
        let images = combination.perImage ? batch.shape.first ?? 1 : 1
        let pixels = images == 0 ? 0 : batch.input.count / images
        let upstream = try combination.upstream(batch.gradOutput, images: images)
        if !Self.forcesReference && pixels < Int(Int32.max) {
            let kernel = Float32Kernel(input: batch.input, gradient: gradient, images: images, pixels: pixels, upstream: upstream,
                                       classes: LovaszTargetClasses(ignoreIndex: ignoreIndex),
                                       parallel: !LovaszExtension.forcesSequential)
            if let losses = try batch.target.visitElements(kernel) ?? nil {
                return LossValue(loss: combination.combine(losses), lossShape: combination.lossShape(images: images))
            }
        }
        let output = try run(batch)
        _ = gradient.initialize(fromContentsOf: output.grad)
        return LossValue(loss: output.loss, lossShape: output.lossShape)
    }

    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    /// Runs ``LovaszHingeKernel`` on each image for a target of any ``TargetScalar`` dtype;
    /// `nil` when a target value is not 0, 1 or ignored.
    private struct Float32Kernel: ElementVisitor {
        let input: [Float]
        let gradient: UnsafeMutableBufferPointer<Float>
        let images: Int, pixels: Int
        let upstream: [Double]
        let classes: LovaszTargetClasses
        let parallel: Bool

        func visit<S: TargetScalar>(_ target: UnsafeBufferPointer<S>) -> [Double]? {
            guard let gradientBase = gradient.baseAddress, let targetBase = target.baseAddress else {
                return [Double](repeating: 0, count: images)
            }
            return input.withUnsafeBufferPointer { input -> [Double]? in
                guard let inputBase = input.baseAddress else { return [Double](repeating: 0, count: images) }
                let kernel = LovaszHingeKernel(input: inputBase, target: targetBase, gradient: gradientBase,
                                               classes: classes, parallel: parallel)
                var workspace = LovaszHingeKernel<S>.Workspace()
                var losses: [Double] = []
                losses.reserveCapacity(images)
                for image in 0..<images {
                    guard let loss = kernel.evaluate(image * pixels..<(image + 1) * pixels, scale: upstream[image],
                                                     workspace: &workspace) else {
                        return nil
                    }
                    losses.append(loss)
                }
                return losses
            }
        }
    }

    private func checkShapes<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) {
        guard batch.target.count == batch.input.count, batch.target.shape.first == batch.shape.first else {
            throw LossError(.shapeMismatch,
                            "'target' must have input's element count and batch size (input \(batch.shape)), got \(batch.target.shape)",
                            field: "target")
        }
    }

    /// The reference: Double errors and weights through ``LovaszExtension``, for float64 and for
    /// targets the float32 kernel does not take.
    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let input = batch.input
        try checkShapes(batch)
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
