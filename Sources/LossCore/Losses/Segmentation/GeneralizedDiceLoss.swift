/// Generalized Dice loss (MONAI `GeneralizedDiceLoss`): class-weighted Dice with weights from the target volume.
public struct GeneralizedDiceLoss: Loss {
    /// How class weights follow from the target volume T_c.
    enum WeightType: String, CaseIterable {
        /// 1/T_c².
        case square
        /// 1/T_c.
        case simple
        /// 1.
        case uniform
    }

    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "generalized_dice",
        summary: "Generalized Dice loss (MONAI GeneralizedDiceLoss): one score over all classes, weighted by target volume.",
        formula: "w_c = 1/T_c² (square), 1/T_c (simple) or 1 (uniform), T_c = Σt; infinite weights (empty classes) become the "
            + "largest finite weight of the same image (per_image) or batch, as MONAI; "
            + "loss = 1 − (2Σ_c w_c·I_c + smooth_nr)/(Σ_c w_c·(P_c + T_c) + smooth_dr). "
            + "The loss vector is [N] with per_image, else [1]; reduction mean/sum/none acts on it.",
        inputs: SegmentationOptions.inputs,
        parameters: SegmentationOptions.specs(classWeights: false, defaultSmooth: Self.defaultSmooth) + [
            ParameterSpec("w_type", .choice(WeightType.allCases.map(\.rawValue)), default: .string("square"),
                          "Class weights from the target volume: square, simple or uniform."),
        ]
    )

    /// MONAI's `smooth_nr = smooth_dr = 1e-5`, not the family's 1: with 1 a `square`-weighted loss,
    /// whose weights 1/T_c² are tiny, is dominated by the smoothing (0.19 where MONAI gives 0.71).
    static let defaultSmooth = 1e-5

    let options: SegmentationOptions
    let weightType: WeightType

    /// Reads the shared segmentation parameters and `w_type`.
    public init(parameters: Parameters) throws(LossError) {
        options = try SegmentationOptions(parameters, defaultSmooth: Self.defaultSmooth)
        weightType = WeightType(rawValue: parameters.string("w_type")) ?? .square
    }

    /// float32 evaluation.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try run(batch, gradient: gradient) }
    }
    /// float32 evaluation, gradient in place (SIMD passes in binary and multilabel mode).
    public func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        try run(batch, gradient: gradient)
    }
    /// float64 evaluation.
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try run(batch, gradient: gradient) }
    }

    private func run<T: LossFloat>(_ batch: LossBatch<T>, gradient: UnsafeMutableBufferPointer<T>) throws(LossError) -> LossValue<T> {
        try SegmentationEngine.run(batch, options: options, gradient: gradient) { sums, layout in objective(sums, classes: layout.classes) }
    }

    private func objective(_ sums: [SegmentationGroupSums], classes: Int) -> SegmentationValue {
        let sets = classes > 0 ? sums.count / classes : 0
        var vector = [Double](repeating: 0, count: sets)
        var entry = [Int](repeating: 0, count: sums.count)
        var partials = [SegmentationPartials](repeating: .zero, count: sums.count)
        var weights = [Double](repeating: 0, count: classes)
        for set in 0..<sets {
            let groups = set * classes..<(set + 1) * classes
            for g in groups { weights[g - groups.lowerBound] = weight(volume: sums[g].truth) }
            // MONAI: an empty class (infinite weight) takes the largest finite weight of its set.
            let largestFinite = weights.filter(\.isFinite).max() ?? 0
            for c in 0..<classes where weights[c].isInfinite { weights[c] = largestFinite }
            var numerator = options.smoothNumerator, denominator = options.smoothDenominator
            for g in groups {
                let w = weights[g - groups.lowerBound]
                numerator += 2 * w * sums[g].intersection
                denominator += w * (sums[g].prediction + sums[g].truth)
            }
            vector[set] = 1 - numerator / denominator
            for g in groups {
                let w = weights[g - groups.lowerBound]
                entry[g] = set
                partials[g] = SegmentationPartials(intersection: -2 * w / denominator,
                                                   prediction: numerator * w / (denominator * denominator), elementTerm: 0)
            }
        }
        return SegmentationValue(vector: vector, shape: [sets], entry: entry, partials: partials)
    }

    private func weight(volume: Double) -> Double {
        switch weightType {
        case .square: 1 / (volume * volume)
        case .simple: 1 / volume
        case .uniform: 1
        }
    }
}
