/// Multiclass Lovász-softmax, SMP's `LovaszLoss(mode="multiclass")` (`_lovasz_softmax`).
public struct LovaszSoftmaxLoss: Loss {
    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "lovasz_softmax", aliases: ["lovasz_softmax_loss"],
        summary: "Multiclass Lovász-softmax on logits (segmentation_models_pytorch LovaszLoss, multiclass mode).",
        formula: "q = softmax(x) over dimension 1; per class c: e_i = |[y_i = c] − q_ic|, "
            + "L_c = Σ_i e_(i) g_i (errors sorted descending, stable); loss = mean of L_c over the classes "
            + "(present: those occurring in the valid target; 0 if none). per_image averages images",
        inputs: [ClassificationSpecs.classLogits, ClassificationSpecs.indexTarget],
        parameters: [
            .reduction(),
            ParameterSpec("classes", .choice(["present", "all"]), default: .string("present"),
                          "Average over the classes present in the target, or over all C."),
            ParameterSpec("per_image", .bool, default: .bool(false), "One loss per image (dimension 0), averaged."),
            ParameterSpec("from_logits", .bool, default: .bool(true), "Apply softmax; false takes probabilities."),
            ClassificationSpecs.optionalIgnoreIndex,
        ]
    )

    let combination: LovaszReduction
    let presentOnly: Bool
    let fromLogits: Bool
    let ignoreIndex: Int?

    /// Reads `reduction`, `classes`, `per_image`, `from_logits` and `ignore_index`.
    public init(parameters: Parameters) throws(LossError) {
        combination = LovaszReduction(reduction: parameters.reduction, perImage: parameters.bool("per_image"))
        presentOnly = parameters.string("classes") == "present"
        fromLogits = parameters.bool("from_logits")
        ignoreIndex = parameters.optionalInt("ignore_index")
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { try run(batch) }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { try run(batch) }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        if !fromLogits { try SegmentationEngine.requireProbabilities(batch.input) }
        guard batch.shape.count >= 2 else {
            throw LossError(.invalidTensor, "'input' must have shape (N, C, d…), got \(batch.shape)", field: "input")
        }
        let layout = try ClassLayout(shape: batch.shape)
        guard case .indices(let labels) = try ClassTarget.read(
            batch.target, layout: layout, inputShape: batch.shape, ignoreIndex: ignoreIndex, allowsProbabilities: false)
        else { preconditionFailure("probabilities were refused") }
        let parallel = !LovaszExtension.forcesSequential
        let probabilities = softmax(batch.input, layout: layout, parallel: parallel)
        let images = combination.perImage ? layout.batch : 1
        let pixels = images == 0 ? 0 : layout.items / images
        let upstream = try combination.upstream(batch.gradOutput, images: images)
        var lovasz = LovaszExtension(capacity: pixels)
        var losses = [Double](repeating: 0, count: images)
        // d(total loss)/d q, accumulated over classes and images.
        var probabilityGrad = [Double](repeating: 0, count: probabilities.count)
        var present = [Bool](repeating: false, count: layout.classes)
        var contributing = [Bool](repeating: false, count: layout.classes)
        for image in 0..<images {
            let count = lovasz.select(image * pixels..<(image + 1) * pixels) { labels[$0] != ClassTarget.ignored }
            var classLosses = 0.0, counted = 0
            for c in contributing.indices { (present[c], contributing[c]) = (false, false) }
            for position in 0..<count { present[labels[lovasz.items[position]]] = true }
            for c in 0..<layout.classes {
                if presentOnly && !present[c] { continue }
                lovasz.fill(count: count) { item in
                    let isClass: Double = labels[item] == c ? 1 : 0
                    return (abs(isClass - probabilities[layout.base(of: item) + c * layout.classStride]), isClass)
                }
                classLosses += lovasz.evaluate(count: count, hinge: false)
                counted += 1
                contributing[c] = true
                probabilityGrad.withUnsafeMutableBufferPointer { probabilityGrad in
                    lovasz.forEachSelected(count: count) { item, slope in
                        let at = layout.base(of: item) + c * layout.classStride
                        // d|f − q|/dq = sign(q − f), 0 at a tie as PyTorch's abs; the class mean divides later.
                        let difference = probabilities[at] - (labels[item] == c ? 1 : 0)
                        let sign: Double = difference > 0 ? 1 : (difference < 0 ? -1 : 0)
                        probabilityGrad[at] += slope * sign
                    }
                }
            }
            // SMP: an image with no pixel or no counted class has loss 0 (an empty mean), and no gradient.
            guard counted > 0, count > 0 else { continue }
            losses[image] = classLosses / Double(counted)
            let scale = upstream[image] / Double(counted)
            let scaled = contributing
            probabilityGrad.withUnsafeMutableBufferPointer { probabilityGrad in
                lovasz.forEachSelected(count: count) { item, _ in
                    for c in 0..<layout.classes where scaled[c] {
                        probabilityGrad[layout.base(of: item) + c * layout.classStride] *= scale
                    }
                }
            }
        }
        let grad: [T] = backward(probabilityGrad, probabilities: probabilities, layout: layout, parallel: parallel)
        return LossOutput(loss: combination.combine(losses), lossShape: combination.lossShape(images: images), grad: grad)
    }

    /// softmax over the class dimension (or the input itself when it already holds probabilities).
    ///
    /// Computed as torch.softmax does — exp(x − max) / Σ — so that probabilities PyTorch finds
    /// exactly equal (and therefore tied in the Lovász sort) are equal here too.
    private func softmax<T: LossFloat>(_ input: [T], layout: ClassLayout, parallel: Bool) -> [Double] {
        guard fromLogits else { return input.map { Double($0) } }
        var result = [Double](repeating: 0, count: input.count)
        let stride = layout.classStride
        result.withUnsafeMutableBufferPointer { result in
            // Items own disjoint class slots, so chunks of items may run concurrently.
            LovaszExtension.forEach(count: layout.items, parallel: parallel) { items in
                for item in items {
                    let base = layout.base(of: item)
                    var largest = -Double.infinity
                    for c in 0..<layout.classes { largest = max(largest, Double(input[base + c * stride])) }
                    var total = 0.0
                    for c in 0..<layout.classes {
                        let e = ClassMath.exp(Double(input[base + c * stride]) - largest)
                        result[base + c * stride] = e
                        total += e
                    }
                    for c in 0..<layout.classes { result[base + c * stride] /= total }
                }
            }
        }
        return result
    }

    /// d loss/d x from d loss/d q through the softmax: q_c (g_c − Σ_k q_k g_k).
    private func backward<T: LossFloat>(_ probabilityGrad: [Double], probabilities: [Double], layout: ClassLayout,
                                        parallel: Bool) -> [T] {
        guard fromLogits else { return probabilityGrad.map { T($0) } }
        var grad = [T](repeating: 0, count: probabilityGrad.count)
        grad.withUnsafeMutableBufferPointer { grad in
            LovaszExtension.forEach(count: layout.items, parallel: parallel) { items in
                for item in items {
                    let base = layout.base(of: item), stride = layout.classStride
                    var dot = 0.0
                    for c in 0..<layout.classes { dot += probabilities[base + c * stride] * probabilityGrad[base + c * stride] }
                    for c in 0..<layout.classes {
                        let at = base + c * stride
                        grad[at] = T(probabilities[at] * (probabilityGrad[at] - dot))
                    }
                }
            }
        }
        return grad
    }
}
