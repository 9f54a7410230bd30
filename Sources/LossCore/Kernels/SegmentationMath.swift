import Foundation

/// Numerically stable scalar pieces shared by the segmentation kernels.
enum SegmentationMath {
    /// σ(x), never rounding through `exp` of a large positive number.
    @inline(__always)
    static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    /// σ'(x) = σ(x)·σ(−x), computed from e^{−|x|} so saturated logits keep their (tiny) slope.
    @inline(__always)
    static func sigmoidSlope(_ x: Double) -> Double {
        let e = exp(-abs(x))
        return e / ((1 + e) * (1 + e))
    }

    /// softplus(x) = log(1 + eˣ) = −log σ(−x), without overflow.
    @inline(__always)
    static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }
}

/// The elementwise (weighted) binary cross-entropy that `dice_bce` and `combo` add to a region score:
/// `e = −(a·t·log p + b·(1−t)·log(1−p))`.
///
/// From logits it is evaluated as `a·t·softplus(−x) + b·(1−t)·softplus(x)`, exact for saturated
/// logits; from probabilities the logs are clamped at −100 as PyTorch's `binary_cross_entropy`.
struct SegmentationElementTerm: Sendable {
    /// Weight `a` of the positive (t) part.
    let positive: Double
    /// Weight `b` of the negative (1−t) part.
    let negative: Double
    /// Use PyTorch's `binary_cross_entropy` backward `(p−t)/max(p(1−p), 1e-12)` on probabilities (a = b = 1).
    let pytorchBackward: Bool

    /// The term for one element.
    @inline(__always)
    func value(_ x: Double, target t: Double, fromLogits: Bool) -> Double {
        if fromLogits {
            return positive * t * SegmentationMath.softplus(-x) + negative * (1 - t) * SegmentationMath.softplus(x)
        }
        return -(positive * t * max(log(x), -100) + negative * (1 - t) * max(log(1 - x), -100))
    }

    /// d(term)/d(input) for one element (input = logit or probability).
    @inline(__always)
    func derivative(_ x: Double, target t: Double, fromLogits: Bool) -> Double {
        if fromLogits {
            let p = SegmentationMath.sigmoid(x)
            let q = SegmentationMath.sigmoid(-x)
            return -positive * t * q + negative * (1 - t) * p
        }
        if pytorchBackward {
            return positive * (x - t) / max((1 - x) * x, 1e-12)
        }
        let positivePart = log(x) >= -100 ? -positive * t / x : 0
        let negativePart = log(1 - x) >= -100 ? negative * (1 - t) / (1 - x) : 0
        return positivePart + negativePart
    }
}
