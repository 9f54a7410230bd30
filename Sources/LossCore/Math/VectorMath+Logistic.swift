// The lean tier for the loss kernels: the logistic pieces of a logit, built from the same
// reductions and polynomials as `sigmoid` and `softplus`, without their compensated sums.

extension VectorMath {
    /// e^−a for a ≥ 0 (and NaN), the one exponential every logit loss needs.
    ///
    /// One Cody–Waite reduction, the e^r − 1 polynomial and a single 2ⁿ scale: no denormal
    /// handling, so results below 2^−125 (a > 87) are flushed to 0 — an absolute error under
    /// 1.2e−38, where a loss or gradient term that small is far below float32 resolution of any
    /// sum it enters. Measured error bound: see `LogisticAccuracyTests`.
    /// - Parameter a: Non-negative magnitudes.
    @_transparent
    public static func expOfNegativeMagnitude(_ a: FloatVector) -> FloatVector {
        let flushed = a .> 87
        let y = FloatVector() - a.replacing(with: 87, where: flushed)
        let (r, _, t) = reduceExp(y)
        // n ∈ [−126, 0]; with y ≥ −87, n = −126 only when r > 0.33, so 2ⁿ·e^r stays normal.
        let p = 1 + (r + expm1Tail(r))
        let n = bits(t) &- 0x4b40_0000
        let scaled = float(bits: bits(p) &+ (n &<< 23))
        return scaled.replacing(with: 0, where: flushed).replacing(with: a, where: a .!= a)
    }

    /// ln(1 + z) for z ∈ [0, 1], given r ≈ 1/(1 + z) (which the caller has computed anyway).
    ///
    /// u = 1 + z is reduced as `log` does (k ∈ {0, 1}); its rounding error δ = (1 − u) + z is
    /// exact (Fast2Sum, 1 ≥ z) and enters as the correction δ·r ≈ δ/u, so tiny z keep full
    /// relative accuracy. NaN propagates.
    /// - Parameters:
    ///   - z: Arguments in [0, 1].
    ///   - reciprocal: 1/(1 + z), to within a few ulp.
    @_transparent
    public static func log1pOfUnit(_ z: FloatVector, reciprocal: FloatVector) -> FloatVector {
        let u = 1 + z
        let delta = (1 - u) + z
        let (f, k, _) = splitLog(u, biasMagic: FloatVector(repeating: 0x1p23 + 127))
        return logKernel(f, k, correction: delta * reciprocal)
    }
}
