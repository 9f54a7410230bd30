import Foundation

/// Scalar pieces shared by the segmentation kernels.
///
/// Derivatives follow PyTorch's autograd formulas (σ' = p(1−p), BCE' = p − t from the rounded
/// p) so gradients agree with PyTorch float64 even for saturated logits, where both are finite
/// and differ from the exact slope by less than one ulp of 1. Loss values use stable softplus forms.
enum SegmentationMath {
    /// σ(x) = 1/(1 + e^{−x}); e^{−x} overflowing to ∞ gives exactly 0.
    @inline(__always)
    static func sigmoid(_ x: Double) -> Double {
        1 / (1 + exp(-x))
    }

    /// σ'(x) = p(1 − p), as PyTorch's sigmoid backward.
    @inline(__always)
    static func sigmoidSlope(_ x: Double) -> Double {
        let p = sigmoid(x)
        return p * (1 - p)
    }

    /// softplus(x) = log(1 + eˣ) = −log σ(−x), without overflow.
    @inline(__always)
    static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    /// BCE from a logit in PyTorch's order, `(1 − t)·x − log σ(x)` with
    /// `log σ(x) = min(x, 0) − log1p(e^{−|x|})`, so saturated logits round as PyTorch's float64
    /// `binary_cross_entropy_with_logits` does (the reference the losses are checked against).
    static func bceWithLogits(_ x: Double, _ t: Double) -> Double {
        (1 - t) * x - (min(x, 0) - log1p(exp(-abs(x))))
    }
}

/// The elementwise (weighted) binary cross-entropy that `dice_bce` and `combo` add to a region score:
/// `e = −(a·t·log p + b·(1−t)·log(1−p))`.
///
/// From logits it is evaluated with `log p = log σ(x)` and `log(1−p) = log σ(x) − x`, the order of
/// PyTorch's `binary_cross_entropy_with_logits`, so saturated logits round as PyTorch's float64 does;
/// from probabilities the logs are clamped at −100 as PyTorch's `binary_cross_entropy`.
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
            if positive == 1, negative == 1 { return SegmentationMath.bceWithLogits(x, t) }
            let logSigmoid = min(x, 0) - log1p(exp(-abs(x)))
            return -(positive * t * logSigmoid + negative * (1 - t) * (logSigmoid - x))
        }
        return -(positive * t * max(log(x), -100) + negative * (1 - t) * max(log(1 - x), -100))
    }

    /// d(term)/d(input) for one element (input = logit or probability).
    @inline(__always)
    func derivative(_ x: Double, target t: Double, fromLogits: Bool) -> Double {
        if fromLogits {
            // d/dx softplus(−x) = p − 1 and d/dx softplus(x) = p, as binary_cross_entropy_with_logits.
            let p = SegmentationMath.sigmoid(x)
            return positive * t * (p - 1) + negative * (1 - t) * p
        }
        if pytorchBackward {
            return positive * (x - t) / max((1 - x) * x, 1e-12)
        }
        let positivePart = log(x) >= -100 ? -positive * t / x : 0
        let negativePart = log(1 - x) >= -100 ? negative * (1 - t) / (1 - x) : 0
        return positivePart + negativePart
    }
}
