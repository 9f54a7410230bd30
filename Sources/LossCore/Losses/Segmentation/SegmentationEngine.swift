/// A region loss after pass 1: its loss vector and how each group's sums move it.
struct SegmentationValue: Sendable {
    /// The per-image or per-class loss vector that `reduction` acts on.
    var vector: [Double]
    /// Its shape: [N] with per_image, [C] for pooled multiclass/multilabel, [1] for pooled binary.
    var shape: [Int]
    /// For each group, the vector entry it feeds.
    var entry: [Int]
    /// For each group, d(vector[entry])/d(I, P, E).
    var partials: [SegmentationPartials]
}

/// The two-pass driver shared by every region loss: layout, sums, reduction, gradient.
enum SegmentationEngine {
    /// Evaluates a region loss.
    /// - Parameters:
    ///   - batch: The request's tensors.
    ///   - options: Shared segmentation parameters.
    ///   - squared: Whether P sums p² (`squared_pred`).
    ///   - term: Optional elementwise BCE term.
    ///   - objective: Turns the group sums into the loss vector and its partials.
    static func run<T: LossFloat>(
        _ batch: LossBatch<T>, options: SegmentationOptions, squared: Bool = false,
        term: SegmentationElementTerm? = nil,
        objective: ([SegmentationGroupSums], SegmentationLayout) throws(LossError) -> SegmentationValue
    ) throws(LossError) -> LossOutput<T> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in
            try run(batch, options: options, squared: squared, term: term, gradient: gradient, objective: objective)
        }
    }

    /// Evaluates a region loss, writing every element of the gradient into `gradient`.
    ///
    /// float32 batches in binary/multilabel mode take the SIMD passes (``SegmentationSIMD``);
    /// everything else the Double reference passes.
    static func run<T: LossFloat>(
        _ batch: LossBatch<T>, options: SegmentationOptions, squared: Bool = false,
        term: SegmentationElementTerm? = nil, gradient: UnsafeMutableBufferPointer<T>,
        objective: ([SegmentationGroupSums], SegmentationLayout) throws(LossError) -> SegmentationValue
    ) throws(LossError) -> LossValue<T> {
        if !options.fromLogits { try requireProbabilities(batch.input) }
        let simd = T.self == Float.self
            && SegmentationSIMD.supports(mode: options.mode, target: batch.target, fromLogits: options.fromLogits, term: term)
        let layout = try SegmentationLayout(shape: batch.shape, target: batch.target, options: options, decodingDense: !simd)
        let kernel = simd ? SegmentationSIMD(
            input: UnsafeBufferPointer<Float>(start: nil, count: 0), batch: layout.batch, classes: layout.classes,
            pixels: layout.pixels, fromLogits: options.fromLogits, perImage: options.perImage, squared: squared,
            term: term, ignored: options.ignoreIndex.map { Float($0) }) : nil
        let sums: [SegmentationGroupSums]
        if let kernel {
            let flat = try unsafeBitCast(batch.input, to: [Float].self).withUnsafeBufferPointer { (x) throws(LossError) in
                var k = kernel
                k.input = x
                let cache = unsafeBitCast(gradient, to: UnsafeMutableBufferPointer<Float>.self)
                return try batch.target.visitElements(SegmentationSIMD.Sums(kernel: k, cache: cache)) ?? []
            }
            let w = SegmentationGroupSums.width
            sums = (0..<(flat.count / w)).map { g in
                SegmentationGroupSums(intersection: flat[g * w], prediction: flat[g * w + 1], truth: flat[g * w + 2],
                                      valid: flat[g * w + 3], elementTerm: flat[g * w + 4])
            }
        } else {
            sums = SegmentationSums.compute(input: batch.input, layout: layout, fromLogits: options.fromLogits,
                                            perImage: options.perImage, squared: squared, term: term)
        }
        let value = try objective(sums, layout)
        let upstream: [Double]
        let output: (loss: [T], shape: [Int])
        switch options.reduction {
        case .none:
            if let gradOutput = batch.gradOutput {
                upstream = try Broadcast.expand(gradOutput, to: value.shape, field: "grad_output")
            } else {
                upstream = [Double](repeating: 1, count: value.vector.count)
            }
            output = (value.vector.map { T($0) }, value.shape)
        default:
            let scale = try ElementwiseReduction.scalarGradOutput(batch.gradOutput)
            let total = value.vector.reduce(0, +)
            let count = Double(value.vector.count)
            let isMean = options.reduction == .mean
            upstream = [Double](repeating: isMean ? scale / count : scale, count: value.vector.count)
            output = ([T(isMean ? total / count : total)], [])
        }
        let coefficients = value.partials.indices.map { g in value.partials[g].scaled(upstream[value.entry[g]]) }
        if let kernel {
            try unsafeBitCast(batch.input, to: [Float].self).withUnsafeBufferPointer { (x) throws(LossError) in
                var k = kernel
                k.input = x
                let pass = SegmentationSIMD.Gradient(kernel: k, coefficients: coefficients,
                                                     gradient: unsafeBitCast(gradient, to: UnsafeMutableBufferPointer<Float>.self))
                _ = try batch.target.visitElements(pass)
            }
        } else {
            SegmentationGradient.compute(input: batch.input, layout: layout, fromLogits: options.fromLogits,
                                         perImage: options.perImage, squared: squared, term: term,
                                         coefficients: coefficients, into: gradient)
        }
        return LossValue(loss: output.loss, lossShape: output.shape)
    }

    /// The objective of losses scored per class: loss per group, then the (weighted) class mean.
    ///
    /// Per image the vector entry is Σ_c (w_c/Σw)·L_{n,c}; pooled multiclass/multilabel entries are
    /// C·(w_c/Σw)·L_c, so `mean` is the weighted class mean; pooled binary is the single L.
    /// - Parameter score: A group's loss and its derivatives with respect to I, P, E.
    static func classMean(
        _ sums: [SegmentationGroupSums], _ layout: SegmentationLayout, _ options: SegmentationOptions,
        score: (SegmentationGroupSums) -> (value: Double, partials: SegmentationPartials)
    ) throws(LossError) -> SegmentationValue {
        let classes = layout.classes
        let shares = try options.classShares(classes: classes)
        let sets = options.perImage ? layout.batch : 1
        let pooledClasses = !options.perImage && layout.mode != .binary
        var vector = [Double](repeating: 0, count: pooledClasses ? classes : sets)
        var entry = [Int](repeating: 0, count: sums.count)
        var partials = [SegmentationPartials](repeating: .zero, count: sums.count)
        for g in sums.indices {
            let (value, partial) = score(sums[g])
            let c = g % classes
            let factor = pooledClasses ? Double(classes) * shares[c] : shares[c]
            entry[g] = pooledClasses ? c : g / classes
            vector[entry[g]] += factor * value
            partials[g] = partial.scaled(factor)
        }
        return SegmentationValue(vector: vector, shape: [vector.count], entry: entry, partials: partials)
    }

    /// With `from_logits: false` the input is taken as probabilities, as PyTorch's
    /// `binary_cross_entropy` takes them: a value outside [0, 1] (or NaN) would make the loss
    /// meaningless, so it is refused the way `bce` refuses it.
    static func requireProbabilities<T: LossFloat>(_ input: [T]) throws(LossError) {
        // `!(0...1).contains` also rejects NaN.
        guard let bad = input.first(where: { !(0...1).contains($0) }) else { return }
        throw LossError(.invalidValue, "'input' must hold probabilities in [0, 1] when from_logits is false, got \(bad)",
                        field: "input")
    }
}
