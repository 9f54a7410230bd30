/// The input viewed as (N, C, S) — batch, classes, pixels per image — with the target decoded.
///
/// Binary mode has C = 1 and treats every non-batch dimension as pixels. Element (n, c, s)
/// lives at `(n·C + c)·S + s`; pixel (n, s) is numbered `n·S + s`.
struct SegmentationLayout: Sendable {
    /// Which mode decoded the target.
    let mode: SegmentationMode
    /// N: samples (1 for a rank-0 binary input).
    let batch: Int
    /// C: classes (1 in binary mode).
    let classes: Int
    /// S: pixels per sample.
    let pixels: Int
    /// Binary/multilabel: the target per element (empty in multiclass).
    let dense: [Double]
    /// Binary/multilabel: whether each element takes part (false where the target equals `ignore_index`).
    let denseValid: [Bool]
    /// Multiclass: the class of each pixel, −1 where ignored (empty otherwise).
    let labels: [Int32]

    /// Total pixels N·S.
    var pixelCount: Int { batch * pixels }

    /// Validates shapes and decodes the target.
    /// - Parameters:
    ///   - decodingDense: Whether to build `dense`/`denseValid` in binary and multilabel mode; the
    ///     SIMD passes read the target in place and pass `false`.
    /// - Throws: ``LossError`` naming `input` or `target`.
    init(shape: [Int], target: Tensor, options: SegmentationOptions, decodingDense: Bool = true) throws(LossError) {
        mode = options.mode
        let count = Tensor.elementCount(of: shape) ?? 0
        switch options.mode {
        case .binary:
            batch = shape.first ?? 1
            classes = 1
            pixels = Tensor.elementCount(of: Array(shape.dropFirst())) ?? 0
            let squeezed = shape.count >= 2 && shape[1] == 1 ? [shape[0]] + shape.dropFirst(2) : nil
            guard target.shape == shape || target.shape == squeezed else {
                throw LossError(.shapeMismatch,
                                "binary mode expects 'target' shaped as input \(shape)\(squeezed.map { " or \($0)" } ?? ""), got \(target.shape)",
                                field: "target")
            }
        case .multilabel, .multiclass:
            guard shape.count >= 2, shape[1] >= 1 else {
                throw LossError(.shapeMismatch,
                                "\(options.mode.rawValue) mode expects 'input' shaped (N, C, d…) with C ≥ 1, got \(shape)",
                                field: "input")
            }
            batch = shape[0]
            classes = shape[1]
            pixels = Tensor.elementCount(of: Array(shape.dropFirst(2))) ?? 0
            if options.mode == .multilabel {
                guard target.shape == shape else {
                    throw LossError(.shapeMismatch, "multilabel mode expects 'target' shaped as input \(shape), got \(target.shape)",
                                    field: "target")
                }
            } else {
                let indexShape = [shape[0]] + shape.dropFirst(2)
                var keptChannel = shape
                keptChannel[1] = 1
                guard target.shape == indexShape || target.shape == keptChannel else {
                    throw LossError(.shapeMismatch,
                                    "multiclass mode expects class indices 'target' shaped \(indexShape), got \(target.shape)",
                                    field: "target")
                }
            }
        }
        if options.mode == .multiclass {
            guard classes <= Int(Int32.max) else {
                throw LossError(.shapeMismatch, "multiclass mode supports at most \(Int32.max) classes, got \(classes)", field: "input")
            }
            labels = try SegmentationLayout.decodeLabels(target, classes: classes, ignoreIndex: options.ignoreIndex)
            dense = []
            denseValid = []
        } else if !decodingDense {
            dense = []
            denseValid = []
            labels = []
        } else {
            let values: [Double] = target.values()
            dense = values
            if let ignore = options.ignoreIndex {
                let ignored = Double(ignore)
                denseValid = values.map { $0 != ignored }
            } else {
                denseValid = [Bool](repeating: true, count: count)
            }
            labels = []
        }
    }

    /// Class indices as `Int32`, −1 for ignored pixels; floats must hold integral values.
    private static func decodeLabels(_ target: Tensor, classes: Int, ignoreIndex: Int?) throws(LossError) -> [Int32] {
        let raw: [Double]
        if let integers = target.integerValues() {
            raw = integers.map { Double($0) }
        } else {
            raw = target.values()
        }
        var labels = [Int32](repeating: -1, count: raw.count)
        let ignored = ignoreIndex.map(Double.init)
        for (index, value) in raw.enumerated() {
            if value == ignored { continue }
            guard value == value.rounded() else {
                throw LossError(.invalidValue, "multiclass 'target' must hold integer class indices, got \(value)", field: "target")
            }
            guard value >= 0, value < Double(classes) else {
                throw LossError(.invalidValue, "class index \(value) in 'target' is outside [0, \(classes))", field: "target")
            }
            labels[index] = Int32(value)
        }
        return labels
    }
}
