/// The target of a loss over the class dimension: one class index per item, or a distribution per item.
enum ClassTarget: Sendable {
    /// Marks an item whose index equals `ignore_index`.
    static let ignored = -1

    /// One class index per item, in `0..<C`, or ``ignored``.
    case indices([Int])
    /// Class probabilities shaped as the input, as `Double`.
    case probabilities([Double])

    /// Decodes and validates a target.
    ///
    /// A target shaped as the input without its class dimension holds class indices: integer
    /// dtypes, or floats whose values are integral. A target shaped as the input holds probabilities.
    /// - Parameters:
    ///   - target: The request's target.
    ///   - layout: The input's class layout.
    ///   - inputShape: The input's shape.
    ///   - ignoreIndex: Items whose index equals this are ignored; `nil` ignores none.
    ///   - allowsProbabilities: Whether a probability target is accepted at all.
    /// - Throws: ``LossError`` naming `target` (bad shape, non-integral or out-of-range index) or
    ///   `ignore_index` (a non-negative one combined with probabilities, which PyTorch rejects).
    static func read(_ target: Tensor, layout: ClassLayout, inputShape: [Int], ignoreIndex: Int?,
                     allowsProbabilities: Bool) throws(LossError) -> ClassTarget {
        if target.shape == layout.itemShape {
            return .indices(try indices(of: target, classes: layout.classes, ignoreIndex: ignoreIndex))
        }
        guard allowsProbabilities, target.shape == inputShape else {
            let probabilities = allowsProbabilities ? " or class probabilities of shape \(inputShape)" : ""
            throw LossError(.shapeMismatch,
                            "'target' must be class indices of shape \(layout.itemShape)\(probabilities), got \(target.shape)",
                            field: "target")
        }
        if let ignoreIndex, ignoreIndex >= 0 {
            throw LossError(.invalidParameter,
                            "'ignore_index' (\(ignoreIndex)) is not supported with class-probability targets; use a negative value",
                            field: "ignore_index")
        }
        return .probabilities(target.values(as: Double.self))
    }

    /// Class indices of every item, with ignored items as ``ignored``.
    /// - Throws: ``LossError/Code/invalidValue`` naming `target` for a fractional or out-of-range index.
    static func indices(of target: Tensor, classes: Int, ignoreIndex: Int?) throws(LossError) -> [Int] {
        var result: [Int]
        if let integers = target.integerValues() {
            result = integers.map { Int($0) }
        } else {
            let floats = target.values(as: Double.self)
            result = [Int](repeating: 0, count: floats.count)
            for (i, value) in floats.enumerated() {
                // The bound keeps the conversion from trapping; no valid index comes near it.
                guard value == value.rounded(), abs(value) < 0x1p62 else {
                    throw LossError(.invalidValue,
                                    "'target' holds class indices here, but element \(i) is \(value), not an integer",
                                    field: "target")
                }
                result[i] = Int(value)
            }
        }
        for i in result.indices {
            let index = result[i]
            if let ignoreIndex, index == ignoreIndex {
                result[i] = ignored
            } else if index < 0 || index >= classes {
                throw LossError(.invalidValue,
                                "'target' element \(i) is class \(index), outside [0, \(classes)) and not ignore_index",
                                field: "target")
            }
        }
        return result
    }
}
