/// Reduction, weighting and `grad_output` for losses that are elementwise over `input`.
///
/// A loss supplies, for each element `i`, the unweighted loss `l_i` and its derivative
/// `dl_i/dx_i` (both in `Double`); this applies the optional elementwise weight, the
/// reduction and the upstream gradient in a single pass, writing the gradient directly.
public enum ElementwiseReduction {
    /// Upstream gradient for a reduced loss: a one-element `grad_output`, or 1.
    /// - Throws: ``LossError`` when `grad_output` is not a scalar.
    public static func scalarGradOutput(_ gradOutput: Tensor?) throws(LossError) -> Double {
        guard let gradOutput else { return 1 }
        guard let value = gradOutput.scalarValue else {
            throw LossError(.shapeMismatch,
                            "'grad_output' must be a scalar for a reduced loss, got shape \(gradOutput.shape)",
                            field: "grad_output")
        }
        return value
    }

    /// Upstream gradient for `reduction: none`, broadcast to the loss's shape (ones when absent).
    public static func elementGradOutput<T: LossFloat>(_ gradOutput: Tensor?, shape: [Int]) throws(LossError) -> [T]? {
        guard let gradOutput else { return nil }
        return try Broadcast.expand(gradOutput, to: shape, field: "grad_output")
    }

    /// The elementwise `weight` expanded to `shape`, or `nil`.
    public static func elementWeight<T: LossFloat>(_ weight: Tensor?, shape: [Int]) throws(LossError) -> [T]? {
        guard let weight else { return nil }
        return try Broadcast.expand(weight, to: shape, field: "weight")
    }

    /// Evaluates an elementwise loss over `count` elements shaped `shape`.
    /// - Parameters:
    ///   - count: Number of elements.
    ///   - shape: Shape of the unreduced loss (and of the gradient).
    ///   - reduction: `mean`, `sum` or `none`.
    ///   - weight: Optional elementwise weight, already expanded to `shape`.
    ///   - gradOutput: The raw `grad_output` tensor, if any.
    ///   - element: Returns `(l_i, dl_i/dx_i)` for element `i`.
    /// - Returns: The loss (reduced or not) and the gradient.
    @inlinable @inline(__always)
    public static func evaluate<T: LossFloat>(
        count: Int, shape: [Int], reduction: Reduction, weight: [T]?, gradOutput: Tensor?,
        _ element: (Int) -> (loss: Double, grad: Double)
    ) throws(LossError) -> LossOutput<T> {
        if reduction == .none {
            let upstream: [T]? = try elementGradOutput(gradOutput, shape: shape)
            var loss = [T](repeating: 0, count: count)
            var grad = [T](repeating: 0, count: count)
            loss.withUnsafeMutableBufferPointer { lossOut in
                grad.withUnsafeMutableBufferPointer { gradOut in
                    ChunkedSum.forEach(count: count) { range in
                        for i in range {
                            var (l, d) = element(i)
                            if let weight { let w = Double(weight[i]); l *= w; d *= w }
                            if let upstream { d *= Double(upstream[i]) }
                            lossOut[i] = T(l)
                            gradOut[i] = T(d)
                        }
                    }
                }
            }
            return LossOutput(loss: loss, lossShape: shape, grad: grad)
        }
        let upstream = try scalarGradOutput(gradOutput)
        let scale = reduction == .mean ? upstream / Double(count) : upstream
        var grad = [T](repeating: 0, count: count)
        let total = grad.withUnsafeMutableBufferPointer { gradOut in
            ChunkedSum.sum(count: count) { range -> SIMD2<Double> in
                var sum = 0.0
                for i in range {
                    var (l, d) = element(i)
                    if let weight { let w = Double(weight[i]); l *= w; d *= w }
                    sum += l
                    gradOut[i] = T(d * scale)
                }
                return SIMD2(sum, 0)
            }
        }
        let value = reduction == .mean ? total[0] / Double(count) : total[0]
        return LossOutput(scalar: value, grad: grad)
    }
}
