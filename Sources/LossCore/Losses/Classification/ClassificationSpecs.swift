/// Parameter and tensor descriptions shared by the classification losses.
enum ClassificationSpecs {
    /// `ignore_index`: items whose class index equals it are skipped (PyTorch default −100).
    static let ignoreIndex = ParameterSpec(
        "ignore_index", .integer(.any), default: .number(-100),
        "Target value whose items contribute neither loss nor gradient; any integer, as PyTorch.")

    /// An optional `ignore_index` without a default (nothing is ignored unless given).
    static let optionalIgnoreIndex = ParameterSpec(
        "ignore_index", .integer(.any), default: nil,
        "Target value whose pixels are excluded; none when absent.")

    /// The request's `weight` tensor read as one weight per class.
    static let classWeight = LossDescriptor.Input(
        "weight", dtypes: LossDescriptor.Input.floatDTypes, required: false,
        "Optional class weight, shape [C] (PyTorch's `weight`).")

    /// Logits with the class dimension at position 1.
    static let classLogits = LossDescriptor.Input.input("Logits, shape (N, C, d…) or (C); classes on dimension 1.")

    /// A class-index target, or one of class probabilities.
    static let indexOrProbabilityTarget = LossDescriptor.Input(
        "target", dtypes: LossDescriptor.Input.maskDTypes,
        "Class indices, shape (N, d…) (integers, or floats with integral values), or class probabilities shaped as input.")

    /// A class-index target only.
    static let indexTarget = LossDescriptor.Input(
        "target", dtypes: LossDescriptor.Input.maskDTypes,
        "Class indices, shape (N, d…) or [] for a (C) input (integers, or floats with integral values).")
}
