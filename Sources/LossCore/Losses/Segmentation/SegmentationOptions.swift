/// How a segmentation loss reads its input and target (SMP's `mode`).
public enum SegmentationMode: String, Sendable, CaseIterable {
    /// One foreground channel: sigmoid per element, target of the same shape (the tutorial's setting).
    case binary
    /// Softmax over dim 1 of (N, C, d…); target holds class indices shaped (N, d…).
    case multiclass
    /// Independent sigmoid per channel of (N, C, d…); target of the same shape.
    case multilabel
}

/// The parameters every region-overlap loss shares, read once from validated ``Parameters``.
struct SegmentationOptions: Sendable {
    /// Binary, multiclass or multilabel.
    var mode: SegmentationMode
    /// Whether `input` holds logits (sigmoid/softmax applied here) rather than probabilities.
    var fromLogits: Bool
    /// Added to the numerator of every score.
    var smoothNumerator: Double
    /// Added to the denominator of every score.
    var smoothDenominator: Double
    /// Score each sample separately and average, instead of pooling the batch.
    var perImage: Bool
    /// Target value whose pixels drop out of every sum.
    var ignoreIndex: Int?
    /// Per-class weights of the class mean, one per channel.
    var classWeights: [Double]?
    /// Mean, sum or none over the per-image or per-class loss vector.
    var reduction: Reduction

    /// Reads the shared parameters; `smooth_nr`/`smooth_dr`, when given, override `smooth`.
    /// - Parameter defaultSmooth: `smooth` when the request leaves it out: 1 for the family
    ///   (the tutorial, SMP), MONAI's 1e-5 for `generalized_dice`.
    init(_ parameters: Parameters, defaultSmooth: Double = 1) throws(LossError) {
        mode = SegmentationMode(rawValue: parameters.has("mode") ? parameters.string("mode") : "binary") ?? .binary
        fromLogits = parameters.has("from_logits") ? parameters.bool("from_logits") : true
        let smooth = parameters.optionalDouble("smooth") ?? defaultSmooth
        smoothNumerator = parameters.optionalDouble("smooth_nr") ?? smooth
        smoothDenominator = parameters.optionalDouble("smooth_dr") ?? smooth
        perImage = parameters.has("per_image") ? parameters.bool("per_image") : false
        ignoreIndex = parameters.optionalInt("ignore_index")
        classWeights = parameters.doubles("class_weights")
        if let classWeights, classWeights.reduce(0, +) <= 0 {
            throw LossError(.invalidParameter, "parameter 'class_weights' must have a positive sum", field: "class_weights")
        }
        reduction = parameters.reduction
    }

    /// The normalised weight of each class in the class mean: `w_c / Σw` (uniform without weights).
    /// - Throws: ``LossError`` naming `class_weights` when its length is not `classes`.
    func classShares(classes: Int) throws(LossError) -> [Double] {
        guard let classWeights else {
            return [Double](repeating: classes > 0 ? 1 / Double(classes) : 0, count: classes)
        }
        guard classWeights.count == classes else {
            throw LossError(.invalidParameter,
                            "parameter 'class_weights' has \(classWeights.count) entries but the input has \(classes) classes",
                            field: "class_weights")
        }
        let total = classWeights.reduce(0, +)
        return classWeights.map { $0 / total }
    }

    /// Specs of the shared parameters.
    /// - Parameters:
    ///   - smoothing: Whether the loss takes `smooth`, `smooth_nr` and `smooth_dr`.
    ///   - classWeights: Whether the loss takes `class_weights`.
    ///   - defaultSmooth: The default of `smooth` (see ``init(_:defaultSmooth:)``).
    static func specs(smoothing: Bool = true, classWeights: Bool = true, defaultSmooth: Double = 1) -> [ParameterSpec] {
        var specs: [ParameterSpec] = [
            ParameterSpec("mode", .choice(SegmentationMode.allCases.map(\.rawValue)), default: .string("binary"),
                          "binary (sigmoid, target same shape), multiclass (softmax over dim 1, class-index target (N, d…)), "
                            + "multilabel (sigmoid per channel)."),
            ParameterSpec("from_logits", .bool, default: .bool(true),
                          "true: input holds logits; false: input already holds probabilities."),
        ]
        if smoothing {
            specs += [
                ParameterSpec("smooth", .number(.nonNegative), default: .number(defaultSmooth),
                              defaultSmooth == 1 ? "Added to numerator and denominator of the score (the tutorial's smooth=1)."
                                : "Added to numerator and denominator of the score (MONAI's smooth_nr = smooth_dr = 1e-5)."),
                ParameterSpec("smooth_nr", .number(.nonNegative), default: nil, "Numerator smoothing; overrides smooth."),
                ParameterSpec("smooth_dr", .number(.nonNegative), default: nil, "Denominator smoothing; overrides smooth."),
            ]
        }
        specs += [
            ParameterSpec("per_image", .bool, default: .bool(false),
                          "false pools the whole batch (tutorial, SMP); true scores each sample and averages."),
            ParameterSpec("ignore_index", .integer(.any), default: nil,
                          "Pixels whose target equals this value are excluded from every sum."),
        ]
        if classWeights {
            specs.append(ParameterSpec("class_weights", .numbers(.nonNegative), default: nil,
                                       "One weight per class (C entries); weighted class mean normalised by Σw."))
        }
        specs.append(ParameterSpec("reduction", .choice(["mean", "sum", "none"]), default: .string("mean"),
                                   "Over the loss vector: [N] with per_image, else [C] (multiclass/multilabel) or [1] (binary)."))
        return specs
    }

    /// The descriptor inputs of a region loss.
    static let inputs: [LossDescriptor.Input] = [
        .input("Logits (or probabilities with from_logits=false): binary any shape; multiclass/multilabel (N, C, d…)."),
        .init("target", dtypes: LossDescriptor.Input.maskDTypes,
              "binary/multilabel: same shape as input (binary also (N, d…) for input (N, 1, d…)); multiclass: class indices (N, d…)."),
    ]
}
