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

extension ClassTarget {
    /// What a pass over a valid class-index target counted: the non-ignored items and the sum
    /// of their class weights (PyTorch's `mean` normaliser).
    struct Census: Sendable, Equatable {
        /// Items whose index is not `ignore_index`.
        var counted: Int
        /// Σ w_y over those items, summed in `Double` in ``ChunkedSum`` order (the item count without weights).
        var weightSum: Double
    }

    /// Validates a class-index target in its wire dtype — no converted copy — and counts it.
    ///
    /// Accepts and rejects exactly what ``indices(of:classes:ignoreIndex:)`` does: the pass only
    /// decides whether every element is `ignore_index` or an integer in `0..<classes`; when one is
    /// not, that function runs to throw its error (same element, same message). The pass is a
    /// branch-free loop over the integers, in ``ChunkedSum`` chunks.
    /// - Parameters:
    ///   - target: Class indices, shaped as the input's items.
    ///   - classes: C, below 2²² (so every valid index is exact in float32).
    ///   - ignoreIndex: Items whose index equals this are ignored; `nil` ignores none.
    ///   - weights: Class weights to sum over the counted items, or `nil`.
    /// - Returns: The census, or `nil` for a dtype not read in place (float64, float16, bfloat16)
    ///   — the caller then takes the reference path.
    /// - Throws: ``LossError/Code/invalidValue`` naming `target` for a fractional or out-of-range index.
    static func census(of target: Tensor, classes: Int, ignoreIndex: Int?, weights: [Double]?) throws(LossError) -> Census? {
        precondition(classes > 0 && classes < 1 << 22, "census needs 0 < C < 2^22")
        let sums: SIMD4<Double>? = withOptionalBuffer(weights) { w in
            switch target.storage {
            case .int64(let a): a.withUnsafeBufferPointer { integerCensus($0, classes: classes, ignoreIndex: ignoreIndex, weights: w) }
            case .int32(let a): a.withUnsafeBufferPointer { integerCensus($0, classes: classes, ignoreIndex: ignoreIndex, weights: w) }
            case .uint8(let a): a.withUnsafeBufferPointer { integerCensus($0, classes: classes, ignoreIndex: ignoreIndex, weights: w) }
            case .bool(let a):
                // Swift stores a Bool as the byte 0 or 1.
                a.withUnsafeBufferPointer { b in
                    b.withMemoryRebound(to: UInt8.self) { integerCensus($0, classes: classes, ignoreIndex: ignoreIndex, weights: w) }
                }
            case .float32(let a): a.withUnsafeBufferPointer { floatCensus($0, classes: classes, ignoreIndex: ignoreIndex, weights: w) }
            case .float64, .float16, .bfloat16: nil
            }
        }
        guard let sums else { return nil }
        guard sums[2] == 0 else {
            // Some element is invalid: let the reference decoder find the one it reports first.
            // (Should it accept the target after all, the caller takes the reference path.)
            _ = try indices(of: target, classes: classes, ignoreIndex: ignoreIndex)
            return nil
        }
        return Census(counted: Int(sums[0]), weightSum: weights == nil ? sums[0] : sums[1])
    }

    /// `(counted, Σ w_y, invalid elements, 0)` of an integer target.
    @inline(__always)
    private static func integerCensus<I: FixedWidthInteger>(_ values: UnsafeBufferPointer<I>, classes: Int, ignoreIndex: Int?,
                                                           weights: UnsafeBufferPointer<Double>?) -> SIMD4<Double> {
        let ignore = Int64(ignoreIndex ?? 0), ignores = ignoreIndex != nil, limit = Int64(classes)
        return ChunkedSum.sum(count: values.count) { range -> SIMD4<Double> in
            var counted = 0, invalid = 0
            var weightSum = 0.0
            if let weights {
                for i in range {
                    let v = Int64(truncatingIfNeeded: values[i])
                    let ignored = ignores && v == ignore
                    if ignored { continue }
                    if v >= 0 && v < limit { counted &+= 1; weightSum += weights[Int(v)] } else { invalid &+= 1 }
                }
            } else {
                for i in range {
                    let v = Int64(truncatingIfNeeded: values[i])
                    let ignored = ignores && v == ignore
                    let inRange = UInt64(bitPattern: v) < UInt64(limit)
                    counted &+= ignored ? 0 : 1
                    invalid &+= ignored || inRange ? 0 : 1
                }
            }
            return SIMD4(Double(counted), weightSum, Double(invalid), 0)
        }
    }

    /// `(counted, Σ w_y, invalid elements, 0)` of a float32 target (integral values expected).
    @inline(__always)
    private static func floatCensus(_ values: UnsafeBufferPointer<Float>, classes: Int, ignoreIndex: Int?,
                                    weights: UnsafeBufferPointer<Double>?) -> SIMD4<Double> {
        // An ignore_index that no float32 equals exactly can match no element (NaN equals nothing).
        let ignore = ignoreIndex.flatMap { Float(exactly: $0) } ?? .nan, limit = Float(classes)
        return ChunkedSum.sum(count: values.count) { range -> SIMD4<Double> in
            var counted = 0, invalid = 0
            var weightSum = 0.0
            for i in range {
                let v = values[i]
                if v == ignore { continue }
                // Below 2²², adding and removing 1.5·2²³ rounds to the nearest integer.
                let integral = (v + 0x1.8p23) - 0x1.8p23 == v
                if v >= 0 && v < limit && integral {
                    counted &+= 1
                    if let weights { weightSum += weights[Int(v)] }
                } else {
                    invalid &+= 1
                }
            }
            return SIMD4(Double(counted), weightSum, Double(invalid), 0)
        }
    }
}

/// Calls `body` with the buffer of `array`, or `nil`.
@inline(__always)
private func withOptionalBuffer<R>(_ array: [Double]?, _ body: (UnsafeBufferPointer<Double>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0) }
}
